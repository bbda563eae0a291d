import Fees
import Roster

/// The time as the station session sees it: a monotonic clock for time-outs and the day on
/// the station's calendar for the fee. The caller reads the clocks; the session never does.
public struct Moment: Sendable, Hashable {
    /// Seconds on a clock that never jumps (any origin).
    public var seconds: Double
    public var day: CalendarDay

    public init(seconds: Double, day: CalendarDay) {
        self.seconds = seconds
        self.day = day
    }
}

/// Where the image-collection code came from.
public enum CodeSource: String, Sendable, Hashable {
    case webcam
    case scanner
    case typed
}

/// What the confirm screen shows of a student, and what the session carries on: nothing
/// about the student beyond the masked name and the record's own fields.
public struct StudentCard: Sendable, Hashable {
    public var studentNumber: StudentNumber
    public var name: MaskedName
    public var school: String
    public var batch: String
    public var review: ReviewStatus
    public var retakeOwed: Bool
    /// The image-collection code exactly as read.
    public var collectionCode: String
    public var codeSource: CodeSource
    /// The fee for today, shown before the photo is taken.
    public var fee: FeeQuote
}

/// A finished photo as the review screen needs it; the bytes stay with the caller.
public struct CapturedPhoto: Sendable, Hashable {
    /// The caller's handle on the photo and its report.
    public var id: String
    /// Whether a check failed (the photo cannot be accepted; the student retakes).
    public var failsChecks: Bool

    public init(id: String, failsChecks: Bool) {
        self.id = id
        self.failsChecks = failsChecks
    }
}

/// The operator's confirmation of a payment.
public struct PaymentConfirmation: Sendable, Hashable {
    public var method: PaymentMethod
    public var confirmedBy: String

    public init(method: PaymentMethod, confirmedBy: String) {
        self.method = method
        self.confirmedBy = confirmedBy
    }
}

/// A whole session, ready for the store.
public struct SessionOutcome: Sendable, Hashable {
    public var student: StudentCard
    public var photo: CapturedPhoto
    public var fee: FeeQuote
    public var payment: PaymentConfirmation
    /// When identification succeeded, on the session's clock.
    public var startedAt: Double
}

/// What the progress screen shows a student who identified themselves.
public struct ProgressView: Sendable, Hashable {
    public var name: MaskedName
    public var progress: StudentProgress

    public init(name: MaskedName, progress: StudentProgress) {
        self.name = name
        self.progress = progress
    }
}
