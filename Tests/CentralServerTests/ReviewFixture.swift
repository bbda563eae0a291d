import CentralServer
import CentralStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SyncWire

/// The review pages' side of `ServerFixture`: a reviewer, their Basic auth header, and
/// sessions uploaded through the stations' API as a station sends them.
extension ServerFixture {
    static let reviewerName = "li.wei"
    static let reviewerPassword = "correct horse battery"

    /// A check report as a station writes it (`ComplianceReport` JSON): one clause fails, one warns.
    static let checkReport = """
        {"results":[{"clause":"头顶距上边 top of head to the top edge","id":"head-top","limit":"7–21 px","unit":"px","value":31,"verdict":"fail",\
        "hint":{"chinese":"请坐低一点","english":"sit a little lower"}},\
        {"clause":"背景均匀 even backdrop","id":"backdrop-uniformity","limit":"≤ 6","unit":"ΔE","value":7.5,"verdict":"warn"},\
        {"clause":"双眼睁开 eyes open","id":"eyes-open","limit":"≥ 0.2","unit":"","value":0.31,"verdict":"pass"}],\
        "spec":"diploma-2025","verdict":"fail"}
        """

    func addReviewer() async throws -> Reviewer {
        try await store.addReviewer(name: Self.reviewerName, password: Self.reviewerPassword, at: now)
    }

    static func basicAuth(_ name: String = reviewerName, _ password: String = reviewerPassword) -> HTTPFields {
        [.authorization: "Basic " + Data("\(name):\(password)".utf8).base64EncodedString()]
    }

    /// Uploads a photo and its session for `student` as the North station; the session with
    /// `checkReport` and a compared identity.
    @discardableResult
    func uploadSession(student: String, seed: UInt8, _ client: any TestClientProtocol) async throws -> SessionUpload {
        let photo = PhotoBytes(seed)
        var upload = sessionUpload(student: student, photo: photo)
        upload.checkReport = Self.checkReport
        upload.identityCheck = .init(verdict: "match", distance: 0.412, threshold: 0.6, obstacle: nil)
        _ = try await putPhoto(photo, client)
        let response = try await SignedRequest(method: .put, path: SyncAPI.record(upload.id), body: try encoded(upload),
                                               station: northStation, time: now).send(client)
        guard response.status == .created else { throw FixtureFailure("the record upload answered \(response.status)") }
        return upload
    }

    /// GETs a review page with the reviewer's password.
    func page(_ client: any TestClientProtocol, _ path: String = "/review", auth: HTTPFields = ServerFixture.basicAuth()) async throws -> TestResponse {
        try await client.execute(uri: path, method: .get, headers: auth)
    }

    /// POSTs a decision form as the browser sends it.
    func postDecision(_ id: UUID, accept: Bool, fields: [String: String], _ client: any TestClientProtocol,
                      auth: HTTPFields = ServerFixture.basicAuth()) async throws -> TestResponse {
        var headers = auth
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.sorted { $0.key < $1.key }.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)"
        }.joined(separator: "&")
        let path = "/review/sessions/\(id.uuidString.lowercased())/\(accept ? "accept" : "reject")"
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// The North station's decisions feed from the start.
    func northDecisions(_ client: any TestClientProtocol) async throws -> [ReviewDecision] {
        let response = try await SignedRequest(method: .get, path: SyncAPI.decisions, station: northStation, time: now).send(client)
        return try response.decoded(Page<ReviewDecision>.self).items
    }

    /// The North station's roster row of `student`.
    func northRoster(_ student: String, _ client: any TestClientProtocol) async throws -> RosterStudent? {
        let response = try await SignedRequest(method: .get, path: SyncAPI.roster, station: northStation, time: now).send(client)
        return try response.decoded(Page<RosterStudent>.self).items.first { $0.studentNumber == student }
    }
}

struct FixtureFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
