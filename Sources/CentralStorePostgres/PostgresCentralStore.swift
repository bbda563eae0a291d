import CentralStore
import Foundation
import Logging
import PostgresNIO
import SyncWire

/// The PostgreSQL back end (`kiosk-server serve --postgres URL`): the same tables and
/// transactions as `SQLiteCentralStore`, the photos' bytes in the `photo` table (`bytea`,
/// keyed by SHA-256) instead of a blob folder, through a pool of postgres-nio connections.
///
/// Opening connects once to say plainly what is wrong (no server, a wrong password, no such
/// database) and brings the tables up to date (`PostgresSchema`); then the pool serves the
/// queries until `close()`. A commit is durable when it returns (PostgreSQL's default
/// `synchronous_commit = on`), so an answered upload survives a crash as with SQLite.
public final class PostgresCentralStore: CentralStore {
    public let location: PostgresLocation
    private let client: PostgresClient
    /// The pool's `run()`: the store is opened by commands and tests that have no service
    /// group to run it in, so it runs in a task of its own that `close()` ends. (Outside
    /// the server's service group on purpose: the pool keeps serving while the server
    /// finishes its requests after SIGTERM.)
    private let running: Task<Void, Never>
    private let logger: Logger

    /// Opens the database at `location`, bringing its tables up to date; at most
    /// `maximumConnections` connections at once.
    public init(location: PostgresLocation, maximumConnections: Int = 20,
                logger: Logger = Logger(label: "kiosk-server.postgres")) async throws(CentralStoreError) {
        try await Self.withConnection(to: location, logger: logger) { connection in
            try await PostgresSchema.migrate(connection, logger: logger)
        }
        self.location = location
        self.logger = logger
        let client = PostgresClient(configuration: location.clientConfiguration(maximumConnections: maximumConnections), backgroundLogger: logger)
        self.client = client
        // Immediate: `run()` has marked the pool running before the first query leases a connection.
        running = Task.immediate { await client.run() }
    }

    /// Closes the pool's connections; the store cannot be used afterwards.
    public func close() async {
        running.cancel()
        await running.value
    }

    /// Runs `body` on one connection of its own to `location`, closed afterwards.
    static func withConnection<T: Sendable>(to location: PostgresLocation, logger: Logger,
                                            _ body: (PostgresConnection) async throws -> T) async throws(CentralStoreError) -> T {
        let configuration = try location.connectionConfiguration()
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            do {
                let value = try await body(connection)
                try? await connection.close()
                return value
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw PostgresFailure.storeError(error, at: location)
        }
    }

    // MARK: Stations

    public func addStation(_ station: Station) async throws(CentralStoreError) {
        try await rows("""
            INSERT INTO station (id, name, school, secret, created_at, revoked_at)
            VALUES (\(station.id), \(station.name), \(station.school), \(station.secret.hex), \(station.createdAt), \(station.revokedAt))
            """)
    }

    public func station(id: String) async throws(CentralStoreError) -> Station? {
        try await first("SELECT \(unescaped: PostgresRows.stationColumns) FROM station WHERE id = \(id)", PostgresRows.station)
    }

    public func stations() async throws(CentralStoreError) -> [Station] {
        try await all("SELECT \(unescaped: PostgresRows.stationColumns) FROM station ORDER BY created_at, id", PostgresRows.station)
    }

    public func revokeStation(id: String, at time: Date) async throws(CentralStoreError) -> Station? {
        // COALESCE keeps the first revocation's time in one statement, whoever races.
        try await first("""
            UPDATE station SET revoked_at = COALESCE(revoked_at, \(time)) WHERE id = \(id)
            RETURNING \(unescaped: PostgresRows.stationColumns)
            """, PostgresRows.station)
    }

    // MARK: Students

