import Foundation
import GRDB

/// The accepted photos of one batch, one per student, as the registration upload takes them.
public struct BatchSelection: Sendable, Hashable {
    public struct Photo: Sendable, Hashable {
        public var studentNumber: String
        public var school: String
        public var receiptCode: String
        /// The image-collection code exactly as read.
        public var collectionCode: String
        public var acceptedAt: Date
        public var hash: ContentHash
        /// The station's file.
        public var path: String
    }

    /// A student of the batch whose photo is not exported, and why.
    public struct Skipped: Sendable, Hashable {
        public var studentNumber: String
        public var reason: String
    }

    public var batch: String
    public var photos: [Photo]
    public var skipped: [Skipped]
    /// The batches the roster has (to name them when `batch` is not one).
    public var knownBatches: [String]
}

extension StationStore {
    /// The newest saved session's photo of each student of `batch`, by student number. A
    /// student whose photo was rejected at review (and not retaken), whose file start-up
    /// repair found missing or damaged, or whose copy was purged is listed as skipped.
    public func acceptedPhotos(batch: String) throws(StoreError) -> BatchSelection {
        try read { db in
            let known = try String.fetchAll(db, sql: "SELECT DISTINCT batch FROM student ORDER BY batch")
            let rows = try Row.fetchAll(db, sql: """
                SELECT session.studentNumber, student.school, student.review, session.receiptCode, session.collectionCode,
                       session.acceptedAt, photo.sha256, photo.size, photo.problem, photo.removedAt
                FROM session JOIN student ON student.studentNumber = session.studentNumber
                JOIN photo ON photo.sessionId = session.id AND photo.kind = 'spec'
                WHERE student.batch = ? AND session.id = (SELECT max(id) FROM session AS newest WHERE newest.studentNumber = session.studentNumber)
                ORDER BY session.studentNumber
                """, arguments: [batch])
            var selection = BatchSelection(batch: batch, photos: [], skipped: [], knownBatches: known)
            for row in rows {
                let number: String = row["studentNumber"]
                func skip(_ reason: String) { selection.skipped.append(.init(studentNumber: number, reason: reason)) }
                if row["review"] as String == "rejected" {
                    skip("rejected at review; a retake is owed")
                } else if let problem = row["problem"] as String? {
                    skip("the photo file is \(problem) (see start-up repair)")
                } else if row["removedAt"] as Date? != nil {
                    skip("the station's copy was purged after the server confirmed it")
                } else {
                    let hash = ContentHash(hex: row["sha256"], size: row["size"])
                    selection.photos.append(.init(studentNumber: number, school: row["school"], receiptCode: row["receiptCode"],
                                                  collectionCode: row["collectionCode"], acceptedAt: row["acceptedAt"],
                                                  hash: hash, path: photos.path(of: hash)))
                }
            }
            return selection
        }
    }
}
