import Foundation

/// What a station and the central server say to each other (version 1 of the API under
/// `/v1`; `docs/sync-api.md` is the contract). Plain Codable values: the station's store and
/// the server's store each map them to their own tables, so neither links the other.
///
/// Dates travel as ISO 8601 with seconds (`WireCoding`); every JSON body is UTF-8.
public enum SyncAPI {
    /// The path prefix of this version.
    public static let prefix = "/v1"
    /// `GET`: no authentication; the cheap probe a station polls to notice the network return.
    public static let health = "/v1/health"
    /// `GET ?cursor=N&limit=M`: the station's school's students changed after the cursor.
    public static let roster = "/v1/roster"
    /// `PUT /v1/photos/{sha256}` with the JPEG; `HEAD` asks whether the server holds it.
    public static func photo(_ sha256: String) -> String { "/v1/photos/\(sha256)" }
    /// `PUT /v1/records/{uuid}` with a `SessionUpload`.
    public static func record(_ id: UUID) -> String { "/v1/records/\(id.uuidString.lowercased())" }
    /// `GET ?cursor=N&limit=M`: review decisions on the school's students after the cursor.
    public static let decisions = "/v1/decisions"
    /// The largest photo body the server takes (a spec photo is 20–40 KB; a source frame a few MB).
    public static let maximumPhotoBytes = 16 << 20
}

/// `GET /v1/health`.
public struct HealthStatus: Codable, Sendable, Hashable {
    public var status: String
    public var version: String
    public init(status: String = "ok", version: String) {
        self.status = status
        self.version = version
    }
}

/// One student as the roster download gives it. The ID tail travels in clear over the
/// authenticated channel; the station stores only its keyed hash (`Roster`).
public struct RosterStudent: Codable, Sendable, Hashable {
    public var studentNumber: String
    public var school: String
    public var batch: String
    /// Masked by the server (张*明): the full name never leaves it.
    public var maskedName: String
    /// The last four characters of the ID number.
    public var idTail: String
    public var review: ReviewState
    public var rejectionReason: String?
    public var retakeOwed: Bool
    /// The enrollment photo's face descriptor: 128 little-endian Float32, base64 in JSON.
    public var enrollmentDescriptor: Data?

    public init(studentNumber: String, school: String, batch: String, maskedName: String, idTail: String,
                review: ReviewState, rejectionReason: String? = nil, retakeOwed: Bool, enrollmentDescriptor: Data? = nil) {
        self.studentNumber = studentNumber
        self.school = school
        self.batch = batch
        self.maskedName = maskedName
        self.idTail = idTail
        self.review = review
        self.rejectionReason = rejectionReason
        self.retakeOwed = retakeOwed
        self.enrollmentDescriptor = enrollmentDescriptor
    }
}

/// Where a student's photo stands at review.
public enum ReviewState: String, Codable, Sendable, Hashable, CaseIterable {
    case notReviewed = "not-reviewed"
    case accepted
    case rejected
}

/// A page of an incremental download: items changed after the request's cursor, the cursor
/// to ask with next, and whether more pages wait.
public struct Page<Item: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    public var items: [Item]
    public var cursor: Int64
    public var more: Bool
    public init(items: [Item], cursor: Int64, more: Bool) {
        self.items = items
        self.cursor = cursor
        self.more = more
    }
}

/// A session's record as the station uploads it, keyed by the station-made `id`. The photos
/// it names must have been uploaded first (the server answers 409 `photo-missing` otherwise).
public struct SessionUpload: Codable, Sendable, Hashable {
    public struct Photo: Codable, Sendable, Hashable {
        /// `spec` (the 480 × 640 JPEG) or `source` (the full-resolution frame).
        public var kind: String
        public var sha256: String
        public var size: Int
        public init(kind: String, sha256: String, size: Int) {
            self.kind = kind
            self.sha256 = sha256
            self.size = size
        }
    }

