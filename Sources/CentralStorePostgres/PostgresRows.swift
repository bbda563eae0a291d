import CentralStore
import Foundation
import PostgresNIO
import SyncWire

/// The store's values from rows, each read from the columns its SELECT lists first, in order.
enum PostgresRows {
    static let studentColumns = "student_number, school, batch, name, id_tail, review, rejection_reason, retake_owed, enrollment_descriptor"
    static let recordColumns = "record.content, record.station_id, record.school, record.received_at"
    static let stationColumns = "id, name, school, secret, created_at, revoked_at"
    static let decisionColumns = "number, session_id, student_number, review, reason, retake_owed, decided_at"
    static let reviewerColumns = "name, password, created_at"

    static func student(_ row: PostgresRow) throws -> Student {
        let (number, school, batch, name, idTail, review, reason, retakeOwed, descriptor) =
            try row.decode((String, String, String, String, String, String, String?, Bool, Data?).self)
        guard let state = ReviewState(rawValue: review) else {
            throw CentralStoreError.unavailable("student \(number)'s review is damaged in the database")
        }
        return Student(studentNumber: number, school: school, batch: batch, name: name, idTail: idTail, review: state,
                       rejectionReason: reason, retakeOwed: retakeOwed, enrollmentDescriptor: descriptor)
    }

    static func record(_ row: PostgresRow) throws -> StoredRecord {
        let (content, stationId, school, receivedAt) = try row.decode((String, String, String, Date).self)
        return try StoredRecord(content: content, stationId: stationId, school: school, receivedAt: receivedAt)
    }

    static func station(_ row: PostgresRow) throws -> Station {
        let (id, name, school, secret, createdAt, revokedAt) = try row.decode((String, String, String, String, Date, Date?).self)
        guard let secret = StationSecret(hex: secret) else {
            throw CentralStoreError.unavailable("station \(id)'s secret is damaged in the database; issue it a new one")
        }
        return Station(id: id, name: name, school: school, secret: secret, createdAt: createdAt, revokedAt: revokedAt)
    }

    /// A decision and its number (the cursor).
    static func decision(_ row: PostgresRow) throws -> (number: Int64, decision: ReviewDecision) {
        let (number, sessionId, studentNumber, review, reason, retakeOwed, decidedAt) =
            try row.decode((Int64, UUID, String, String, String?, Bool, Date).self)
        guard let state = ReviewState(rawValue: review) else {
            throw CentralStoreError.unavailable("decision \(number) is damaged in the database")
        }
        return (number, ReviewDecision(sessionId: sessionId, studentNumber: studentNumber, review: state, reason: reason,
                                       retakeOwed: retakeOwed, decidedAt: decidedAt))
    }

    static func reviewer(_ row: PostgresRow) throws -> Reviewer {
        let (name, stored, createdAt) = try row.decode((String, String, Date).self)
        guard let password = ReviewerPassword(stored: stored) else {
            throw CentralStoreError.unavailable("reviewer \(name)'s password is damaged in the database; set it again with kiosk-server reviewer add")
        }
        return Reviewer(name: name, password: password, createdAt: createdAt)
    }
}
