import CentralServer
import CentralStore
import CentralStorePostgres
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SyncWire
import Testing

/// The back ends the same tests run against.
enum BackEnd: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    /// The back ends the per-back-end tests take as arguments: PostgreSQL when its test
    /// server is set (`TestPostgres`), and always under CI, where a missing server fails them.
    static var underTest: [BackEnd] {
        TestPostgres.isConfigured || TestPostgres.isRequired ? allCases : [.sqlite]
    }

    var description: String { rawValue }
}

/// A server on a real store (in a new temporary folder, or a new PostgreSQL database): two
/// schools with a station and students each, and a client that signs as either station.
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

    let backEnd: BackEnd
    /// A temporary folder of the test's own (the SQLite store's too, unless `storeFolder` put it elsewhere).
    let folder: URL
    let store: any CentralStore
    /// The PostgreSQL store's database; nil for SQLite.
    let database: PostgresLocation?
    let northStation: Station
    let southStation: Station
    let now: Date

    /// Runs `body` with a new fixture, and removes its folder and database afterwards, also
    /// when `body` throws. `storeFolder` puts an SQLite store elsewhere (a small disk).
    static func with<T>(_ backEnd: BackEnd, storeFolder: URL? = nil, _ body: (ServerFixture) async throws -> T) async throws -> T {
        let fixture = try await ServerFixture(backEnd, storeFolder: storeFolder)
        do {
            let value = try await body(fixture)
            try await fixture.remove()
            return value
        } catch {
            try? await fixture.remove()
            throw error
        }
    }

    private init(_ backEnd: BackEnd, storeFolder: URL?) async throws {
        self.backEnd = backEnd
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("central-server-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        switch backEnd {
        case .sqlite:
            database = nil
            store = try SQLiteCentralStore(folder: (storeFolder ?? folder).path)
        case .postgres:
            let database = try await TestPostgres.makeDatabase()
            self.database = database
            do {
                store = try await PostgresCentralStore(location: database, maximumConnections: 4, logger: TestPostgres.logger)
            } catch {
                try? await TestPostgres.dropDatabase(database)
                throw error
            }
        }
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

    /// The photos as the back end keeps them, read around the store's code: the SQLite
    /// store's files (`ab/abcd….jpg` given as `abcd…`; any other file, a temporary one
    /// left, by its path), or the PostgreSQL store's `photo` rows whose bytes hash to their name.
    func storedPhotos() async throws -> [String] {
        switch backEnd {
        case .sqlite:
            return blobFiles(in: folder).map { path in
                let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
                return path == "\(name.prefix(2))/\(name).jpg" ? name : path
            }
        case .postgres:
            return try await TestPostgres.strings("SELECT sha256 FROM photo WHERE encode(sha256(bytes), 'hex') = sha256 ORDER BY sha256",
                                                  in: try #require(database))
        }
    }

    /// Closes the store, drops its database and removes the folder.
    private func remove() async throws {
        try? FileManager.default.removeItem(at: folder)
        if let store = store as? PostgresCentralStore {
            await store.close()
        }
        if let database {
            try await TestPostgres.dropDatabase(database)
        }
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
