import CentralServer
import CentralStore
import Foundation
import Hummingbird
import HummingbirdTesting
import SyncWire
import Testing

@Suite("The signature check: signed requests pass, anything else is 401 and stores nothing")
struct AuthenticationTests {
    @Test("health needs no signature; a signed roster download answers the station's school only", arguments: BackEnd.underTest)
    func signedRequestsAccepted(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            try await fixture.withClient { client in
                let health = try await client.execute(uri: SyncAPI.health, method: .get)
                #expect(health.status == .ok)
                #expect(try health.decoded(HealthStatus.self).status == "ok")
                let roster = try await SignedRequest(method: .get, path: SyncAPI.roster + "?cursor=0&limit=10", station: fixture.northStation, time: fixture.now)
                    .send(client)
                #expect(roster.status == .ok)
                let page = try roster.decoded(Page<RosterStudent>.self)
                #expect(page.items.map(\.studentNumber) == ["N0001", "N0002", "N0003"])
                #expect(page.items.map(\.maskedName) == ["张*明", "李*", "欧阳*华"])
                #expect(page.items[0].idTail == "123X")
            }
        }
    }

    /// Each way a photo upload can be badly signed, refused before anything is kept.
    enum BadSignature: String, CaseIterable, CustomStringConvertible {
        case unsigned, wrongSecret, stale, future, alteredBody, unknownStation, otherPath
        var description: String { rawValue }
    }

    @Test("a badly signed upload is 401 with a WireError and nothing is stored", arguments: BackEnd.underTest, BadSignature.allCases)
    func refused(backEnd: BackEnd, bad: BadSignature) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let photo = PhotoBytes(1)
            var request = SignedRequest(method: .put, path: SyncAPI.photo(photo.sha256), body: photo.bytes, station: fixture.northStation, time: fixture.now)
            switch bad {
            case .unsigned: break
            case .wrongSecret: request.secret = StationSecret()
            case .stale: request.time = fixture.now.addingTimeInterval(-RequestSignature.allowedClockSkew - 5)
            case .future: request.time = fixture.now.addingTimeInterval(RequestSignature.allowedClockSkew + 5)
            case .alteredBody: request.sentBody = photo.bytes.dropLast() + Data([photo.bytes.last! ^ 1])
            case .unknownStation: request.station.id = UUID().uuidString.lowercased()
            case .otherPath: request.sentPath = SyncAPI.photo(PhotoBytes(2).sha256)
            }
            let sent = request
            try await fixture.withClient { client in
                let response = bad == .unsigned
                    ? try await client.execute(uri: sent.path, method: .put, body: ByteBuffer(bytes: photo.bytes))
                    : try await sent.send(client)
                #expect(response.status == .unauthorized)
                #expect(response.wireError?.code == .unauthorized)
                #expect(!(response.wireError?.message.isEmpty ?? true))
            }
            #expect(try await !fixture.store.holdsPhoto(sha256: photo.sha256))
            #expect(try await !fixture.store.holdsPhoto(sha256: PhotoBytes(2).sha256))
            #expect(try await fixture.storedPhotos().isEmpty)
        }
    }

    @Test("a signed request over real HTTP on loopback, its query signed as sent", arguments: BackEnd.underTest)
    func liveServer(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            try await fixture.withClient(.live) { client in
                let response = try await SignedRequest(method: .get, path: SyncAPI.decisions + "?cursor=0&limit=5", station: fixture.southStation,
                                                       time: fixture.now).send(client)
                #expect(response.status == .ok)
                #expect(try response.decoded(Page<ReviewDecision>.self) == Page(items: [], cursor: 0, more: false))
            }
        }
    }
}
