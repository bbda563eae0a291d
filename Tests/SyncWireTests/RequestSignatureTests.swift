import Foundation
import SyncWire
import Testing

@Suite("A request's signature")
struct RequestSignatureTests {
    let secret = StationSecret()
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let body = Data("{\"a\":1}".utf8)

    func signed(method: String = "PUT", path: String = "/v1/records/x", body: Data? = nil, time: Date? = nil) -> [String: String] {
        let signature = RequestSignature(stationId: "st-1", secret: secret, method: method, pathAndQuery: path, body: body ?? self.body, time: time ?? now)
        return Dictionary(uniqueKeysWithValues: signature.headers.map { ($0.name.lowercased(), $0.value) })
    }

    func verify(_ headers: [String: String], secret: StationSecret? = nil, method: String = "PUT", path: String = "/v1/records/x",
                body: Data? = nil) throws(RequestSignature.Rejection) {
        let parts = try RequestSignature.read { headers[$0.lowercased()] }
        try RequestSignature.verify(stationId: parts.stationId, time: parts.time, bodyHash: parts.bodyHash, mac: parts.mac,
                                    secret: secret ?? self.secret, method: method, pathAndQuery: path, body: body ?? self.body, now: now)
    }

    @Test func aRequestSignedWithTheStationsSecretIsAccepted() throws {
        try verify(signed())
    }

    @Test func anyChangeToWhatWasSignedIsRefused() {
        #expect(throws: RequestSignature.Rejection.wrongSignature) { try verify(signed(), secret: StationSecret()) }
        #expect(throws: RequestSignature.Rejection.wrongSignature) { try verify(signed(), method: "DELETE") }
        #expect(throws: RequestSignature.Rejection.wrongSignature) { try verify(signed(), path: "/v1/records/y") }
        #expect(throws: RequestSignature.Rejection.bodyHashMismatch) { try verify(signed(), body: Data("{\"a\":2}".utf8)) }
        var otherStation = signed()
        otherStation["x-kiosk-station"] = "st-2"
        #expect(throws: RequestSignature.Rejection.wrongSignature) { try verify(otherStation) }
    }

    @Test func aRequestOutsideTheClockWindowIsRefused() {
        #expect(throws: RequestSignature.Rejection.staleTime(secondsOff: 301)) { try verify(signed(time: now.addingTimeInterval(-301))) }
        #expect(throws: RequestSignature.Rejection.staleTime(secondsOff: -400)) { try verify(signed(time: now.addingTimeInterval(400))) }
    }

    @Test func missingOrMalformedHeadersAreNamed() {
        var headers = signed()
        headers["authorization"] = nil
        #expect(throws: RequestSignature.Rejection.missing("Authorization")) { try verify(headers) }
        headers = signed()
        headers["x-kiosk-time"] = "soon"
        #expect(throws: RequestSignature.Rejection.malformed(RequestSignature.timeHeader)) { try verify(headers) }
        headers = signed()
        headers["authorization"] = "Bearer abc"
        #expect(throws: RequestSignature.Rejection.malformed("Authorization")) { try verify(headers) }
    }

    @Test func aSecretRoundTripsThroughItsHexAndNothingElseParses() {
        #expect(StationSecret(hex: secret.hex) == secret)
        #expect(StationSecret(hex: String(secret.hex.dropLast())) == nil)
        #expect(StationSecret(hex: String(repeating: "g", count: 64)) == nil)
    }

    @Test func anUploadRoundTripsThroughTheWireCoding() throws {
        let upload = SessionUpload(
            id: UUID(), receiptCode: "K7QM-3XPA", studentNumber: "2020001", batch: "2024", collectionCode: " code\twith spaces ",
            startedAt: now, acceptedAt: now.addingTimeInterval(40), photos: [.init(kind: "spec", sha256: String(repeating: "a", count: 64), size: 30000)],
            checkReport: "{\"verdict\":\"pass\"}",
            fee: .init(yuan: 20, basis: "in-window", method: "cash", reference: nil, paidAt: now, confirmedBy: "Wang"),
            identityCheck: .init(verdict: "match", distance: 0.4, threshold: 0.6, obstacle: nil))
        let decoded = try WireCoding.decoder().decode(SessionUpload.self, from: WireCoding.encoder().encode(upload))
        #expect(decoded == upload)
    }
}
