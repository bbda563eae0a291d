import CentralServer
import CentralStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SyncWire

/// The back ends the same tests run against (PostgreSQL joins when it is a conformance).
enum BackEnd: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite

    func open(folder: URL) throws -> any CentralStore {
        switch self {
        case .sqlite: try SQLiteCentralStore(folder: folder.path)
        }
    }

    var description: String { rawValue }
}

/// A server on a real store in a new temporary folder: two schools with a station and
/// students each, and a client that signs as either station.
struct ServerFixture {
    static let north = "North High"
    static let south = "South High"
    static let roster = """
        student_number,school,batch,name,id_tail
        N0001,North High,2025,张三明,123X
        N0002,North High,2025,李明,4567
        N0003,North High,2025,欧阳春华,0001
        S0001,South High,2025,王小红,9999
        """

    let folder: URL
    let store: any CentralStore
    let northStation: Station
    let southStation: Station
    let now: Date

    /// `storeFolder` puts the store elsewhere (a small disk).
    init(_ backEnd: BackEnd, storeFolder: URL? = nil) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("central-server-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try backEnd.open(folder: storeFolder ?? folder)
        now = Date(timeIntervalSince1970: 1_760_000_000)
        northStation = try await store.addStation(name: "hall-1", school: Self.north, at: now)
        southStation = try await store.addStation(name: "gym", school: Self.south, at: now)
        _ = try await store.importRoster(csv: Self.roster)
    }

    /// Runs `body` with a client of the router (`.live` for a real HTTP server on loopback).
    func withClient<Value: Sendable>(_ setup: TestingSetup = .router, _ body: @Sendable @escaping (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let now = now
        let app = Application(router: CentralServer.router(store: store, now: { now }).router,
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(setup) { client in try await body(client) }
    }

    /// Uploads a photo as the North station.
    func putPhoto(_ photo: PhotoBytes, _ client: any TestClientProtocol) async throws -> TestResponse {
        try await SignedRequest(method: .put, path: SyncAPI.photo(photo.sha256), body: photo.bytes, station: northStation, time: now).send(client)
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A signed request as a station makes it.
struct SignedRequest {
    var method: HTTPRequest.Method
    var path: String
    var body: Data = Data()
    var station: Station
    /// Signs with this secret instead of the station's.
    var secret: StationSecret?
    var time: Date
    /// Sent instead of `body` (signed with `body`): an altered body.
    var sentBody: Data?
    /// Sent to this path instead of `path` (signed with `path`).
    var sentPath: String?

    var headers: HTTPFields {
        let signature = RequestSignature(stationId: station.id, secret: secret ?? station.secret, method: method.rawValue,
                                         pathAndQuery: path, body: body, time: time)
        var fields = HTTPFields()
        for (name, value) in signature.headers { fields[HTTPField.Name(name)!] = value }
        return fields
    }

    func send(_ client: any TestClientProtocol) async throws -> TestResponse {
        let bytes = sentBody ?? body
        return try await client.execute(uri: sentPath ?? path, method: method, headers: headers, body: bytes.isEmpty ? nil : ByteBuffer(bytes: bytes))
    }
}

extension TestResponse {
    func decoded<T: Decodable>(_ type: T.Type) throws -> T {
        try WireCoding.decoder().decode(type, from: Data(body.readableBytesView))
    }

    var wireError: WireError? { try? decoded(WireError.self) }
}

/// Photo bytes (any bytes: the server does not decode them) and their name.
struct PhotoBytes {
    let bytes: Data
    var sha256: String { SHA256.hash(data: bytes).hexString }

    init(_ seed: UInt8, count: Int = 30_000) {
        bytes = Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) } + [seed])
    }
}

/// A session record naming `photo`, for `studentNumber`.
func sessionUpload(id: UUID = UUID(), student: String, photo: PhotoBytes, receipt: String = "R-0001") -> SessionUpload {
    let time = Date(timeIntervalSince1970: 1_759_999_000)
    return SessionUpload(id: id, receiptCode: receipt, studentNumber: student, batch: "2025", collectionCode: "CC-12345",
                         startedAt: time, acceptedAt: time.addingTimeInterval(90),
                         photos: [.init(kind: "spec", sha256: photo.sha256, size: photo.bytes.count)],
                         checkReport: #"{"passed":true}"#,
                         fee: .init(yuan: 20, basis: "in-window", method: "cash", reference: nil, paidAt: time.addingTimeInterval(100), confirmedBy: "op1"),
                         identityCheck: .init(verdict: "match", distance: 0.41, threshold: 0.6, obstacle: nil))
}

func encoded(_ upload: SessionUpload) throws -> Data {
    try WireCoding.encoder().encode(upload)
}

/// The files under the store's blob folder, temporary ones included.
func blobFiles(in folder: URL) -> [String] {
    let root = folder.appendingPathComponent("blobs")
    guard let names = FileManager.default.subpaths(atPath: root.path) else { return [] }
    return names.filter { name in
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isFolder) && !isFolder.boolValue
    }.sorted()
}