    public struct Fee: Codable, Sendable, Hashable {
        public var yuan: Int
        /// `in-window`, `outside-window` or `retake-owed`.
        public var basis: String
        /// `cash`, `reference` or `none`.
        public var method: String
        public var reference: String?
        public var paidAt: Date
        public var confirmedBy: String
        public init(yuan: Int, basis: String, method: String, reference: String?, paidAt: Date, confirmedBy: String) {
            self.yuan = yuan
            self.basis = basis
            self.method = method
            self.reference = reference
            self.paidAt = paidAt
            self.confirmedBy = confirmedBy
        }
    }

    public struct IdentityCheck: Codable, Sendable, Hashable {
        /// `match`, `no-match` or `could-not-compare`.
        public var verdict: String
        public var distance: Double?
        public var threshold: Double?
        public var obstacle: String?
        public init(verdict: String, distance: Double?, threshold: Double?, obstacle: String?) {
            self.verdict = verdict
            self.distance = distance
            self.threshold = threshold
            self.obstacle = obstacle
        }
    }

    public var id: UUID
    public var receiptCode: String
    public var studentNumber: String
    public var batch: String
    /// The image-collection code (采集码) byte for byte as read, never parsed.
    public var collectionCode: String
    public var startedAt: Date
    public var acceptedAt: Date
    public var photos: [Photo]
    /// The photo's `ComplianceReport` as the station wrote it (JSON text, kept verbatim).
    public var checkReport: String
    public var fee: Fee
    public var identityCheck: IdentityCheck?

    public init(id: UUID, receiptCode: String, studentNumber: String, batch: String, collectionCode: String,
                startedAt: Date, acceptedAt: Date, photos: [Photo], checkReport: String, fee: Fee, identityCheck: IdentityCheck?) {
        self.id = id
        self.receiptCode = receiptCode
        self.studentNumber = studentNumber
        self.batch = batch
        self.collectionCode = collectionCode
        self.startedAt = startedAt
        self.acceptedAt = acceptedAt
        self.photos = photos
        self.checkReport = checkReport
        self.fee = fee
        self.identityCheck = identityCheck
    }
}

/// What the server answers to an upload it took (201 stored now, 200 held already).
public struct UploadReceipt: Codable, Sendable, Hashable {
    /// The photo's hash or the record's id.
    public var key: String
    /// True when this request stored it; false when the server held it already.
    public var stored: Bool
    public init(key: String, stored: Bool) {
        self.key = key
        self.stored = stored
    }
}

/// A reviewer's decision on a session, sent back to the stations of the student's school.
public struct ReviewDecision: Codable, Sendable, Hashable {
    public var sessionId: UUID
    public var studentNumber: String
    public var review: ReviewState
    public var reason: String?
    /// True after a rejection: the student's next photo is free at every station.
    public var retakeOwed: Bool
    public var decidedAt: Date
    public init(sessionId: UUID, studentNumber: String, review: ReviewState, reason: String?, retakeOwed: Bool, decidedAt: Date) {
        self.sessionId = sessionId
        self.studentNumber = studentNumber
        self.review = review
        self.reason = reason
        self.retakeOwed = retakeOwed
        self.decidedAt = decidedAt
    }
}

/// Every answer that is not a success: a stable code a program can act on and a sentence for
/// the operator that says what to do.
public struct WireError: Codable, Sendable, Hashable, Error {
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public enum Code: String, Codable, Sendable, Hashable {
        /// 401: no signature, a wrong one, an unknown or revoked station, a stale clock.
        case unauthorized
        /// 403: the station asked for something outside its school.
        case forbidden
        /// 400: a body or parameter that does not parse.
        case badRequest = "bad-request"
        /// 422: a photo whose bytes do not hash to its name.
        case hashMismatch = "hash-mismatch"
        /// 409: a record names a photo the server does not hold yet.
        case photoMissing = "photo-missing"
        /// 409: the record's id is taken by different content.
        case conflict
        /// 413: the body is larger than the server takes.
        case tooLarge = "too-large"
        /// 507: the server cannot store (disk full); retry later.
        case insufficientStorage = "insufficient-storage"
        /// 404.
        case notFound = "not-found"
        /// 500.
        case `internal`
    }
}

/// The one JSON coding both ends use.
public enum WireCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
