import Foundation

/// The on-the-spot identity check: the captured face compared with the roster's enrollment
/// photo, as the session stores it and sends it to the reviewers.
///
/// The station never refuses a student on this alone: a face that does not match is said
/// plainly to the operator, who decides. Which distance counts as the same person is
/// FaceKit's rule (`FaceComparison`); this value only carries its outcome.
public struct IdentityCheckResult: Codable, Sendable, Hashable {
    public enum Verdict: String, Codable, Sendable, Hashable, CaseIterable {
        case match
        case noMatch = "no-match"
        case couldNotCompare = "could-not-compare"
    }

    /// Why no comparison was made.
    public enum Obstacle: String, Codable, Sendable, Hashable {
        /// The roster carries no enrollment photo or descriptor for this student.
        case noEnrollmentFace = "no-enrollment-face"
        /// No face was found in the enrollment photo.
        case noFaceInEnrollmentPhoto = "no-face-in-enrollment-photo"
        /// No face was found in the captured photo.
        case noFaceInCapture = "no-face-in-capture"
        /// The face models are not installed (see `kiosk doctor`).
        case modelsMissing = "models-missing"
    }

    public var verdict: Verdict
    /// The descriptor distance, when a comparison was made.
    public var distance: Double?
    /// The distance below which the faces count as one person, when a comparison was made.
    public var threshold: Double?
    /// Why there was no comparison, for `couldNotCompare`.
    public var obstacle: Obstacle?

    public init(verdict: Verdict, distance: Double?, threshold: Double?, obstacle: Obstacle?) {
        self.verdict = verdict
        self.distance = distance
        self.threshold = threshold
        self.obstacle = obstacle
    }

    /// A comparison's outcome.
    public static func compared(distance: Double, threshold: Double, samePerson: Bool) -> IdentityCheckResult {
        IdentityCheckResult(verdict: samePerson ? .match : .noMatch, distance: distance, threshold: threshold, obstacle: nil)
    }

    /// No comparison, and why.
    public static func couldNotCompare(_ obstacle: Obstacle) -> IdentityCheckResult {
        IdentityCheckResult(verdict: .couldNotCompare, distance: nil, threshold: nil, obstacle: obstacle)
    }

    /// Whether the operator must look before the student pays.
    public var needsOperator: Bool { verdict == .noMatch }

    /// One plain line for the operator.
    public var message: String {
        let figures = distance.map { distance in
            "distance \(Self.format(distance)), same person below \(threshold.map(Self.format) ?? "?")"
        } ?? ""
        switch verdict {
        case .match:
            return "The face matches the enrollment photo (\(figures))."
        case .noMatch:
            return "The face does NOT match the enrollment photo (\(figures)): check the student's card before the fee; you decide."
        case .couldNotCompare:
            let why = switch obstacle {
            case .noEnrollmentFace, nil: "the roster has no enrollment photo for this student"
            case .noFaceInEnrollmentPhoto: "no face was found in the enrollment photo"
            case .noFaceInCapture: "no face was found in the captured photo"
            case .modelsMissing: "the face models are not installed (run kiosk doctor)"
            }
            return "The face was not compared: \(why)."
        }
    }

    /// The line for the student's screen (Chinese).
    public var chinese: String {
        switch verdict {
        case .match: "人脸与学籍照片一致"
        case .noMatch: "人脸与学籍照片不一致，请工作人员核对"
        case .couldNotCompare: "未能比对学籍照片"
        }
    }

    private static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
