import Fees
import Foundation
import GRDB
import Roster

extension StationStore {
    /// Saves an accepted session so that it survives a crash at any point.
    ///
    /// The order is the store's one write rule: first both photo files are made durable
    /// (`AtomicFile`: temporary file, fsync, rename, fsync of the folder), then one
    /// transaction commits the session, its photos, check report, fee and outbox entries
    /// (the photo before the session that points to it). A crash before the commit leaves
    /// only files no record names, which start-up repair sets aside; a crash after it leaves
    /// the whole session. A retake owed is used up by this session.
    public func save(_ session: AcceptedSession) throws(StoreError) -> SavedSession {
        if let problem = session.problem { throw StoreError(folder: folder, .invalidSession(problem)) }
        guard try student(session.studentNumber) != nil else {
            throw StoreError(folder: folder, .unknownStudent(session.studentNumber))
        }
        let spec: ContentHash
        let source: ContentHash
        do {
            spec = try photos.store(session.specJPEG)
            source = try photos.store(session.sourceFrame)
        } catch {
            throw StoreError(folder: folder, .files(error))
        }
        let keepUntil = session.acceptedAt.addingTimeInterval(Double(settings.sourceFrameRetentionDays) * 86_400)
        return try write { db in
            let (id, receipt, uuid) = try Self.insertSession(session, db)
            let specId = try Self.insertPhoto(session: id, kind: "spec", spec, keepUntil: nil, db)
            _ = try Self.insertPhoto(session: id, kind: "source", source, keepUntil: keepUntil, db)
            try db.execute(sql: "INSERT INTO checkReport (sessionId, json) VALUES (?, ?)", arguments: [id, session.checkReportJSON])
            try db.execute(sql: """
                INSERT INTO fee (sessionId, yuan, basis, method, reference, paidAt, confirmedBy) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, session.payment.yuan, session.fee.basis.word, session.payment.method.kind,
                                 session.payment.method.reference, session.payment.time, session.payment.confirmedBy])
            if let check = session.identityCheck {
                try db.execute(sql: "INSERT INTO identityCheck (sessionId, verdict, distance, threshold, obstacle) VALUES (?, ?, ?, ?, ?)",
                               arguments: [id, check.verdict.rawValue, check.distance, check.threshold, check.obstacle?.rawValue])
            }
            try db.execute(sql: "INSERT INTO outbox (kind, sessionId, photoId) VALUES ('photo', ?, ?)", arguments: [id, specId])
            try db.execute(sql: "INSERT INTO outbox (kind, sessionId) VALUES ('session', ?)", arguments: [id])
            if case .retakeOwed = session.fee.basis {
                try db.execute(sql: "UPDATE student SET retakeOwed = 0, review = 'not-reviewed', rejectionReason = NULL WHERE studentNumber = ?",
                               arguments: [session.studentNumber.text])
            }
            return SavedSession(id: id, receiptCode: receipt, uuid: uuid, spec: spec, source: source)
        }
    }

    /// Inserts the session under a new receipt code (drawn again on the rare clash) and a
    /// new id for the server.
    private static func insertSession(_ session: AcceptedSession, _ db: Database) throws -> (Int64, String, UUID) {
        var clashes = 0
        while true {
            let receipt = ReceiptCode.random()
            let uuid = Schema.newSessionUUID()
            do {
                try db.execute(sql: """
                    INSERT INTO session (receiptCode, uuid, studentNumber, collectionCode, startedAt, acceptedAt) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [receipt, uuid, session.studentNumber.text, session.collectionCode, session.startedAt, session.acceptedAt])
                return (db.lastInsertedRowID, receipt, UUID(uuidString: uuid)!)
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && clashes < 8 {
                clashes += 1
            }
        }
    }

    private static func insertPhoto(session: Int64, kind: String, _ hash: ContentHash, keepUntil: Date?, _ db: Database) throws -> Int64 {
        try db.execute(sql: "INSERT INTO photo (sessionId, kind, sha256, size, keepUntil) VALUES (?, ?, ?, ?, ?)",
                       arguments: [session, kind, hash.hex, hash.size, keepUntil])
        return db.lastInsertedRowID
    }
}

extension FeeQuote.Basis {
    /// The word the store keeps.
    var word: String {
        switch self {
        case .inWindow: "in-window"
        case .outsideWindow: "outside-window"
        case .retakeOwed: "retake-owed"
        }
    }
}
