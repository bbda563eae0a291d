#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FileOutput
import Foundation
import GRDB
import Roster

/// The station's local store: the roster, every accepted session with its photos, check
/// report and fee, and the outbox of what must reach the server. Offline first: nothing here
/// needs the network.
///
/// One folder holds it all: `station.sqlite` (SQLite in WAL mode), `photos/` (the photo files,
/// named by their SHA-256), `set-aside/` (files start-up repair moved out of the way) and
/// `station.lock`. Opening the store takes the lock, migrates the database and runs start-up
/// repair (`repairReport` says what it found). See docs/station-store.md.
public final class StationStore: Sendable {
    public static let databaseName = "station.sqlite"
    public static let blobFolderName = "photos"
    public static let setAsideFolderName = "set-aside"

    public let folder: String
    public let settings: StoreSettings
    /// What start-up repair found and did when this store was opened.
    public let repairReport: RepairReport
    public let idTailKey: IDTailKey
    let pool: DatabasePool
    let photos: PhotoFolder
    private let lock: StoreLock

    /// Opens (or creates) the store in `settings.folder`; `now` stamps repair events.
    public init(settings: StoreSettings = .standard, now: Date = Date()) throws(StoreError) {
        let folder = settings.folder
        self.folder = folder
        self.settings = settings
        photos = PhotoFolder(path: "\(folder)/\(Self.blobFolderName)")
        do {
            try PhotoFolder.create(folder)
            try PhotoFolder.create(photos.path)
        } catch {
            throw StoreError(folder: folder, .files(error))
        }
        lock = try StoreLock(folder: folder)
        pool = try Self.openDatabase(folder: folder)
        do {
            idTailKey = try pool.read { db in
                let bytes = try Data.fetchOne(db, sql: "SELECT idTailKey FROM station WHERE id = 1") ?? Data()
                guard let key = IDTailKey(bytes: Array(bytes)) else {
                    throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "the station's ID-tail key is missing")
                }
                return key
            }
        } catch {
            throw StoreError(folder: folder, database: error)
        }
        repairReport = try StartupRepair(folder: folder, photos: photos, pool: pool).run(now: now)
    }

    /// Opens the database in WAL mode, checks it is whole and brings its tables up to date.
    private static func openDatabase(folder: String) throws(StoreError) -> DatabasePool {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // FULL: a commit is on the disk when it returns (WAL's NORMAL may lose the last
            // ones on a power cut, and a session's files would then be orphans).
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        configuration.busyMode = .timeout(5)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: "\(folder)/\(databaseName)", configuration: configuration)
            let check = try pool.read { try String.fetchOne($0, sql: "PRAGMA quick_check") } ?? ""
            guard check == "ok" else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "integrity check: \(check.prefix(200))")
            }
            let migrator = Schema.migrator
            let known = Set(migrator.migrations)
            if let unknown = try pool.read({ try migrator.appliedIdentifiers($0) }).first(where: { !known.contains($0) }) {
                throw StoreError(folder: folder, .databaseTooNew(migration: unknown))
            }
            try migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(folder: folder, database: error)
        }
        return pool
    }

    /// Whether the store can take a new session now: the folder is writable and has at least
    /// `settings.minimumFreeMegabytes` free. The station asks before each student.
    public func readiness() throws(StoreError) {
        var info = statvfs()
        guard statvfs(photos.path, &info) == 0 else {
            let code = errno
            throw StoreError(folder: folder, .files(FileOutputError(NamedPath(photos.path), .init(errno: code, folder: folder))))
        }
        if info.f_flag & UInt(ST_RDONLY) != 0 {
            throw StoreError(folder: folder, .files(FileOutputError(NamedPath(photos.path), .readOnly)))
        }
        if access(photos.path, W_OK) != 0 {
            throw StoreError(folder: folder, .files(FileOutputError(NamedPath(photos.path), .permissionDenied)))
        }
        let available = Int64(info.f_bavail) * Int64(info.f_frsize)
        let needed = Int64(settings.minimumFreeMegabytes) * 1_000_000
        if available < needed {
            throw StoreError(folder: folder, .files(FileOutputError(NamedPath(photos.path), .tooLittleSpace(available: available, needed: needed))))
        }
    }

    /// Runs `body` in one write transaction, errors in the store's words.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try pool.write(folder: folder, body)
    }

    /// Runs `body` on a snapshot of the database, errors in the store's words.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try pool.read(folder: folder, body)
    }
}
