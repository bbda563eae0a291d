import Foundation

/// The outcome of one check.
public enum Verdict: String, Sendable, Codable, Hashable, Comparable, CaseIterable {
    case pass
    /// Acceptable, but close to the limit or uncertain: worth a second look.
    case warn
    /// Review would reject the photo.
    case fail
    /// The clause cannot be judged reliably from pixels; a person has to look.
    case notChecked = "not checked"

    private var rank: Int {
        switch self {
        case .pass: 0
        case .notChecked: 1
        case .warn: 2
        case .fail: 3
        }
    }

    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
}

/// What to tell the student (or operator), in Chinese and English.
public struct Hint: Sendable, Codable, Hashable, CustomStringConvertible {
    public var chinese: String
    public var english: String

    public init(_ chinese: String, _ english: String) {
        self.chinese = chinese
        self.english = english
    }

    public var description: String { "\(chinese) / \(english)" }
}

/// Every check the kiosk knows, one per clause of the standard an image can show (and the
/// clauses it cannot judge, reported as not checked).
public enum CheckID: String, Sendable, Codable, Hashable, CaseIterable, Comparable {
    // The person in the frame.
    case oneFace = "one-face"
    case framing
    case roll = "head-roll"
    case yaw = "head-yaw"
    case pitch = "head-pitch"
    case eyesOpen = "eyes-open"
    case mouthClosed = "mouth-closed"
    // Light.
    case evenLight = "even-light"
    case exposure
    case clippedHighlights = "clipped-highlights"
    case hotSpots = "hot-spots"
    case glassesGlare = "glasses-glare"
    case redEye = "red-eye"
    case sharpness
    case motionBlur = "motion-blur"
    // Surroundings.
    case clothingColour = "clothing-colour"
    case backdropUniformity = "backdrop-uniformity"
    case backdropShadow = "backdrop-shadow"
    // The finished file.
    case fileSize = "file-size"
    case fileColour = "file-colour"
    case fileFormat = "file-format"
    case fileDensity = "file-density"
    case fileQuality = "file-quality"
    case fileBytes = "file-bytes"
    case backgroundColour = "background-colour"
    case strayObject = "stray-object"
    case headTop = "head-top"
    case eyeLine = "eye-line"
    case faceWidth = "face-width"
    case centring
    // Clauses no pixel measure here judges reliably.
    case makeUp = "make-up"
    case jewellery
    case earsVisible = "ears-visible"
    case headCovering = "head-covering"
    case tintedGlasses = "tinted-glasses"
    case clothingPattern = "clothing-pattern"

    public static func < (a: CheckID, b: CheckID) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One clause, measured.
public struct CheckResult: Sendable, Codable, Hashable {
    public var id: CheckID
    /// The clause in a few words, e.g. "head roll".
    public var clause: String
    /// The measured value (nil when nothing could be measured, e.g. not checked).
    public var value: Double?
    /// The unit of `value` and the limits, e.g. "°", "stops", "px".
    public var unit: String
    /// The limits the value is held to, as a person reads them, e.g. "warn > 3, fail > 5".
    public var limit: String
    public var verdict: Verdict
    /// What to do; present unless the verdict is pass.
    public var hint: Hint?
    /// More about the measurement (which side is dark, what failed in the file).
    public var detail: String?

    public init(id: CheckID, clause: String, value: Double?, unit: String, limit: String, verdict: Verdict,
                hint: Hint? = nil, detail: String? = nil) {
        self.id = id
        self.clause = clause
        self.value = value
        self.unit = unit
        self.limit = limit
        self.verdict = verdict
        self.hint = verdict == .pass ? nil : hint
        self.detail = detail
    }
}

/// Every check on one photo (and, when given, the frame it came from): the one value the
/// guidance, the review screen, the local store and the server all read.
public struct ComplianceReport: Sendable, Codable, Hashable {
    /// `PhotoSpec.name` of the standard checked against.
    public var spec: String
    /// The results in `CheckID` order.
    public var results: [CheckResult]
    /// The station's recorded backdrop (scene reference L*) the exposure limits were calibrated
    /// to, when they were (`ComplianceChecker.atStation`): `kiosk check --backdrop-reference`
    /// with this value repeats the report.
    public var backdropReference: Double?

    public init(spec: String, results: [CheckResult], backdropReference: Double? = nil) {
        self.spec = spec
        self.results = results.sorted { $0.id < $1.id }
        self.backdropReference = backdropReference
    }

    /// Fail if any check fails, else warn if any warns, else pass (not-checked clauses do not
    /// change the verdict: they are listed for the reviewer).
    public var verdict: Verdict {
        let worst = results.map(\.verdict).filter { $0 != .notChecked }.max() ?? .pass
        return worst
    }

    public var failures: [CheckResult] { results.filter { $0.verdict == .fail } }
    public var warnings: [CheckResult] { results.filter { $0.verdict == .warn } }

    /// The result of check `id`, if it ran.
    public subscript(id: CheckID) -> CheckResult? { results.first { $0.id == id } }

    /// The report with `other`'s results added (a later result for the same check replaces
    /// the earlier one).
    public func merging(_ other: [CheckResult]) -> ComplianceReport {
        let replaced = Set(other.map(\.id))
        return ComplianceReport(spec: spec, results: results.filter { !replaced.contains($0.id) } + other,
                                backdropReference: backdropReference)
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

extension ComplianceReport {
    private enum CodingKeys: String, CodingKey { case spec, verdict, results, backdropReference }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(spec: try c.decode(String.self, forKey: .spec), results: try c.decode([CheckResult].self, forKey: .results),
                  backdropReference: try c.decodeIfPresent(Double.self, forKey: .backdropReference))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(spec, forKey: .spec)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(results, forKey: .results)
        try c.encodeIfPresent(backdropReference, forKey: .backdropReference)
    }
}
