#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A PostgreSQL server for the load benchmark: `url` names a database on it where the user
/// may create databases (the benchmark makes a fresh one beside it and drops it afterwards),
/// the password in `passwordFile` as `kiosk-server --postgres-password-file` takes it.
public struct BenchPostgres: Sendable {
    public var url: String
    public var passwordFile: String?

    public init(url: String, passwordFile: String?) {
        self.url = url
        self.passwordFile = passwordFile
    }

    /// `url` with `database` in place of its database.
    func url(database: String) throws -> String {
        guard var components = URLComponents(string: url) else {
            throw BenchServerProcess.Problem(description: "\(url) is not a PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE)")
        }
        components.path = "/\(database)"
        return components.string ?? url
    }

    /// The first column of every row `sql` gives in `database` (the URL's own when nil), read with `psql`: outside the
    /// server's code. The password reaches psql in its environment, not on its command line.
    func rows(_ sql: String, database: String? = nil) throws -> [String] {
        let query = Process()
        query.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        query.arguments = ["psql", "--no-psqlrc", "--tuples-only", "--no-align", "--set", "ON_ERROR_STOP=1",
                           "--dbname", try database.map(url(database:)) ?? url, "--command", sql]
        var environment = ProcessInfo.processInfo.environment
        if let passwordFile {
            let text = try String(contentsOfFile: passwordFile, encoding: .utf8)
            environment["PGPASSWORD"] = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        query.environment = environment
        let output = Pipe()
        let errors = Pipe()
        query.standardOutput = output
        query.standardError = errors
        try query.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        query.waitUntilExit()
        guard query.terminationStatus == 0 else {
            throw BenchServerProcess.Problem(description: "psql could not run \"\(sql)\" (status \(query.terminationStatus)): \(message)"
                + " (install psql: apt-get install postgresql-client)")
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// Where the benchmarked server keeps its data.
enum BenchStore {
    /// SQLite and the blob folder in a fresh data folder (`--data`).
    case folder
    /// A fresh database on this PostgreSQL server (`--postgres`).
    case postgres(BenchPostgres)

    var name: String {
        switch self {
        case .folder: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }
}

/// A real `kiosk-server` run for the load benchmark: the built program beside this one, on a
/// fresh store, listening on a port the system picks.
final class BenchServerProcess {
    /// Why the benchmark cannot run the server, with what to do.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    let program: String
    /// The run's folder: the data folder (SQLite) and the server's log.
    let folder: String
    let store: BenchStore
    /// The fresh PostgreSQL database's name.
    private let database = "kiosk_bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    private var server: Process?
    /// `http://127.0.0.1:PORT`, once `start()` returned.
    private(set) var base = ""

    init(folder: String, store: BenchStore) throws {
        let here = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        program = here.appendingPathComponent("kiosk-server").path
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw Problem(description: "the server benchmark runs the built kiosk-server beside kiosk, and \(program) is missing: "
                + "build both, e.g. swift build -c release --product kiosk --product kiosk-server")
        }
        self.folder = folder
        self.store = store
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if case let .postgres(postgres) = store {
            _ = try postgres.rows("CREATE DATABASE \(database)")
        }
    }

    /// The options that name the store, as every kiosk-server command takes them.
    private var storeArguments: [String] {
        get throws {
            switch store {
            case .folder:
                return ["--data", folder]
            case let .postgres(postgres):
                return ["--postgres", try postgres.url(database: database)]
                    + (postgres.passwordFile.map { ["--postgres-password-file", $0] } ?? [])
            }
        }
    }

    /// Issues a station of school `school` with `kiosk-server station add`, its credentials file at `file`.
    func addStation(name: String, school: String, credentialsFile file: String) throws {
        let add = Process()
        add.executableURL = URL(fileURLWithPath: program)
        add.arguments = ["station", "add", name, "--school", school, "--secret-file", file] + (try storeArguments)
        add.standardOutput = FileHandle.nullDevice
        try add.run()
        add.waitUntilExit()
        guard add.terminationStatus == 0 else {
            throw Problem(description: "kiosk-server station add \(name) failed with status \(add.terminationStatus)")
        }
    }

    /// Starts `kiosk-server serve --port 0` and waits for its `listening on …` line; its log
    /// goes to `serve.log` in the run's folder.
    func start() throws {
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: program)
        serve.arguments = ["serve", "--host", "127.0.0.1", "--port", "0"] + (try storeArguments)
        let output = Pipe()
        serve.standardOutput = output
        guard FileManager.default.createFile(atPath: "\(folder)/serve.log", contents: nil) else {
            throw Problem(description: "cannot write \(folder)/serve.log")
        }
        serve.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(folder)/serve.log"))
        try serve.run()
        server = serve
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else {
                throw Problem(description: "kiosk-server serve stopped before it listened; see \(folder)/serve.log")
            }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: "listening on ") else {
            throw Problem(description: "kiosk-server serve printed \"\(text)\" instead of its listening line")
        }
        base = text[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The server's peak resident memory so far (`VmHWM` in /proc/PID/status), in bytes.
    func peakResidentBytes() -> Double? {
        guard let server, let status = try? String(contentsOfFile: "/proc/\(server.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }

    /// What the stopped server kept, read from outside its code: the `sha256` of every row of
    /// its `photo` table (duplicates kept), the photos sent whose kept bytes hash to their
    /// name, and how many other things lie there (temporary files, photos not sent).
    func keptPhotos(sent: Set<String>) throws -> (rows: [String], good: Set<String>, stray: Int) {
        switch store {
        case .folder:
            let query = Process()
            query.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            query.arguments = ["sqlite3", "-readonly", "\(folder)/central.sqlite", "SELECT sha256 FROM photo"]
            let output = Pipe()
            query.standardOutput = output
            try query.run()
            let bytes = output.fileHandleForReading.readDataToEndOfFile()
            query.waitUntilExit()
            guard query.terminationStatus == 0 else {
                throw Problem(description: "sqlite3 could not read \(folder)/central.sqlite (status \(query.terminationStatus)); install sqlite3")
            }
            let files = try BlobCheck.verify(folder: "\(folder)/blobs", sent: sent)
            return (String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init), files.good, files.stray)
        case let .postgres(postgres):
            let rows = try postgres.rows("SELECT sha256 FROM photo", database: database)
            let hashing = try postgres.rows("SELECT sha256 FROM photo WHERE encode(sha256(bytes), 'hex') = sha256", database: database)
            let good = Set(hashing).intersection(sent)
            return (rows, good, rows.count - good.count)
        }
    }

    /// Stops the server with SIGTERM (its graceful stop) and waits for it.
    func stop() {
        guard let server, server.isRunning else { return }
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
    }

    /// Drops the run's PostgreSQL database (the data folder goes with the run's folder).
    func removeStore() {
        stop()
        if case let .postgres(postgres) = store {
            _ = try? postgres.rows("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
        }
    }
}
