import Foundation
import GRDB
import Roster

/// What a roster import changed.
public struct RosterImportSummary: Sendable, Hashable {
    public var added: Int
    public var updated: Int
}

extension StationStore {
    /// Imports the roster file at `path` (`kiosk roster import FILE.csv`): every row is
    /// checked first and the whole file goes in one transaction, so a bad row, a full disk or
    /// a crash leaves the roster exactly as it was. Students already known are updated; their
    /// review status and retake owed are kept unless the file gives them.
    @discardableResult
    public func importRoster(fileAt path: String) throws(StoreError) -> RosterImportSummary {
        let text: String
        do {
            text = try Self.rosterText(fileAt: path)
        } catch {
            throw StoreError(folder: folder, .roster(error))
        }
        return try importRoster(text: text)
    }

    /// Imports a roster file's text (see `importRoster(fileAt:)`).
    @discardableResult
    public func importRoster(text: String) throws(StoreError) -> RosterImportSummary {
        let file: RosterFile
        do {
            file = try RosterCSV.parse(text, key: idTailKey)
        } catch {
            throw StoreError(folder: folder, .roster(error))
        }
        return try write { db in
            var summary = RosterImportSummary(added: 0, updated: 0)
            for entry in file.entries {
                if try Self.upsert(entry, withReview: file.carriesReview, db) { summary.updated += 1 } else { summary.added += 1 }
            }
            return summary
        }
    }

    /// Adds or updates one student (the roster file's and the server's roster alike); a known
    /// student's review status and retake owed change only `withReview`. Returns whether the
    /// student was known.
    static func upsert(_ entry: RosterEntry, withReview: Bool, _ db: Database) throws -> Bool {
        let known = try Bool.fetchOne(db, sql: "SELECT 1 FROM student WHERE studentNumber = ?", arguments: [entry.studentNumber.text]) ?? false
        let reviewAssignments = withReview || !known
            ? ", review = excluded.review, rejectionReason = excluded.rejectionReason, retakeOwed = excluded.retakeOwed" : ""
        try db.execute(sql: """
            INSERT INTO student (studentNumber, school, batch, maskedName, idTailHash, review, rejectionReason, retakeOwed)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (studentNumber) DO UPDATE SET school = excluded.school, batch = excluded.batch,
                maskedName = excluded.maskedName, idTailHash = excluded.idTailHash\(reviewAssignments)
            """, arguments: [entry.studentNumber.text, entry.school, entry.batch, entry.name.text,
                             Data(entry.idTailHash.bytes), entry.review.word, entry.review.rejectionReason, entry.retakeOwed])
        return known
    }

    /// Records the central review's decision for a student: a rejection owes a free retake.
    public func recordReview(_ number: StudentNumber, _ review: ReviewStatus) throws(StoreError) {
        let changed = try write { db in
            try db.execute(sql: "UPDATE student SET review = ?, rejectionReason = ?, retakeOwed = ? WHERE studentNumber = ?",
                           arguments: [review.word, review.rejectionReason, review.rejectionReason != nil, number.text])
            return db.changesCount
        }
        if changed == 0 { throw StoreError(folder: folder, .unknownStudent(number)) }
    }
}

extension StationStore: StudentDirectory {
    public func student(_ number: StudentNumber) throws(StoreError) -> RosterEntry? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM student WHERE studentNumber = ?", arguments: [number.text]).map { row in
                RosterEntry(studentNumber: number, school: row["school"], batch: row["batch"],
                            name: MaskedName(stored: row["maskedName"]),
                            idTailHash: IDTailHash(bytes: Array(row["idTailHash"] as Data))!,
                            review: ReviewStatus(word: row["review"], reason: row["rejectionReason"]) ?? .notReviewed,
                            retakeOwed: row["retakeOwed"])
            }
        }
    }

    public func progress(of number: StudentNumber) throws(StoreError) -> StudentProgress {
        guard let entry = try student(number) else { throw StoreError(folder: folder, .unknownStudent(number)) }
        return try read { db in
            let saved = try Int.fetchOne(db, sql: "SELECT count(*) FROM session WHERE studentNumber = ?", arguments: [number.text]) ?? 0
            let sent = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM outbox JOIN session ON session.id = outbox.sessionId
                WHERE outbox.kind = 'session' AND outbox.sentAt IS NOT NULL AND session.studentNumber = ?
                """, arguments: [number.text]) ?? 0
            return StudentProgress(photosSaved: saved, photosSent: sent, review: entry.review, retakeOwed: entry.retakeOwed)
        }
    }
}
