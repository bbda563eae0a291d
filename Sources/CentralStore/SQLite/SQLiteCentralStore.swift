import FileOutput
import Foundation
import GRDB
import SyncWire

/// The default back end: one SQLite database (`central.sqlite`, WAL, synchronous FULL) and
/// a content-addressed blob folder (`blobs/`) in one data folder. Starts with no set-up:
/// the folder and the tables are made on first open.
public final class SQLiteCentralStore: CentralStore {
    /// The database's file name in the data folder.
    public static let databaseName = "central.sqlite"
    public let folder: String
    private let pool: DatabasePool
    private let blobs: BlobFolder

    /// Opens (creating when missing) the store in `folder`, bringing its tables up to date.
    public init(folder: String) throws(CentralStoreError) {
        self.folder = folder
        blobs = BlobFolder(root: "\(folder)/blobs")
        do {
            try OutputPaths.createFolder(NamedPath(blobs.root))
        } catch {
            throw CentralStoreError(error)
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // FULL: a commit is on the disk when it returns, so an answered upload is durable.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: "\(folder)/\(Self.databaseName)", configuration: configuration)
            let migrator = SQLiteSchema.migrator
            let known = Set(migrator.migrations)
            if let unknown = try pool.read({ try migrator.appliedIdentifiers($0) }).first(where: { !known.contains($0) }) {
                throw CentralStoreError.unavailable("\(folder)/\(Self.databaseName) was made by a newer kiosk-server (migration \"\(unknown)\"); run that version")
            }
            try migrator.migrate(pool)
        } catch let error as CentralStoreError {
            throw error
        } catch {
            throw Self.failure(error, folder: folder)
        }
    }

    // MARK: Stations

