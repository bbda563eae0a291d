import GRDB

/// The SQLite back end's tables, one migration per change from the first version on. A
/// released migration is never edited: a change is a new one appended here.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: stations, students, photos, records, decisions") { db in
            try db.execute(sql: """
                CREATE TABLE station (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    school TEXT NOT NULL,
                    secret TEXT NOT NULL CHECK (length(secret) = 64),
                    createdAt DATETIME NOT NULL,
                    revokedAt DATETIME
                );
                CREATE TABLE student (
                    studentNumber TEXT PRIMARY KEY NOT NULL,
                    school TEXT NOT NULL,
                    batch TEXT NOT NULL,
                    name TEXT NOT NULL,
                    idTail TEXT NOT NULL,
                    review TEXT NOT NULL CHECK (review IN ('not-reviewed', 'accepted', 'rejected')),
                    rejectionReason TEXT,
                    retakeOwed BOOLEAN NOT NULL,
                    enrollmentDescriptor BLOB,
                    changeNumber INTEGER NOT NULL UNIQUE
                );
                CREATE INDEX student_by_school_change ON student (school, changeNumber);
                CREATE TABLE photo (
                    sha256 TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
                    size INTEGER NOT NULL,
                    receivedAt DATETIME NOT NULL
                );
                CREATE TABLE record (
                    id TEXT PRIMARY KEY NOT NULL,
                    stationId TEXT NOT NULL REFERENCES station (id),
                    studentNumber TEXT NOT NULL,
                    school TEXT NOT NULL,
                    content TEXT NOT NULL,
                    receivedAt DATETIME NOT NULL
                );
                CREATE TABLE decision (
                    number INTEGER PRIMARY KEY AUTOINCREMENT,
                    sessionId TEXT NOT NULL REFERENCES record (id),
                    studentNumber TEXT NOT NULL,
                    school TEXT NOT NULL,
                    review TEXT NOT NULL CHECK (review IN ('accepted', 'rejected')),
                    reason TEXT,
                    retakeOwed BOOLEAN NOT NULL,
                    decidedAt DATETIME NOT NULL
                );
                CREATE INDEX decision_by_school ON decision (school, number);
                CREATE INDEX decision_by_session ON decision (sessionId);
                """)
        }
        migrator.registerMigration("v2: reviewers") { db in
            try db.execute(sql: """
                CREATE TABLE reviewer (
                    name TEXT PRIMARY KEY NOT NULL,
                    password TEXT NOT NULL,
                    createdAt DATETIME NOT NULL
                );
                CREATE INDEX student_by_batch ON student (school, batch);
                CREATE INDEX decision_by_student ON decision (studentNumber, number);
                """)
        }
        return migrator
    }
}
