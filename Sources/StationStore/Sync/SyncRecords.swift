import Foundation
import GRDB
import Roster
import SyncWire

/// The incremental downloads from the server, each with its cursor kept in the store.
public enum SyncFeed: String, Sendable, CaseIterable {
    case roster
    case decisions
}

extension StationStore {
    /// The record the server keys by the session's id: what the outbox's session entry sends.
    /// It names the photos the outbox sends (the spec photo); the source frame stays on the
    /// station as its audit copy. Made from the stored rows alone, so the same session gives
    /// the same record every time (the server takes a repeat as a no-op).
    public func sessionUpload(forSession id: Int64) throws(StoreError) -> SessionUpload {
        let upload = try read { db -> SessionUpload? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT session.uuid, session.receiptCode, session.studentNumber, session.collectionCode, session.startedAt,
                       session.acceptedAt, student.batch, checkReport.json,
                       fee.yuan, fee.basis, fee.method, fee.reference, fee.paidAt, fee.confirmedBy,
                       identityCheck.verdict, identityCheck.distance, identityCheck.threshold, identityCheck.obstacle
                FROM session JOIN student ON student.studentNumber = session.studentNumber
                JOIN checkReport ON checkReport.sessionId = session.id JOIN fee ON fee.sessionId = session.id
                LEFT JOIN identityCheck ON identityCheck.sessionId = session.id
                WHERE session.id = ?
                """, arguments: [id]), let uuid = UUID(uuidString: row["uuid"] ?? "") else { return nil }
            let photos = try Row.fetchAll(db, sql: """
                SELECT photo.kind, photo.sha256, photo.size FROM outbox JOIN photo ON photo.id = outbox.photoId
                WHERE outbox.sessionId = ? AND outbox.kind = 'photo' ORDER BY outbox.seq
                """, arguments: [id]).map { SessionUpload.Photo(kind: $0["kind"], sha256: $0["sha256"], size: $0["size"]) }
            let check = (row["verdict"] as String?).map { verdict in
                SessionUpload.IdentityCheck(verdict: verdict, distance: row["distance"], threshold: row["threshold"], obstacle: row["obstacle"])
            }
            let fee = SessionUpload.Fee(yuan: row["yuan"], basis: row["basis"], method: row["method"], reference: row["reference"],
                                        paidAt: row["paidAt"], confirmedBy: row["confirmedBy"])
            return SessionUpload(id: uuid, receiptCode: row["receiptCode"], studentNumber: row["studentNumber"], batch: row["batch"],
                                 collectionCode: row["collectionCode"], startedAt: row["startedAt"], acceptedAt: row["acceptedAt"],
                                 photos: photos, checkReport: row["json"], fee: fee, identityCheck: check)
        }
        guard let upload else { throw StoreError(folder: folder, .invalidSession("no session \(id) with an id for the server")) }
        return upload
    }

    /// Where the download of `feed` stands (0: nothing taken yet).
    public func syncCursor(_ feed: SyncFeed) throws(StoreError) -> Int64 {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT cursor FROM syncCursor WHERE feed = ?", arguments: [feed.rawValue]) ?? 0
        }
    }

    /// Takes a page of the server's roster in one transaction with its cursor: students are
    /// added or updated as a roster import does (the ID tail hashed with the station's key,
    /// only the masked name kept), with the server's review status, retake owed and, when the
    /// page carries one, the enrollment face descriptor. A row that does not parse refuses
    /// the whole page (`serverData`), cursor unchanged. Returns how many students it wrote.
    @discardableResult
    public func applyRoster(_ page: Page<RosterStudent>) throws(StoreError) -> Int {
        var rows: [(entry: RosterEntry, descriptor: Data?)] = []
        for student in page.items {
            guard let number = StudentNumber(student.studentNumber) else {
                throw StoreError(folder: folder, .serverData("the roster's student number \"\(student.studentNumber)\" is not \(StudentNumber.rule)"))
            }
            guard let tail = IDTail(student.idTail) else {
                throw StoreError(folder: folder, .serverData("the roster's ID tail of student \(number) is not \(IDTail.rule)"))
            }
            guard let review = ReviewStatus(word: student.review.rawValue, reason: student.rejectionReason) else {
                throw StoreError(folder: folder, .serverData("student \(number) is rejected without a reason"))
            }
            if let descriptor = student.enrollmentDescriptor, descriptor.count != Self.descriptorDimensions * 4 {
                throw StoreError(folder: folder, .serverData("the enrollment descriptor of student \(number) has \(descriptor.count) bytes, not \(Self.descriptorDimensions * 4)"))
            }
            let entry = RosterEntry(studentNumber: number, school: student.school, batch: student.batch,
                                    name: MaskedName(stored: student.maskedName), idTailHash: idTailKey.hash(tail),
                                    review: review, retakeOwed: student.retakeOwed)
            rows.append((entry, student.enrollmentDescriptor))
        }
        return try write { db in
            for row in rows {
                // A session of the student the server has not confirmed yet is newer than the
                // server's view: its review and retake owed stay as this station left them (a
                // retake just used must not be owed again), until the record is through.
                let unconfirmed = try Bool.fetchOne(db, sql: """
                    SELECT 1 FROM outbox JOIN session ON session.id = outbox.sessionId
                    WHERE session.studentNumber = ? AND outbox.kind = 'session' AND outbox.sentAt IS NULL
                    """, arguments: [row.entry.studentNumber.text]) ?? false
                _ = try Self.upsert(row.entry, withReview: !unconfirmed, db)
                if let descriptor = row.descriptor {
                    try db.execute(sql: "UPDATE student SET enrollmentDescriptor = ? WHERE studentNumber = ?",
                                   arguments: [descriptor, row.entry.studentNumber.text])
                }
            }
            try Self.setCursor(.roster, page.cursor, db)
            return rows.count
        }
    }

    /// Takes a page of review decisions in one transaction with its cursor: each sets its
    /// student's review status, reason and retake owed, unless this station has taken a
    /// session of the student after the decision (that newer photo awaits its own review) or
    /// does not know the student (the roster brings it). Returns how many it applied.
    @discardableResult
    public func applyDecisions(_ page: Page<ReviewDecision>) throws(StoreError) -> Int {
        var decisions: [(ReviewDecision, ReviewStatus)] = []
        for decision in page.items {
            guard let review = ReviewStatus(word: decision.review.rawValue, reason: decision.reason) else {
                throw StoreError(folder: folder, .serverData("the decision on session \(decision.sessionId) rejects without a reason"))
            }
            decisions.append((decision, review))
        }
        return try write { db in
            var applied = 0
            for (decision, review) in decisions {
                try db.execute(sql: """
                    UPDATE student SET review = ?, rejectionReason = ?, retakeOwed = ?
                    WHERE studentNumber = ?
                      AND NOT EXISTS (SELECT 1 FROM session WHERE session.studentNumber = student.studentNumber AND session.acceptedAt > ?)
                    """, arguments: [review.word, review.rejectionReason, decision.retakeOwed, decision.studentNumber, decision.decidedAt])
                applied += db.changesCount
            }
            try Self.setCursor(.decisions, page.cursor, db)
            return applied
        }
    }

    private static func setCursor(_ feed: SyncFeed, _ cursor: Int64, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO syncCursor (feed, cursor) VALUES (?, ?) ON CONFLICT (feed) DO UPDATE SET cursor = excluded.cursor",
                       arguments: [feed.rawValue, max(0, cursor)])
    }
}
