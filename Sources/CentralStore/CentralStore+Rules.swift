import Crypto
import Foundation
import Roster
import SyncWire

/// The centre's rules, once for every back end: what a station may upload and read, and
/// what a reviewer's decision changes.
extension CentralStore {
    /// Issues credentials to a new station of `school` (a random id and secret) and keeps it.
    public func addStation(name: String, school: String, at time: Date) async throws(CentralStoreError) -> Station {
        let station = try Station.issue(name: name, school: school, at: time)
        try await addStation(station)
        return station
    }

    /// The first `limit` records awaiting review, oldest first.
    public func recordsAwaitingReview(limit: Int) async throws(CentralStoreError) -> [StoredRecord] {
        try await recordsAwaitingReview(after: nil, limit: limit)
    }

    /// The station allowed to sign requests as `id`; nil for an unknown or revoked one.
    public func activeStation(id: String) async throws(CentralStoreError) -> Station? {
        guard let station = try await station(id: id), station.revokedAt == nil else { return nil }
        return station
    }

    /// The roster page a station downloads: its school's students changed after `cursor`,
    /// names masked.
    public func roster(for station: Station, after cursor: Int64, limit: Int) async throws(CentralStoreError) -> Page<RosterStudent> {
        let page = try await rosterChanges(school: station.school, after: cursor, limit: limit)
        return Page(items: page.items.map(\.wire), cursor: page.cursor, more: page.more)
    }

    /// Keeps an uploaded photo after checking its bytes hash to `sha256`; true when stored
    /// now, false when it was held already.
    public func acceptPhoto(sha256 claimed: String, bytes: Data, at time: Date) async throws(CentralStoreError) -> Bool {
        let claimed = claimed.lowercased()
        let actual = SHA256.hash(data: bytes).hexString
        guard actual == claimed else { throw .hashMismatch(claimed: claimed, actual: actual) }
        return try await savePhoto(sha256: claimed, bytes: bytes, at: time)
    }

    /// Keeps a session record from `station`: its student must be of the station's school,
    /// its photos held already. True when stored now; false when the same content was held
    /// already. The same id with other content, or from another station, is refused and the
    /// held record kept.
    public func acceptRecord(_ upload: SessionUpload, from station: Station, at time: Date) async throws(CentralStoreError) -> Bool {
        guard let student = try await student(number: upload.studentNumber) else {
            throw .forbidden("student \(upload.studentNumber) is not on the roster of \(station.school): the record cannot be kept")
        }
        guard student.school == station.school else {
            throw .forbidden("student \(upload.studentNumber) belongs to another school than this station's (\(station.school))")
        }
        var missing: [String] = []
        for photo in upload.photos where try await !holdsPhoto(sha256: photo.sha256.lowercased()) {
            missing.append(photo.sha256)
        }
        guard missing.isEmpty else { throw .photoMissing(missing) }
        let record = try StoredRecord(upload: upload, stationId: station.id, school: station.school, receivedAt: time)
        switch try await insertRecord(record) {
        case .inserted:
            return true
        case let .held(held):
            guard held.stationId == station.id else {
                throw .forbidden("the record \(upload.id.uuidString.lowercased()) was uploaded by another station")
            }
            guard held.content == record.content else { throw .conflict(upload.id) }
            return false
        }
    }

    /// A reviewer's decision on a session: a rejection needs a reason and owes the student a
    /// free retake at every station; an acceptance clears it.
    @discardableResult
    public func decide(session id: UUID, accept: Bool, reason: String?, at time: Date) async throws(CentralStoreError) -> ReviewDecision {
        guard let record = try await record(id: id) else {
            throw .notFound("no session \(id.uuidString.lowercased()) has been uploaded; check the id (kiosk-server review list)")
        }
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if !accept, reason?.isEmpty ?? true {
            throw .invalid("a rejection needs a reason the student will read, e.g. --reason \"hair covers the eyebrows\"")
        }
        let decision = ReviewDecision(sessionId: id, studentNumber: record.upload.studentNumber, review: accept ? .accepted : .rejected,
                                      reason: accept ? nil : reason, retakeOwed: !accept, decidedAt: time)
        try await addDecision(decision, school: record.school)
        return decision
    }

    /// The decisions page a station downloads: decisions on its school's students after `cursor`.
    public func decisions(for station: Station, after cursor: Int64, limit: Int) async throws(CentralStoreError) -> Page<ReviewDecision> {
        try await decisions(school: station.school, after: cursor, limit: limit)
    }
}

extension Station {
    /// New credentials for a station of `school`, not kept yet: a random id and secret.
    public static func issue(name: String, school: String, at time: Date) throws(CentralStoreError) -> Station {
        let name = name.trimmingCharacters(in: .whitespaces)
        let school = school.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw .invalid("the station's name is empty; give the name it has on site, e.g. \"hall-2\"") }
        guard !school.isEmpty else { throw .invalid("the station's school is empty; give the school as the roster names it") }
        return Station(id: UUID().uuidString.lowercased(), name: name, school: school, secret: StationSecret(), createdAt: time)
    }
}

extension Student {
    /// What a roster import keeps for this student, given the one `held` under the number:
    /// with `keepingReview` the held review, reason and retake owed stay. Nil when that is
    /// what is held already, so the student keeps their change number.
    public func imported(over held: Student?, keepingReview: Bool) -> Student? {
        var student = self
        if let held, keepingReview {
            student.review = held.review
            student.rejectionReason = held.rejectionReason
            student.retakeOwed = held.retakeOwed
        }
        return student == held ? nil : student
    }

    /// The student as the roster download carries them: the name masked (张*明).
    public var wire: RosterStudent {
        RosterStudent(studentNumber: studentNumber, school: school, batch: batch,
                      maskedName: MaskedName(masking: name)?.text ?? "*", idTail: idTail, review: review,
                      rejectionReason: rejectionReason, retakeOwed: retakeOwed, enrollmentDescriptor: enrollmentDescriptor)
    }
}
