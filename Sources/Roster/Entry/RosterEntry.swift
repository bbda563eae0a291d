/// Where a student's photo stands at the central review, as the server last said.
public enum ReviewStatus: Sendable, Hashable, Codable {
    /// No photo has reached review yet.
    case notReviewed
    case accepted
    /// Rejected, with the reviewer's reason (shown to the student).
    case rejected(reason: String)

    /// `not-reviewed`, `accepted` or `rejected`, as the roster file and the store write it.
    public var word: String {
        switch self {
        case .notReviewed: "not-reviewed"
        case .accepted: "accepted"
        case .rejected: "rejected"
        }
    }

    /// The words a roster file may use.
    public static let words = ["not-reviewed", "accepted", "rejected"]

    /// The status from its word and reason; nil for an unknown word or a rejection without a reason.
    public init?(word: String, reason: String?) {
        switch word {
        case "not-reviewed", "": self = .notReviewed
        case "accepted": self = .accepted
        case "rejected":
            guard let reason, !reason.isEmpty else { return nil }
            self = .rejected(reason: reason)
        default: return nil
        }
    }

    public var rejectionReason: String? {
        if case let .rejected(reason) = self { return reason }
        return nil
    }
}

/// One student the station may serve: the local copy of the roster's line.
public struct RosterEntry: Sendable, Hashable {
    public var studentNumber: StudentNumber
    public var school: String
    public var batch: String
    public var name: MaskedName
    public var idTailHash: IDTailHash
    public var review: ReviewStatus
    /// A retake owed after a rejection at review: the next photo is free.
    public var retakeOwed: Bool

    public init(studentNumber: StudentNumber, school: String, batch: String, name: MaskedName,
                idTailHash: IDTailHash, review: ReviewStatus = .notReviewed, retakeOwed: Bool = false) {
        self.studentNumber = studentNumber
        self.school = school
        self.batch = batch
        self.name = name
        self.idTailHash = idTailHash
        self.review = review
        self.retakeOwed = retakeOwed
    }
}
