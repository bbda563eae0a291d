import Foundation
import GRDB

/// A saved session as a list shows it.
public struct SessionSummary: Sendable, Hashable {
    public var id: Int64
    public var receiptCode: String
    public var studentNumber: String
    /// The image-collection code exactly as read.
    public var collectionCode: String
    public var acceptedAt: Date
}

extension StationStore {
    /// Every saved session, oldest first.
    public func sessions() throws(StoreError) -> [SessionSummary] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, receiptCode, studentNumber, collectionCode, acceptedAt FROM session ORDER BY id").map {
                SessionSummary(id: $0["id"], receiptCode: $0["receiptCode"], studentNumber: $0["studentNumber"],
                               collectionCode: $0["collectionCode"], acceptedAt: $0["acceptedAt"])
            }
        }
    }
}
