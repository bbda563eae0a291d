#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB
import StationStore

/// What the clock and outbox checks need from the store's database.
public struct StoreRecords: Sendable, Hashable {
    /// The latest time the store wrote down (a session, a payment, a sync, a repair).
    public var newest: Date?
    /// Outbox entries waiting to be sent, and kept back after the server refused them.
    public var pending: Int
    public var held: Int
    /// When the session of the oldest waiting entry was accepted.
    public var oldestPending: Date?

    public init(newest: Date?, pending: Int, held: Int, oldestPending: Date?) {
        self.newest = newest
        self.pending = pending
        self.held = held
        self.oldestPending = oldestPending
    }
}

/// The store's database, whole (`PRAGMA integrity_check`), read without the store's lock
/// and without writing, so the doctor may run beside the running station.
public enum DatabaseCheck {
    /// The finding and, for a whole database, what it holds.
    public static func run(_ settings: StoreSettings) -> (finding: Finding, records: StoreRecords?) {
        let folder = URL(fileURLWithPath: settings.folder).standardizedFileURL.path
        let path = "\(folder)/\(StationStore.databaseName)"
        let id = "database"
        guard FileManager.default.fileExists(atPath: path) else {
            return (Finding(id: id, level: .warning, what: "database \(path): not there yet",
                            fix: "the station makes it when it first starts (or `kiosk roster import FILE.csv` does); "
                                + "if the store should be elsewhere, set store.folder in the settings file"), nil)
        }
        do {
            let database = try open(path, folder: folder)
            defer { try? database.close() }
            let problems = try database.read { try String.fetchAll($0, sql: "PRAGMA integrity_check(5)") }
            guard problems == ["ok"] else { return (damaged(path, folder: folder, problems.joined(separator: "; ")), nil) }
            let records = try database.read(records)
            return (.ok(id, "database \(path): whole (integrity check ok)"), records)
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
            return (damaged(path, folder: folder, error.message ?? "\(error.resultCode)"), nil)
        } catch {
            return (Finding(id: id, level: .failure, what: "database \(path): cannot be read (\(error))",
                            fix: "check that the station's user may read the folder \(folder) (`ls -l \(folder)`), "
                                + "and that the disk holding it works"), nil)
        }
    }

    /// Opens the database read-only. SQLite shares a WAL database's state through the
    /// `-shm` file, which it makes beside the database when missing (owned as the database
    /// is); on a read-only disk it cannot, and nothing can write there either, so the file
    /// is then read as it lies (`immutable`).
    private static func open(_ path: String, folder: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN {
            var info = statvfs()
            guard statvfs(folder, &info) == 0, info.f_flag & UInt(ST_RDONLY) != 0,
                  let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) else { throw error }
            return try DatabaseQueue(path: "file:\(encoded)?immutable=1", configuration: configuration)
        }
    }

    private static func damaged(_ path: String, folder: String, _ detail: String) -> Finding {
        Finding(id: "database", level: .failure, what: "database \(path): damaged (\(detail.prefix(160)))",
                fix: "stop the station, copy the whole folder \(folder) to a USB stick before anything else and keep it for "
                    + "the school's IT; then set store.folder in the settings file to a new, empty folder and start the "
                    + "station again (the photos already saved stay in \(folder)/\(StationStore.blobFolderName))")
    }

    /// The newest stored time and the outbox's state (a store made before held entries
    /// existed has none held).
    private static func records(_ db: Database) throws -> StoreRecords {
        let canHold = try db.columns(in: "outbox").contains { $0.name == "heldAt" }
        let notHeld = canHold ? "AND outbox.heldAt IS NULL" : ""
        let times = ["SELECT max(acceptedAt) FROM session", "SELECT max(startedAt) FROM session", "SELECT max(paidAt) FROM fee",
                     "SELECT max(createdAt) FROM station", "SELECT max(sentAt) FROM outbox", "SELECT max(at) FROM repairEvent"]
            + (canHold ? ["SELECT max(heldAt) FROM outbox"] : [])
        let newest = try times.compactMap { try Date.fetchOne(db, sql: $0) }.max()
        let pending = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE sentAt IS NULL \(notHeld)") ?? 0
        let held = canHold ? try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE sentAt IS NULL AND heldAt IS NOT NULL") ?? 0 : 0
        let oldest = try Date.fetchOne(db, sql: """
            SELECT min(session.acceptedAt) FROM outbox JOIN session ON session.id = outbox.sessionId
            WHERE outbox.sentAt IS NULL \(notHeld)
            """)
        return StoreRecords(newest: newest, pending: pending, held: held, oldestPending: oldest)
    }
}
