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
    public var content: Content
}

extension StationStore {
    /// The entries not yet sent, oldest first.
    public func pendingOutbox(limit: Int = 100) throws(StoreError) -> [OutboxEntry] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT outbox.seq, outbox.sessionId, outbox.kind, photo.sha256, photo.size, session.receiptCode
                FROM outbox JOIN session ON session.id = outbox.sessionId LEFT JOIN photo ON photo.id = outbox.photoId
                WHERE outbox.sentAt IS NULL ORDER BY outbox.seq LIMIT ?
                """, arguments: [limit]).map { row in
                let kind: String = row["kind"]
                let content: OutboxEntry.Content
                if kind == "photo" {
                    let hash = ContentHash(hex: row["sha256"], size: row["size"])
                    content = .photo(hash, path: photos.path(of: hash))
                } else {
                    content = .session(receiptCode: row["receiptCode"])
                }
                return OutboxEntry(sequence: row["seq"], sessionId: row["sessionId"], content: content)
            }
        }
    }

    /// Marks an entry as received by the server.
    public func markSent(_ sequence: Int64, at time: Date) throws(StoreError) {
        let changed = try write { db in
            try db.execute(sql: "UPDATE outbox SET sentAt = ? WHERE seq = ? AND sentAt IS NULL", arguments: [time, sequence])
            return db.changesCount
        }
        if changed == 0, try read({ try Bool.fetchOne($0, sql: "SELECT 1 FROM outbox WHERE seq = ?", arguments: [sequence]) }) == nil {
            throw StoreError(folder: folder, .unknownOutboxEntry(sequence))
        }
    }
}
