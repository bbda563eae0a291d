#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskProgram
import StationStore
import StationSync
import StoreTestSupport
import Testing

/// The built `kiosk-server` (a product the test build makes), run on loopback with its own
/// data folder, killed and started again on the same port as the tests need.
final class ServerProcess: @unchecked Sendable {
    static let path = URL(fileURLWithPath: KioskProgram.path).deletingLastPathComponent().appendingPathComponent("kiosk-server").path

    let data: URL
    private(set) var port: UInt16 = 0
    private var process: Process?

    init(data: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.path) else {
            throw ProgramFailure(description: "\(Self.path) is missing: build with `swift build --build-tests` first")
        }
        self.data = data
    }

    deinit { stop(SIGKILL) }

    /// Runs a `kiosk-server` command to its end and gives its output.
    @discardableResult
    func command(_ arguments: [String]) throws -> String {
        try output(Self.path, arguments + ["--data", data.path])
    }

    /// Starts `serve` (on the port it had before, or a free one the first time) and waits for
    /// its "listening on" line.
    func start(port wanted: UInt16? = nil) throws {
        if let wanted { port = wanted }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.path)
        process.arguments = ["serve", "--data", data.path, "--host", "127.0.0.1", "--port", String(port)]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        self.process = process
        var text = ""
        while !text.contains("\n") {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on http://") }),
              let given = line.split(separator: ":").last.flatMap({ UInt16($0.trimmingCharacters(in: .whitespaces)) }) else {
            stop(SIGKILL)
            throw ProgramFailure(description: "kiosk-server serve did not start: \(text)")
        }
        port = given
    }

    /// Ends the server with `signal` (SIGKILL: no chance to finish anything).
    func stop(_ signal: Int32) {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        self.process = nil
    }
}