    public func importStudents(_ students: [Student], keepingReview: Bool) async throws(CentralStoreError) -> RosterImportSummary {
        let logger = logger
        return try await transaction { connection in
            let last = try await PostgresCounter.studentChange.lock(connection, logger: logger)
            var held: [String: Student] = [:]
            for row in try await connection.query("""
                SELECT \(unescaped: PostgresRows.studentColumns) FROM student WHERE student_number = ANY(\(students.map(\.studentNumber)))
                """, logger: logger).collect() {
                let student = try PostgresRows.student(row)
                held[student.studentNumber] = student
            }
            var summary = RosterImportSummary(added: 0, updated: 0, unchanged: 0)
            var next = last + 1
            for imported in students {
                let before = held[imported.studentNumber]
                guard let student = imported.imported(over: before, keepingReview: keepingReview) else {
                    summary.unchanged += 1
                    continue
                }
                try await connection.query("""
                    INSERT INTO student (\(unescaped: PostgresRows.studentColumns), change_number)
                    VALUES (\(student.studentNumber), \(student.school), \(student.batch), \(student.name), \(student.idTail),
                            \(student.review.rawValue), \(student.rejectionReason), \(student.retakeOwed), \(student.enrollmentDescriptor), \(next))
                    ON CONFLICT (student_number) DO UPDATE SET school = excluded.school, batch = excluded.batch, name = excluded.name,
                        id_tail = excluded.id_tail, review = excluded.review, rejection_reason = excluded.rejection_reason,
                        retake_owed = excluded.retake_owed, enrollment_descriptor = excluded.enrollment_descriptor,
                        change_number = excluded.change_number
                    """, logger: logger)
                // A number listed twice in one import compares with what was just written, as SQLite's reads do.
                held[student.studentNumber] = student
                next += 1
                if before == nil { summary.added += 1 } else { summary.updated += 1 }
            }
            if next - 1 > last {
                try await PostgresCounter.studentChange.advance(to: next - 1, connection, logger: logger)
            }
            return summary
        }
    }

    public func student(number: String) async throws(CentralStoreError) -> Student? {
        try await first("SELECT \(unescaped: PostgresRows.studentColumns) FROM student WHERE student_number = \(number)", PostgresRows.student)
    }

    public func rosterChanges(school: String, after cursor: Int64, limit: Int) async throws(CentralStoreError) -> Page<Student> {
        let rows = try await rows("""
            SELECT \(unescaped: PostgresRows.studentColumns), change_number FROM student
            WHERE school = \(school) AND change_number > \(cursor) ORDER BY change_number LIMIT \(limit + 1)
            """)
        do {
            let kept = rows.prefix(limit)
            let items = try kept.map(PostgresRows.student)
            let last = try kept.last.map { try $0.makeRandomAccess()[9].decode(Int64.self) }
            return Page(items: items, cursor: last ?? cursor, more: rows.count > limit)
        } catch {
            throw PostgresFailure.storeError(error, at: location)
        }
    }

    // MARK: Photos

    public func holdsPhoto(sha256: String) async throws(CentralStoreError) -> Bool {
        try await !rows("SELECT 1 FROM photo WHERE sha256 = \(sha256)").isEmpty
    }

    public func savePhoto(sha256: String, bytes: Data, at time: Date) async throws(CentralStoreError) -> Bool {
        // A photo held already is left as it is and nothing is written: the same bytes by construction.
        try await !rows("""
            INSERT INTO photo (sha256, size, received_at, bytes) VALUES (\(sha256), \(Int32(bytes.count)), \(time), \(bytes))
            ON CONFLICT (sha256) DO NOTHING RETURNING 1
            """).isEmpty
    }

    public func photo(sha256: String) async throws(CentralStoreError) -> Data? {
        try await first("SELECT bytes FROM photo WHERE sha256 = \(sha256)") { try $0.decode(Data.self) }
    }

    // MARK: Records

    public func insertRecord(_ record: StoredRecord) async throws(CentralStoreError) -> RecordInsertion {
        let logger = logger
        let id = record.upload.id
        return try await transaction { connection in
            // ON CONFLICT: of two stations sending the same id at once, the second waits for
            // the first's commit and then finds its record, instead of failing on the key.
            let inserted = try await connection.query("""
                INSERT INTO record (id, station_id, student_number, school, content, received_at)
                VALUES (\(id), \(record.stationId), \(record.upload.studentNumber), \(record.school), \(record.content), \(record.receivedAt))
                ON CONFLICT (id) DO NOTHING RETURNING 1
                """, logger: logger).collect()
            guard !inserted.isEmpty else {
                let held = try await connection.query("SELECT \(unescaped: PostgresRows.recordColumns) FROM record WHERE id = \(id)", logger: logger).collect()
                guard let row = held.first else { throw CentralStoreError.unavailable("the record \(id) was taken and is gone; retry") }
                return .held(try PostgresRows.record(row))
            }
            let change = try await PostgresCounter.studentChange.next(connection, logger: logger)
            try await connection.query("""
                UPDATE student SET review = 'not-reviewed', rejection_reason = NULL, retake_owed = false, change_number = \(change)
                WHERE student_number = \(record.upload.studentNumber)
                """, logger: logger)
            return .inserted
        }
    }

    public func record(id: UUID) async throws(CentralStoreError) -> StoredRecord? {
        try await first("SELECT \(unescaped: PostgresRows.recordColumns) FROM record WHERE id = \(id)", PostgresRows.record)
    }

