import Foundation
import SyncWire

/// The centre's storage: stations and their secrets, the roster with a change cursor, photos
/// by SHA-256, session records by the station's UUID and review decisions with a cursor.
///
/// A conformance stores and fetches; the rules (a photo must hash to its name, a record may
/// name only photos already held and students of the station's school, a taken id is never
/// overwritten) live once in this module's extension (`CentralStore+Rules.swift`) so that
/// every back end behaves the same. SQLite with a blob folder is `SQLiteCentralStore`; a
/// PostgreSQL back end is a second conformance run through the same tests.
public protocol CentralStore: Sendable {
    // MARK: Stations

    /// Keeps a new station with its secret.
    func addStation(_ station: Station) async throws(CentralStoreError)
    /// The station with this id, revoked or not; nil when there is none.
    func station(id: String) async throws(CentralStoreError) -> Station?
    /// Every station, revoked ones too, in the order they were issued.
    func stations() async throws(CentralStoreError) -> [Station]
    /// Marks the station revoked at `time`, so that its signatures are refused from now on;
    /// one revoked already keeps its first time. The station as held afterwards; nil when
    /// there is none.
    func revokeStation(id: String, at time: Date) async throws(CentralStoreError) -> Station?

    // MARK: Students

    /// Adds or updates students in one transaction. A student whose stored values change
    /// (or who is new) gets the next change number. With `keepingReview`, the review,
    /// reason and retake owed of students already held are kept.
    func importStudents(_ students: [Student], keepingReview: Bool) async throws(CentralStoreError) -> RosterImportSummary
    func student(number: String) async throws(CentralStoreError) -> Student?
    /// The school's students changed after `cursor`, in change order, at most `limit`.
    func rosterChanges(school: String, after cursor: Int64, limit: Int) async throws(CentralStoreError) -> Page<Student>

    // MARK: Photos

    /// Whether the photo is held (its bytes are durable).
    func holdsPhoto(sha256: String) async throws(CentralStoreError) -> Bool
    /// Keeps bytes already checked against `sha256` durably before it answers; true when this
    /// call stored them, false when they were held already (nothing is written then).
    func savePhoto(sha256: String, bytes: Data, at time: Date) async throws(CentralStoreError) -> Bool
    /// The bytes of a held photo; nil when it is not held.
    func photo(sha256: String) async throws(CentralStoreError) -> Data?

    // MARK: Records

    /// Inserts the record unless its id is taken; when it is, answers the record held under
    /// it and changes nothing. Inserting also marks the student's new photo as awaiting
    /// review (not reviewed, no retake owed, a new change number), in the same transaction.
    func insertRecord(_ record: StoredRecord) async throws(CentralStoreError) -> RecordInsertion
    func record(id: UUID) async throws(CentralStoreError) -> StoredRecord?
    /// Records with no decision yet, oldest first (by arrival, then id), at most `limit`;
    /// with `after`, only those that come after that record in this order (decided or not),
    /// so that a reviewer pages through a list that shrinks while they work.
    func recordsAwaitingReview(after: UUID?, limit: Int) async throws(CentralStoreError) -> [StoredRecord]

    // MARK: Decisions

    /// Keeps a decision (the next decision number) and sets the student's review, reason and
    /// retake owed from it with a new change number, in one transaction.
    func addDecision(_ decision: ReviewDecision, school: String) async throws(CentralStoreError)
    /// Decisions on the school's students after `cursor`, in order, at most `limit`.
    func decisions(school: String, after cursor: Int64, limit: Int) async throws(CentralStoreError) -> Page<ReviewDecision>

    // MARK: Review pages and the school export

    /// Keeps a reviewer, replacing the password of one of the same name.
    func saveReviewer(_ reviewer: Reviewer) async throws(CentralStoreError)
    func reviewer(name: String) async throws(CentralStoreError) -> Reviewer?
    /// Each (school, batch) the roster has, sorted.
    func schoolBatches() async throws(CentralStoreError) -> [SchoolBatch]
    /// The session of each student of the school's batch whose current review is an
    /// acceptance (the session that decision named), by student number.
    func acceptedRecords(school: String, batch: String) async throws(CentralStoreError) -> [StoredRecord]
}

/// A station the server issued credentials to.
public struct Station: Sendable, Hashable {
    public var id: String
    public var name: String
    public var school: String
    public var secret: StationSecret
    public var createdAt: Date
    /// Set when the station may no longer sign in.
    public var revokedAt: Date?

    public init(id: String, name: String, school: String, secret: StationSecret, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.school = school
        self.secret = secret
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// A student as the centre holds them: the full name and the clear ID tail stay here; the
/// roster download masks the name (`wire`).
public struct Student: Codable, Sendable, Hashable {
    public var studentNumber: String
    public var school: String
    public var batch: String
    public var name: String
    public var idTail: String
    public var review: ReviewState
    public var rejectionReason: String?
    public var retakeOwed: Bool
    /// 128 little-endian Float32 (as `RosterStudent` carries it); nil when none is known.
    public var enrollmentDescriptor: Data?

    public init(studentNumber: String, school: String, batch: String, name: String, idTail: String,
                review: ReviewState = .notReviewed, rejectionReason: String? = nil, retakeOwed: Bool = false,
                enrollmentDescriptor: Data? = nil) {
        self.studentNumber = studentNumber
        self.school = school
        self.batch = batch
        self.name = name
        self.idTail = idTail
        self.review = review
        self.rejectionReason = rejectionReason
        self.retakeOwed = retakeOwed
        self.enrollmentDescriptor = enrollmentDescriptor
    }
}

/// What a roster import changed.
public struct RosterImportSummary: Sendable, Hashable {
    public var added: Int
    public var updated: Int
    public var unchanged: Int
    public init(added: Int, updated: Int, unchanged: Int) {
        self.added = added
        self.updated = updated
        self.unchanged = unchanged
    }
}

/// A session record as the centre keeps it: the upload in its canonical JSON (`content`,
/// what a repeat is compared with), who sent it and when.
public struct StoredRecord: Sendable, Hashable {
    public var upload: SessionUpload
    public var stationId: String
    public var school: String
    public var receivedAt: Date
    /// `WireCoding`'s encoding of `upload` (sorted keys): equal uploads have equal content.
    public var content: String

    public init(upload: SessionUpload, stationId: String, school: String, receivedAt: Date) throws(CentralStoreError) {
        self.upload = upload
        self.stationId = stationId
        self.school = school
        self.receivedAt = receivedAt
        do {
            content = String(decoding: try WireCoding.encoder().encode(upload), as: UTF8.self)
        } catch {
            throw .invalid("the record \(upload.id) cannot be encoded: \(error)")
        }
    }

    /// From the stored columns (a back end reading a row).
    public init(content: String, stationId: String, school: String, receivedAt: Date) throws(CentralStoreError) {
        do {
            upload = try WireCoding.decoder().decode(SessionUpload.self, from: Data(content.utf8))
        } catch {
            throw .unavailable("a stored record does not decode (\(error)); the database is damaged")
        }
        self.stationId = stationId
        self.school = school
        self.receivedAt = receivedAt
        self.content = content
    }
}

/// The outcome of `insertRecord`.
public enum RecordInsertion: Sendable, Hashable {
    case inserted
    /// The id was taken: the record held under it, unchanged.
    case held(StoredRecord)
}

/// A school's batch, as the roster names them.
public struct SchoolBatch: Sendable, Hashable {
    public var school: String
    public var batch: String
    public init(school: String, batch: String) {
        self.school = school
        self.batch = batch
    }
}
