import Foundation
import GRDB
import IdentityCheck
import Roster

/// A saved session as the operator's `kiosk records` shows it: the record's own fields, the
/// masked name, where its files and its outbox entries stand. Nothing that identifies the
/// student beyond the roster's masked record: no ID tail, and of the collection code only
/// its length.
public struct SessionRecord: Sendable, Hashable {
    public struct Photo: Sendable, Hashable {
        /// `spec` (the 480 × 640 photo) or `source` (the full-resolution frame).
        public var kind: String
        public var hash: ContentHash
        /// `missing` or `damaged` when start-up repair found the file so.
        public var problem: String?
        /// When `kiosk purge` removed the station's copy.
        public var removedAt: Date?
        /// The end of the source frame's retention.
        public var keepUntil: Date?
    }

    public var id: Int64
    public var receiptCode: String
    public var studentNumber: String
    public var school: String
    public var batch: String
    public var maskedName: String
    public var review: ReviewStatus
    public var retakeOwed: Bool
    public var startedAt: Date
    public var acceptedAt: Date
    /// The collection code's length in bytes (the code itself is never shown).
    public var collectionCodeBytes: Int
    public var feeYuan: Int
    /// `in-window`, `outside-window` or `retake-owed`.
    public var feeBasis: String
    /// `cash`, `reference` or `none`.
    public var paymentMethod: String
    public var paidAt: Date
    public var confirmedBy: String
    public var photos: [Photo]
    /// When the server confirmed the photo and the record (nil: not yet).
    public var photoSentAt: Date?
    public var recordSentAt: Date?
    public var identityCheck: IdentityCheckResult?
}

extension StationStore {
    /// Every saved session, oldest first.
    public func records() throws(StoreError) -> [SessionRecord] {
        try records(where: "1", [])
    }

    /// The sessions with this receipt code (compared without regard to case or the dash) or
    /// of this student number, oldest first.
    public func records(matching text: String) throws(StoreError) -> [SessionRecord] {
        let compact = text.uppercased().replacingOccurrences(of: "-", with: "")
        return try records(where: "replace(session.receiptCode, '-', '') = ? OR session.studentNumber = ?", [compact, text])
    }

    private func records(where condition: String, _ arguments: [String]) throws(StoreError) -> [SessionRecord] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT session.id, session.receiptCode, session.studentNumber, session.startedAt, session.acceptedAt,
                       length(CAST(session.collectionCode AS BLOB)) AS codeBytes,
                       student.school, student.batch, student.maskedName, student.review, student.rejectionReason, student.retakeOwed,
                       fee.yuan, fee.basis, fee.method, fee.paidAt, fee.confirmedBy,
                       (SELECT sentAt FROM outbox WHERE outbox.sessionId = session.id AND kind = 'photo') AS photoSentAt,
                       (SELECT sentAt FROM outbox WHERE outbox.sessionId = session.id AND kind = 'session') AS recordSentAt,
                       identityCheck.verdict, identityCheck.distance, identityCheck.threshold, identityCheck.obstacle
                FROM session JOIN student ON student.studentNumber = session.studentNumber
                JOIN fee ON fee.sessionId = session.id
                LEFT JOIN identityCheck ON identityCheck.sessionId = session.id
                WHERE \(condition) ORDER BY session.id
                """, arguments: StatementArguments(arguments))
            return try rows.map { row in
                let id: Int64 = row["id"]
                let photos = try Row.fetchAll(db, sql: """
                    SELECT kind, sha256, size, problem, removedAt, keepUntil FROM photo WHERE sessionId = ? ORDER BY kind = 'source', id
                    """, arguments: [id]).map { photo in
                    SessionRecord.Photo(kind: photo["kind"], hash: ContentHash(hex: photo["sha256"], size: photo["size"]),
                                        problem: photo["problem"], removedAt: photo["removedAt"], keepUntil: photo["keepUntil"])
                }
                let check = (row["verdict"] as String?).flatMap(IdentityCheckResult.Verdict.init(rawValue:)).map { verdict in
                    IdentityCheckResult(verdict: verdict, distance: row["distance"], threshold: row["threshold"],
                                        obstacle: (row["obstacle"] as String?).flatMap(IdentityCheckResult.Obstacle.init(rawValue:)))
                }
                return SessionRecord(
                    id: id, receiptCode: row["receiptCode"], studentNumber: row["studentNumber"], school: row["school"],
                    batch: row["batch"], maskedName: row["maskedName"],
                    review: ReviewStatus(word: row["review"], reason: row["rejectionReason"]) ?? .notReviewed,
                    retakeOwed: row["retakeOwed"], startedAt: row["startedAt"], acceptedAt: row["acceptedAt"],
                    collectionCodeBytes: row["codeBytes"], feeYuan: row["yuan"], feeBasis: row["basis"],
                    paymentMethod: row["method"], paidAt: row["paidAt"], confirmedBy: row["confirmedBy"], photos: photos,
                    photoSentAt: row["photoSentAt"], recordSentAt: row["recordSentAt"], identityCheck: check)
            }
        }
    }
}