/// What a sync reported, kept for the test to look at.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [(at: Date, event: SyncEvent)] = []

    var events: [SyncEvent] { lock.withLock { kept.map(\.event) } }

    /// The events with the time each came.
    var timed: [(at: Date, event: SyncEvent)] { lock.withLock { kept } }

    func add(_ event: SyncEvent) { lock.withLock { kept.append((Date(), event)) } }

    var failures: [String] { events.compactMap { if case let .failed(reason, _, _) = $0 { reason } else { nil } } }

    /// Waits (up to 30 s) until `condition` holds of the log.
    func wait(until condition: (EventLog) -> Bool) async throws {
        let end = Date() + 30
        while !condition(self) {
            guard Date() < end else { throw ProgramFailure(description: "the sync never got there; events: \(events.suffix(5))") }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    var photosSent: Int { events.filter { if case .photoSent = $0 { true } else { false } }.count }
}

/// A station store with sessions, a `kiosk-server` that knows the station and its student,
/// and the station's credentials file: the loopback set-up of every fault test.
final class SyncRig: @unchecked Sendable {
    static let school = "测试大学"

    let folder: URL
    let storeFolder: URL
    let server: ServerProcess
    let credentialsFile: URL
    let sessions: Int
    private(set) var store: StationStore?

    /// `serverData`: the server's folder when it must be somewhere special (a small disk).
    init(sessions: Int, serverData: URL? = nil) throws {
        folder = try scratchFolder("sync")
        storeFolder = folder.appendingPathComponent("station")
        server = try ServerProcess(data: serverData ?? folder.appendingPathComponent("server"))
        credentialsFile = folder.appendingPathComponent("station.credentials")
        self.sessions = sessions
        // The file the server issues is the station's credentials file as it is, as an operator copies it.
        try server.command(["station", "add", "hall-1", "--school", Self.school, "--secret-file", credentialsFile.path])
        let roster = folder.appendingPathComponent("roster.csv")
        try CrashSession.roster.write(to: roster, atomically: true, encoding: .utf8)
        try server.command(["roster", "import", roster.path])
        store = try stationStore(in: storeFolder, sessions: sessions)
    }

    deinit {
        server.stop(SIGKILL)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Lets go of the store (and its lock), for a `kiosk sync` child to open it.
    func closeStore() { store = nil }

    /// Opens the store again after a child used it.
    func openStore() throws -> StationStore {
        let opened = try stationStore(in: storeFolder)
        store = opened
        return opened
    }

    /// Settings that make a test quick: short time-outs and waits.
    static func quickSettings(port: UInt16) -> SyncSettings {
        var settings = SyncSettings()
        settings.server = "http://127.0.0.1:\(port)"
        settings.requestTimeoutSeconds = 2
        settings.connectTimeoutSeconds = 1
        settings.firstRetrySeconds = 0.1
        settings.longestRetrySeconds = 1
        settings.probeSeconds = 0.25
        return settings
    }

    /// A sync client of this station talking to `port` (the server's unless given).
    func client(port: UInt16? = nil, settings: SyncSettings? = nil, log: EventLog) throws -> SyncClient {
        let store = try #require(store, "the store is closed")
        let credentials = try StationCredentials.read(fileAt: credentialsFile.path)
        let client = SyncClient(store: store, settings: settings ?? Self.quickSettings(port: port ?? server.port),
                                credentials: credentials, report: { log.add($0) })
        return try #require(client)
    }

    /// Syncs until up to date (within `seconds`) and shuts the client down.
    func syncToEnd(port: UInt16? = nil, within seconds: Double = 60, log: EventLog = EventLog()) async throws -> SyncClient.RunOutcome {
        let client = try client(port: port, log: log)
        let outcome = await client.run(untilUpToDate: true, deadline: Date() + seconds)
        await client.shutdown()
        return outcome
    }

    /// The check after every fault, from outside the code: the server's database (sqlite3)
    /// names every session's record once and every photo once; its blob folder holds each
    /// accepted photo in exactly one file, whose bytes are those the station made and whose
    /// name is their SHA-256 (sha256sum); the station's outbox (sqlite3) is empty.
    func expectEveryPhotoOnTheServerOnce(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let station = storeFolder.appendingPathComponent(StationStore.databaseName)
        let central = server.data.appendingPathComponent("central.sqlite")
        #expect(try sqlite(station, "SELECT count(*) FROM outbox WHERE sentAt IS NULL") == ["0"], "the outbox is not empty", sourceLocation: sourceLocation)
        let specs = try sqlite(station, "SELECT collectionCode || '|' || sha256 FROM session JOIN photo ON photo.sessionId = session.id AND photo.kind = 'spec' ORDER BY session.id")
        #expect(specs.count == sessions, sourceLocation: sourceLocation)
        let serverPhotos = try sqlite(central, "SELECT sha256 FROM photo")
        let uuids = try sqlite(station, "SELECT uuid FROM session ORDER BY id")
        let records = try sqlite(central, "SELECT id FROM record")
        #expect(records.count == Set(records).count && Set(records) == Set(uuids), "the server's records are not the station's sessions once each",
                sourceLocation: sourceLocation)
        let blobs = server.data.appendingPathComponent("blobs")
        let listing = try output("/usr/bin/find", [blobs.path, "-type", "f", "-name", "*.jpg", "-exec", "/usr/bin/sha256sum", "{}", "+"])
        let filesByContent = Dictionary(grouping: listing.split(separator: "\n"), by: { String($0.prefix(64)) })
        for line in specs {
            let parts = line.split(separator: "|")
            let index = Int(parts[0].dropFirst("CRASH-".count))!
            let hash = String(parts[1])
            #expect(serverPhotos.filter { $0 == hash }.count == 1, "photo of session \(index) is not in the server's table once", sourceLocation: sourceLocation)
            #expect(filesByContent[hash]?.count == 1, "photo of session \(index) is not in exactly one blob file", sourceLocation: sourceLocation)
            if let file = filesByContent[hash]?.first.map({ String($0.dropFirst(66)) }) {
                #expect(file.hasSuffix("\(hash).jpg"), sourceLocation: sourceLocation)
                #expect(try Array(Data(contentsOf: URL(fileURLWithPath: file))) == CrashSession.spec(index),
                        "the server's copy of session \(index)'s photo differs from the bytes the station made", sourceLocation: sourceLocation)
            }
        }
    }
}