    public func addStation(_ station: Station) async throws(CentralStoreError) {
        try await write { db in
            try db.execute(sql: "INSERT INTO station (id, name, school, secret, createdAt, revokedAt) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [station.id, station.name, station.school, station.secret.hex, station.createdAt, station.revokedAt])
        }
    }

    public func station(id: String) async throws(CentralStoreError) -> Station? {
        try await read { db in try Self.station(db, id: id) }
    }

    public func stations() async throws(CentralStoreError) -> [Station] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM station ORDER BY createdAt, id").map(Self.station)
        }
    }

    public func revokeStation(id: String, at time: Date) async throws(CentralStoreError) -> Station? {
        try await write { db in
            try db.execute(sql: "UPDATE station SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL", arguments: [time, id])
            return try Self.station(db, id: id)
        }
    }

    private static func station(_ db: Database, id: String) throws -> Station? {
        try Row.fetchOne(db, sql: "SELECT * FROM station WHERE id = ?", arguments: [id]).map(station)
    }

    private static func station(_ row: Row) throws -> Station {
        let id: String = row["id"]
        guard let secret = StationSecret(hex: row["secret"]) else {
            throw CentralStoreError.unavailable("station \(id)'s secret is damaged in the database; issue it a new one")
        }
        return Station(id: id, name: row["name"], school: row["school"], secret: secret,
                       createdAt: row["createdAt"], revokedAt: row["revokedAt"])
    }

    // MARK: Students

    public func importStudents(_ students: [Student], keepingReview: Bool) async throws(CentralStoreError) -> RosterImportSummary {
        try await write { db in
            var summary = RosterImportSummary(added: 0, updated: 0, unchanged: 0)
            var next = try Self.nextChangeNumber(db)
            for imported in students {
                let held = try Self.student(db, number: imported.studentNumber)
                guard let student = imported.imported(over: held, keepingReview: keepingReview) else {
                    summary.unchanged += 1
                    continue
                }
                try db.execute(sql: """
                    INSERT INTO student (studentNumber, school, batch, name, idTail, review, rejectionReason, retakeOwed, enrollmentDescriptor, changeNumber)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (studentNumber) DO UPDATE SET school = excluded.school, batch = excluded.batch, name = excluded.name,
                        idTail = excluded.idTail, review = excluded.review, rejectionReason = excluded.rejectionReason,
                        retakeOwed = excluded.retakeOwed, enrollmentDescriptor = excluded.enrollmentDescriptor, changeNumber = excluded.changeNumber
                    """, arguments: [student.studentNumber, student.school, student.batch, student.name, student.idTail,
                                     student.review.rawValue, student.rejectionReason, student.retakeOwed, student.enrollmentDescriptor, next])
                next += 1
                if held == nil { summary.added += 1 } else { summary.updated += 1 }
            }
            return summary
        }
    }

    public func student(number: String) async throws(CentralStoreError) -> Student? {
        try await read { db in try Self.student(db, number: number) }
    }

    public func rosterChanges(school: String, after cursor: Int64, limit: Int) async throws(CentralStoreError) -> Page<Student> {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM student WHERE school = ? AND changeNumber > ? ORDER BY changeNumber LIMIT ?",
                                        arguments: [school, cursor, limit + 1])
            let items = try rows.prefix(limit).map(Self.student(row:))
            return Page(items: items, cursor: rows.prefix(limit).last?["changeNumber"] ?? cursor, more: rows.count > limit)
        }
    }

    // MARK: Photos

    public func holdsPhoto(sha256: String) async throws(CentralStoreError) -> Bool {
        try await read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM photo WHERE sha256 = ?", arguments: [sha256]) ?? false }
    }

    public func savePhoto(sha256: String, bytes: Data, at time: Date) async throws(CentralStoreError) -> Bool {
        if try await holdsPhoto(sha256: sha256) { return false }
        // The file is whole on the disk before the row that says the photo is held commits.
        try await blobs.write(bytes, sha256: sha256)
        return try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO photo (sha256, size, receivedAt) VALUES (?, ?, ?)", arguments: [sha256, bytes.count, time])
            return db.changesCount == 1
        }
    }

    public func photo(sha256: String) async throws(CentralStoreError) -> Data? {
        guard try await holdsPhoto(sha256: sha256) else { return nil }
        return try blobs.read(sha256)
    }

    // MARK: Records

    public func insertRecord(_ record: StoredRecord) async throws(CentralStoreError) -> RecordInsertion {
        let id = record.upload.id.uuidString.lowercased()
        return try await write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM record WHERE id = ?", arguments: [id]) {
                return .held(try Self.record(row: row))
            }
            try db.execute(sql: "INSERT INTO record (id, stationId, studentNumber, school, content, receivedAt) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id, record.stationId, record.upload.studentNumber, record.school, record.content, record.receivedAt])
            try db.execute(sql: "UPDATE student SET review = 'not-reviewed', rejectionReason = NULL, retakeOwed = 0, changeNumber = ? WHERE studentNumber = ?",
                           arguments: [try Self.nextChangeNumber(db), record.upload.studentNumber])
            return .inserted
        }
    }

    public func record(id: UUID) async throws(CentralStoreError) -> StoredRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM record WHERE id = ?", arguments: [id.uuidString.lowercased()]).map(Self.record(row:))
        }
    }

    public func recordsAwaitingReview(after: UUID?, limit: Int) async throws(CentralStoreError) -> [StoredRecord] {
        let after = after?.uuidString.lowercased()
        return try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM record WHERE NOT EXISTS (SELECT 1 FROM decision WHERE decision.sessionId = record.id)
                AND (?1 IS NULL OR (receivedAt, id) > (SELECT receivedAt, id FROM record WHERE id = ?1))
                ORDER BY receivedAt, id LIMIT ?2
                """, arguments: [after, limit]).map(Self.record(row:))
        }
    }

    // MARK: Decisions

    public func addDecision(_ decision: ReviewDecision, school: String) async throws(CentralStoreError) {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO decision (sessionId, studentNumber, school, review, reason, retakeOwed, decidedAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [decision.sessionId.uuidString.lowercased(), decision.studentNumber, school, decision.review.rawValue,
                                 decision.reason, decision.retakeOwed, decision.decidedAt])
            try db.execute(sql: "UPDATE student SET review = ?, rejectionReason = ?, retakeOwed = ?, changeNumber = ? WHERE studentNumber = ?",
                           arguments: [decision.review.rawValue, decision.reason, decision.retakeOwed, try Self.nextChangeNumber(db), decision.studentNumber])
        }
    }

    public func decisions(school: String, after cursor: Int64, limit: Int) async throws(CentralStoreError) -> Page<ReviewDecision> {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM decision WHERE school = ? AND number > ? ORDER BY number LIMIT ?",
                                        arguments: [school, cursor, limit + 1])
            let items = try rows.prefix(limit).map { row in
                guard let id = UUID(uuidString: row["sessionId"]), let review = ReviewState(rawValue: row["review"]) else {
                    throw CentralStoreError.unavailable("decision \(row["number"] as Int64) is damaged in the database")
                }
                return ReviewDecision(sessionId: id, studentNumber: row["studentNumber"], review: review, reason: row["reason"],
                                      retakeOwed: row["retakeOwed"], decidedAt: row["decidedAt"])
            }
            return Page(items: items, cursor: rows.prefix(limit).last?["number"] ?? cursor, more: rows.count > limit)
        }
    }

    // MARK: Review pages and the school export

    public func saveReviewer(_ reviewer: Reviewer) async throws(CentralStoreError) {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO reviewer (name, password, createdAt) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET password = excluded.password
                """, arguments: [reviewer.name, reviewer.password.description, reviewer.createdAt])
        }
    }

    public func reviewer(name: String) async throws(CentralStoreError) -> Reviewer? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM reviewer WHERE name = ?", arguments: [name]).map { row in
                guard let password = ReviewerPassword(stored: row["password"]) else {
                    throw CentralStoreError.unavailable("reviewer \(name)'s password is damaged in the database; set it again with kiosk-server reviewer add")
                }
                return Reviewer(name: row["name"], password: password, createdAt: row["createdAt"])
            }
        }
    }

    public func schoolBatches() async throws(CentralStoreError) -> [SchoolBatch] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT school, batch FROM student ORDER BY school, batch").map { row in
                SchoolBatch(school: row["school"], batch: row["batch"])
            }
        }
    }

    public func acceptedRecords(school: String, batch: String) async throws(CentralStoreError) -> [StoredRecord] {
        try await read { db in
            // The student's latest decision is the one their review came from.
            try Row.fetchAll(db, sql: """
                SELECT record.* FROM student
                JOIN decision ON decision.number = (SELECT max(number) FROM decision WHERE decision.studentNumber = student.studentNumber)
                JOIN record ON record.id = decision.sessionId
                WHERE student.school = ? AND student.batch = ? AND student.review = 'accepted' AND decision.review = 'accepted'
                ORDER BY student.studentNumber
                """, arguments: [school, batch]).map(Self.record(row:))
        }
    }

    // MARK: Rows

    private static func nextChangeNumber(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(max(changeNumber), 0) + 1 FROM student") ?? 1
    }

    private static func student(_ db: Database, number: String) throws -> Student? {
        try Row.fetchOne(db, sql: "SELECT * FROM student WHERE studentNumber = ?", arguments: [number]).map(student(row:))
    }

    private static func student(row: Row) throws -> Student {
        guard let review = ReviewState(rawValue: row["review"]) else {
            throw CentralStoreError.unavailable("student \(row["studentNumber"] as String)'s review is damaged in the database")
        }
        return Student(studentNumber: row["studentNumber"], school: row["school"], batch: row["batch"], name: row["name"],
                       idTail: row["idTail"], review: review, rejectionReason: row["rejectionReason"], retakeOwed: row["retakeOwed"],
                       enrollmentDescriptor: row["enrollmentDescriptor"])
    }

    private static func record(row: Row) throws -> StoredRecord {
        try StoredRecord(content: row["content"], stationId: row["stationId"], school: row["school"], receivedAt: row["receivedAt"])
    }

    // MARK: Failures

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(CentralStoreError) -> T {
        do {
            return try await pool.write(body)
        } catch let error as CentralStoreError {
            throw error
        } catch {
            throw Self.failure(error, folder: folder)
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(CentralStoreError) -> T {
        do {
            return try await pool.read(body)
        } catch let error as CentralStoreError {
            throw error
        } catch {
            throw Self.failure(error, folder: folder)
        }
    }

    /// A database failure in the store's words: a full disk as `insufficientStorage`.
    private static func failure(_ error: any Error, folder: String) -> CentralStoreError {
        let file = "\(folder)/\(databaseName)"
        guard let error = error as? DatabaseError else { return .unavailable("\(file): \(error)") }
        switch error.resultCode {
        case .SQLITE_FULL: return .insufficientStorage("the disk of \(file) is full")
        default: return .unavailable("\(file): \(error.message ?? "SQLite error") (SQLite \(error.extendedResultCode.rawValue))")
        }
    }
}
