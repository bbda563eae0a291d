import Foundation
import GRDB

/// One thing that must reach the server, in the order it must go.
public struct OutboxEntry: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        /// A photo file: its hash and where it is.
        case photo(ContentHash, path: String)
        /// A session's record (student, collection code, fee, checks), after its photo.
        case session(receiptCode: String)
    }

    /// The position in the outbox: entries go in this order.
    public var sequence: Int64
    public var sessionId: Int64
    /// The session's receipt code, to name it in reports.
    public var receiptCode: String
    public var content: Content
}

/// An outbox entry kept back from the sync because the server refused it for good.
public struct HeldEntry: Sendable, Hashable {
    public var entry: OutboxEntry
    public var heldAt: Date
    /// Why, in words for the operator.
    public var reason: String
}

/// How far the outbox is: entries waiting, kept back, and sent.
public struct OutboxCounts: Sendable, Hashable {
    public var pending: Int
    public var held: Int
    public var sent: Int
}

extension StationStore {
    /// The entries not yet sent, oldest first, without the sessions that have an entry held.
    public func pendingOutbox(limit: Int = 100) throws(StoreError) -> [OutboxEntry] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT outbox.seq, outbox.sessionId, outbox.kind, photo.sha256, photo.size, session.receiptCode
                FROM outbox JOIN session ON session.id = outbox.sessionId LEFT JOIN photo ON photo.id = outbox.photoId
                WHERE outbox.sentAt IS NULL
                  AND NOT EXISTS (SELECT 1 FROM outbox AS held WHERE held.sessionId = outbox.sessionId AND held.heldAt IS NOT NULL)
                ORDER BY outbox.seq LIMIT ?
                """, arguments: [limit]).map(entry)
        }
    }

    /// Marks an entry as received by the server. For a photo entry this is the server's
    /// confirmation of the photo's hash, which purge requires (`confirmedPhoto`).
    public func markSent(_ sequence: Int64, at time: Date) throws(StoreError) {
        let changed = try write { db in
            try db.execute(sql: "UPDATE outbox SET sentAt = ? WHERE seq = ? AND sentAt IS NULL", arguments: [time, sequence])
            let changed = db.changesCount
            try db.execute(sql: """
                INSERT OR IGNORE INTO confirmedPhoto (sha256, confirmedAt)
                SELECT photo.sha256, ? FROM outbox JOIN photo ON photo.id = outbox.photoId WHERE outbox.seq = ? AND outbox.kind = 'photo'
                """, arguments: [time, sequence])
            return changed
        }
        if changed == 0, try read({ try Bool.fetchOne($0, sql: "SELECT 1 FROM outbox WHERE seq = ?", arguments: [sequence]) }) == nil {
            throw StoreError(folder: folder, .unknownOutboxEntry(sequence))
        }
    }

    /// The photo entries of a session, sent or not: what the server must hold before it
    /// takes the session's record (sent again when it answers `photo-missing`).
    public func outboxPhotos(ofSession id: Int64) throws(StoreError) -> [OutboxEntry] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT outbox.seq, outbox.sessionId, outbox.kind, photo.sha256, photo.size, session.receiptCode
                FROM outbox JOIN photo ON photo.id = outbox.photoId JOIN session ON session.id = outbox.sessionId
                WHERE outbox.sessionId = ? AND outbox.kind = 'photo' ORDER BY outbox.seq
                """, arguments: [id]).map(entry)
        }
    }

    /// Keeps an entry (and so its session) back from the sync: the server refused it in a way
    /// a retry cannot mend (another record under the same id, a photo damaged on this disk).
    public func hold(_ sequence: Int64, reason: String, at time: Date) throws(StoreError) {
        let changed = try write { db in
            try db.execute(sql: "UPDATE outbox SET heldAt = ?, heldReason = ? WHERE seq = ? AND sentAt IS NULL",
                           arguments: [time, reason, sequence])
            return db.changesCount
        }
        if changed == 0 { throw StoreError(folder: folder, .unknownOutboxEntry(sequence)) }
    }

    /// The entries kept back, oldest first.
    public func heldOutbox() throws(StoreError) -> [HeldEntry] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT outbox.seq, outbox.sessionId, outbox.kind, outbox.heldAt, outbox.heldReason,
                       photo.sha256, photo.size, session.receiptCode
                FROM outbox JOIN session ON session.id = outbox.sessionId LEFT JOIN photo ON photo.id = outbox.photoId
                WHERE outbox.heldAt IS NOT NULL AND outbox.sentAt IS NULL ORDER BY outbox.seq
                """).map { row in
                HeldEntry(entry: entry(row), heldAt: row["heldAt"], reason: row["heldReason"] ?? "")
            }
        }
    }

    /// Puts every held entry back in the sync (after an operator mended the cause); returns how many.
    @discardableResult
    public func releaseHeld() throws(StoreError) -> Int {
        try write { db in
            try db.execute(sql: "UPDATE outbox SET heldAt = NULL, heldReason = NULL WHERE heldAt IS NOT NULL")
            return db.changesCount
        }
    }

    /// How many entries wait, are held and were sent.
    public func outboxCounts() throws(StoreError) -> OutboxCounts {
        try read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*) FILTER (WHERE sentAt IS NULL AND heldAt IS NULL) AS pending,
                       count(*) FILTER (WHERE sentAt IS NULL AND heldAt IS NOT NULL) AS held,
                       count(*) FILTER (WHERE sentAt IS NOT NULL) AS sent
                FROM outbox
                """)!
            return OutboxCounts(pending: row["pending"], held: row["held"], sent: row["sent"])
        }
    }

    private func entry(_ row: Row) -> OutboxEntry {
        let kind: String = row["kind"]
        let content: OutboxEntry.Content
        if kind == "photo" {
            let hash = ContentHash(hex: row["sha256"], size: row["size"])
            content = .photo(hash, path: photos.path(of: hash))
        } else {
            content = .session(receiptCode: row["receiptCode"])
        }
        return OutboxEntry(sequence: row["seq"], sessionId: row["sessionId"], receiptCode: row["receiptCode"], content: content)
    }
}
