import Foundation
import GRDB
import Roster

/// The store's tables, one migration per change, from the first version on. A migration
/// once released is never edited: a change is a new one appended here.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: roster, sessions, photos, reports, fees, outbox") { db in
            // One row: this station's secret for hashing ID tails.
            try db.execute(sql: """
                CREATE TABLE station (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    idTailKey BLOB NOT NULL CHECK (length(idTailKey) = 32),
                    createdAt DATETIME NOT NULL
                );
                CREATE TABLE student (
                    studentNumber TEXT PRIMARY KEY NOT NULL,
                    school TEXT NOT NULL,
                    batch TEXT NOT NULL,
                    maskedName TEXT NOT NULL,
                    idTailHash BLOB NOT NULL CHECK (length(idTailHash) = 32),
                    review TEXT NOT NULL CHECK (review IN ('not-reviewed', 'accepted', 'rejected')),
                    rejectionReason TEXT,
                    retakeOwed BOOLEAN NOT NULL
                );
                CREATE TABLE session (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    receiptCode TEXT NOT NULL UNIQUE,
                    studentNumber TEXT NOT NULL REFERENCES student(studentNumber),
                    collectionCode TEXT NOT NULL CHECK (collectionCode <> ''),
                    startedAt DATETIME NOT NULL,
                    acceptedAt DATETIME NOT NULL
                );
                CREATE INDEX sessionByStudent ON session(studentNumber);
                -- The spec JPEG and the full-resolution source frame; the file is
                -- photos/<sha256>.jpg. keepUntil: the source frame's retention; removedAt: when
                -- purge deleted the file; problem: what start-up repair found wrong with it.
                CREATE TABLE photo (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    sessionId INTEGER NOT NULL REFERENCES session(id),
                    kind TEXT NOT NULL CHECK (kind IN ('spec', 'source')),
                    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                    size INTEGER NOT NULL CHECK (size > 0),
                    keepUntil DATETIME,
                    removedAt DATETIME,
                    problem TEXT CHECK (problem IN ('missing', 'damaged')),
                    UNIQUE (sessionId, kind)
                );
                CREATE INDEX photoBySha256 ON photo(sha256);
                CREATE TABLE checkReport (
                    sessionId INTEGER PRIMARY KEY REFERENCES session(id),
                    json TEXT NOT NULL
                );
                CREATE TABLE fee (
                    sessionId INTEGER PRIMARY KEY REFERENCES session(id),
                    yuan INTEGER NOT NULL CHECK (yuan >= 0),
                    basis TEXT NOT NULL CHECK (basis IN ('in-window', 'outside-window', 'retake-owed')),
                    method TEXT NOT NULL CHECK (method IN ('cash', 'reference', 'none')),
                    reference TEXT,
                    paidAt DATETIME NOT NULL,
                    confirmedBy TEXT NOT NULL
                );
                -- What must reach the server, in order (seq): a session's photo before the
                -- session's record that points to it.
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (kind IN ('photo', 'session')),
                    sessionId INTEGER NOT NULL REFERENCES session(id),
                    photoId INTEGER REFERENCES photo(id),
                    sentAt DATETIME,
                    CHECK ((kind = 'photo') = (photoId IS NOT NULL))
                );
                CREATE UNIQUE INDEX outboxPhotoOnce ON outbox(photoId) WHERE kind = 'photo';
                CREATE UNIQUE INDEX outboxSessionOnce ON outbox(sessionId) WHERE kind = 'session';
                -- What start-up repair found and did; file is the name in photos/ or set-aside/.
                CREATE TABLE repairEvent (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at DATETIME NOT NULL,
                    kind TEXT NOT NULL,
                    file TEXT NOT NULL,
                    photoId INTEGER REFERENCES photo(id),
                    UNIQUE (kind, file)
                );
                """)
            try db.execute(sql: "INSERT INTO station (id, idTailKey, createdAt) VALUES (1, ?, ?)",
                           arguments: [Data(IDTailKey.random().bytes), Date()])
        }
        migrator.registerMigration("v2: enrollment face descriptors, identity checks") { db in
            try db.execute(sql: """
                -- The enrollment photo's face descriptor (128 little-endian Float32), when the
                -- roster carries one: the station compares the captured face with it.
                ALTER TABLE student ADD COLUMN enrollmentDescriptor BLOB
                    CHECK (enrollmentDescriptor IS NULL OR length(enrollmentDescriptor) = 512);
                -- The on-the-spot identity check of a session, for the reviewers.
                CREATE TABLE identityCheck (
                    sessionId INTEGER PRIMARY KEY REFERENCES session(id),
                    verdict TEXT NOT NULL CHECK (verdict IN ('match', 'no-match', 'could-not-compare')),
                    distance REAL,
                    threshold REAL,
                    obstacle TEXT,
                    CHECK ((verdict = 'could-not-compare') = (distance IS NULL))
                );
                """)
        }
        migrator.registerMigration("v3: session ids for the server, sync cursors, photo confirmations, held outbox entries") { db in
            try db.execute(sql: """
                -- The station-made id the server keys the session's record by (lower-case UUID).
                ALTER TABLE session ADD COLUMN uuid TEXT CHECK (uuid IS NULL OR length(uuid) = 36);
                -- Where the incremental downloads stand: 'roster' and 'decisions'.
                CREATE TABLE syncCursor (
                    feed TEXT PRIMARY KEY NOT NULL CHECK (feed IN ('roster', 'decisions')),
                    cursor INTEGER NOT NULL CHECK (cursor >= 0)
                );
                -- The photos the server confirmed holding, by hash: purge removes only these.
                CREATE TABLE confirmedPhoto (
                    sha256 TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
                    confirmedAt DATETIME NOT NULL
                );
                -- An entry the server refused for good (a conflicting record, a damaged file):
                -- kept back from the sync, with why, until an operator releases it.
                ALTER TABLE outbox ADD COLUMN heldAt DATETIME;
                ALTER TABLE outbox ADD COLUMN heldReason TEXT;
                INSERT OR IGNORE INTO confirmedPhoto (sha256, confirmedAt)
                    SELECT photo.sha256, outbox.sentAt FROM outbox JOIN photo ON photo.id = outbox.photoId
                    WHERE outbox.kind = 'photo' AND outbox.sentAt IS NOT NULL;
                """)
            for id in try Int64.fetchAll(db, sql: "SELECT id FROM session ORDER BY id") {
                try db.execute(sql: "UPDATE session SET uuid = ? WHERE id = ?", arguments: [Schema.newSessionUUID(), id])
            }
            try db.execute(sql: "CREATE UNIQUE INDEX sessionByUUID ON session(uuid)")
        }
        return migrator
    }

    /// A new session id as the store keeps it (lower-case, as the API's paths write it).
    static func newSessionUUID() -> String { UUID().uuidString.lowercased() }
}
