import CentralStore
import Logging
import PostgresNIO

/// The PostgreSQL back end's tables, one numbered step per change from the first version on,
/// the steps applied recorded in `schema_version`. A released step is never edited: a change
/// is a new step appended here. The tables hold what `SQLiteSchema` holds (and the photos'
/// bytes, which SQLite keeps in the blob folder).
enum PostgresSchema {
    struct Step: Sendable {
        var version: Int32
        var name: String
        /// One statement each: the extended query protocol takes one at a time.
        var statements: [String]
    }

    static let steps: [Step] = [
        Step(version: 1, name: "stations, students, photos, records, decisions", statements: [
            """
            CREATE TABLE station (
                id text PRIMARY KEY,
                name text NOT NULL,
                school text NOT NULL,
                secret text NOT NULL CHECK (length(secret) = 64),
                created_at timestamptz NOT NULL,
                revoked_at timestamptz
            )
            """,
            """
            CREATE TABLE student (
                student_number text PRIMARY KEY,
                school text NOT NULL,
                batch text NOT NULL,
                name text NOT NULL,
                id_tail text NOT NULL,
                review text NOT NULL CHECK (review IN ('not-reviewed', 'accepted', 'rejected')),
                rejection_reason text,
                retake_owed boolean NOT NULL,
                enrollment_descriptor bytea,
                change_number bigint NOT NULL UNIQUE
            )
            """,
            "CREATE INDEX student_by_school_change ON student (school, change_number)",
            """
            CREATE TABLE photo (
                sha256 text PRIMARY KEY CHECK (length(sha256) = 64),
                size integer NOT NULL,
                received_at timestamptz NOT NULL,
                bytes bytea NOT NULL
            )
            """,
            // JPEG bytes do not compress: stored out of line without the attempt.
            "ALTER TABLE photo ALTER COLUMN bytes SET STORAGE EXTERNAL",
            """
            CREATE TABLE record (
                id uuid PRIMARY KEY,
                station_id text NOT NULL REFERENCES station (id),
                student_number text NOT NULL,
                school text NOT NULL,
                content text NOT NULL,
                received_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE decision (
                number bigint PRIMARY KEY,
                session_id uuid NOT NULL REFERENCES record (id),
                student_number text NOT NULL,
                school text NOT NULL,
                review text NOT NULL CHECK (review IN ('accepted', 'rejected')),
                reason text,
                retake_owed boolean NOT NULL,
                decided_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX decision_by_school ON decision (school, number)",
            "CREATE INDEX decision_by_session ON decision (session_id)",
            // The last number handed out per series (`PostgresCounter`).
            "CREATE TABLE counter (name text PRIMARY KEY, value bigint NOT NULL)",
            "INSERT INTO counter (name, value) VALUES ('student-change', 0), ('decision', 0)",
        ]),
        Step(version: 2, name: "reviewers", statements: [
            """
            CREATE TABLE reviewer (
                name text PRIMARY KEY,
                password text NOT NULL,
                created_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX student_by_batch ON student (school, batch)",
            "CREATE INDEX decision_by_student ON decision (student_number, number)",
        ]),
    ]

    /// Any number, the same in every kiosk-server: the advisory lock that makes servers
    /// opening the same database at once apply each step once, one after the other.
    private static let lockKey: Int64 = 0x6B69_6F73_6B00_0001

    /// Brings the database up to `last` (the newest step unless a test builds an older
    /// database), each step in a transaction of its own. A database with a step this program
    /// does not know was made by a newer kiosk-server and is refused untouched.
    static func migrate(_ connection: PostgresConnection, logger: Logger, upTo last: Int32? = nil) async throws {
        let known = steps.map(\.version).max() ?? 0
        for step in steps where step.version <= last ?? known {
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS schema_version (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
                let applied = try await appliedVersions(connection, logger: logger)
                if let newest = applied.max(), newest > known {
                    throw CentralStoreError.unavailable("the database was made by a newer kiosk-server (its schema is at step \(newest), "
                        + "this program knows steps up to \(known)): run that version, or a newer one")
                }
                guard !applied.contains(step.version) else { return }
                for statement in step.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_version (version, name) VALUES (\(step.version), \(step.name))", logger: logger)
            }
        }
    }

    /// The steps `schema_version` records.
    static func appliedVersions(_ connection: PostgresConnection, logger: Logger) async throws -> [Int32] {
        try await connection.query("SELECT version FROM schema_version ORDER BY version", logger: logger)
            .collect().map { try $0.decode(Int32.self) }
    }
}