    public func recordsAwaitingReview(after: UUID?, limit: Int) async throws(CentralStoreError) -> [StoredRecord] {
        try await all("""
            SELECT \(unescaped: PostgresRows.recordColumns) FROM record
            WHERE NOT EXISTS (SELECT 1 FROM decision WHERE decision.session_id = record.id)
            AND (\(after)::uuid IS NULL OR (record.received_at, record.id) > (SELECT received_at, id FROM record WHERE id = \(after)))
            ORDER BY record.received_at, record.id LIMIT \(limit)
            """, PostgresRows.record)
    }

    // MARK: Decisions

    public func addDecision(_ decision: ReviewDecision, school: String) async throws(CentralStoreError) {
        let logger = logger
        try await transaction { connection in
            let number = try await PostgresCounter.decision.next(connection, logger: logger)
            try await connection.query("""
                INSERT INTO decision (number, session_id, student_number, school, review, reason, retake_owed, decided_at)
                VALUES (\(number), \(decision.sessionId), \(decision.studentNumber), \(school), \(decision.review.rawValue),
                        \(decision.reason), \(decision.retakeOwed), \(decision.decidedAt))
                """, logger: logger)
            let change = try await PostgresCounter.studentChange.next(connection, logger: logger)
            try await connection.query("""
                UPDATE student SET review = \(decision.review.rawValue), rejection_reason = \(decision.reason),
                    retake_owed = \(decision.retakeOwed), change_number = \(change)
                WHERE student_number = \(decision.studentNumber)
                """, logger: logger)
        }
    }

    public func decisions(school: String, after cursor: Int64, limit: Int) async throws(CentralStoreError) -> Page<ReviewDecision> {
        let numbered = try await all("""
            SELECT \(unescaped: PostgresRows.decisionColumns) FROM decision
            WHERE school = \(school) AND number > \(cursor) ORDER BY number LIMIT \(limit + 1)
            """, PostgresRows.decision)
        let kept = numbered.prefix(limit)
        return Page(items: kept.map(\.decision), cursor: kept.last?.number ?? cursor, more: numbered.count > limit)
    }

    // MARK: Review pages and the school export

    public func saveReviewer(_ reviewer: Reviewer) async throws(CentralStoreError) {
        try await rows("""
            INSERT INTO reviewer (name, password, created_at) VALUES (\(reviewer.name), \(reviewer.password.description), \(reviewer.createdAt))
            ON CONFLICT (name) DO UPDATE SET password = excluded.password
            """)
    }

    public func reviewer(name: String) async throws(CentralStoreError) -> Reviewer? {
        try await first("SELECT \(unescaped: PostgresRows.reviewerColumns) FROM reviewer WHERE name = \(name)", PostgresRows.reviewer)
    }

    // The orderings below name the "C" collation: byte order, as SQLite sorts, whatever
    // locale the database was made with.

    public func schoolBatches() async throws(CentralStoreError) -> [SchoolBatch] {
        try await all("SELECT school, batch FROM student GROUP BY school, batch ORDER BY school COLLATE \"C\", batch COLLATE \"C\"") { row in
            let (school, batch) = try row.decode((String, String).self)
            return SchoolBatch(school: school, batch: batch)
        }
    }

    public func acceptedRecords(school: String, batch: String) async throws(CentralStoreError) -> [StoredRecord] {
        // The student's latest decision is the one their review came from.
        try await all("""
            SELECT \(unescaped: PostgresRows.recordColumns) FROM student
            JOIN decision ON decision.number = (SELECT max(number) FROM decision WHERE decision.student_number = student.student_number)
            JOIN record ON record.id = decision.session_id
            WHERE student.school = \(school) AND student.batch = \(batch) AND student.review = 'accepted' AND decision.review = 'accepted'
            ORDER BY student.student_number COLLATE "C"
            """, PostgresRows.record)
    }

    // MARK: Queries

    /// The rows of one statement on a pooled connection, all read.
    @discardableResult
    private func rows(_ query: @autoclosure () throws -> PostgresQuery) async throws(CentralStoreError) -> [PostgresRow] {
        do {
            return try await client.query(try query(), logger: logger).collect()
        } catch {
            throw PostgresFailure.storeError(error, at: location)
        }
    }

    private func all<T>(_ query: @autoclosure () throws -> PostgresQuery, _ value: (PostgresRow) throws -> T) async throws(CentralStoreError) -> [T] {
        let rows = try await rows(try query())
        do {
            return try rows.map(value)
        } catch {
            throw PostgresFailure.storeError(error, at: location)
        }
    }

    private func first<T>(_ query: @autoclosure () throws -> PostgresQuery, _ value: (PostgresRow) throws -> T) async throws(CentralStoreError) -> T? {
        try await all(try query(), value).first
    }

    /// `body` in one transaction on a pooled connection: committed when it returns, rolled back when it throws.
    private func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(CentralStoreError) -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch {
            throw PostgresFailure.storeError(error, at: location)
        }
    }
}
