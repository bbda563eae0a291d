import Compliance
import FaceKit
import Foundation
import ImageKit

/// Runs the per-frame compliance checks on labelled frames, as the station runs them on a
/// camera frame (detect the faces, pick the person, `frameCheck` at the frame's full
/// resolution: the face measured in the photo's crop at the photo's size), and counts per defect kind and strength how often they fail (a catch), only
/// warn (the photo would still be accepted) or pass.
public struct ComplianceEvaluation: Sendable {
    /// One checked frame.
    public struct Outcome: Sendable, Codable {
        public var name: String
        public var split: String
        public var source: String
        public var kind: String?
        public var strength: Double?
        public var label: ComplianceSet.Label
        /// False when no face was found: the station refuses the frame.
        public var faceFound: Bool
        /// The face checks' figures (nil without a face, or a face outside the frame).
        public var figures: FaceFigures?
        public var results: [CheckResult]
        /// The checks whose failure is this source's own fault (not counted as a false alarm).
        public var natural: [CheckID]

        public func verdict(_ id: CheckID) -> Verdict? { results.first { $0.id == id }?.verdict }
    }

    /// What happened to a defect: failed by one of the checks meant for it (or no face found,
    /// which refuses the frame too), only warned about, or passed.
    public enum Catch: String, Sendable, Codable { case caught, warned, passed }

    /// The checks that judge each defect kind of both sets.
    public static let targets: [String: [CheckID]] = [
        "yinyang": [.evenLight], "softbox": [.evenLight], "redeye": [.redEye],
        "underexpose": [.exposure], "overexpose": [.exposure, .clippedHighlights],
        "defocus": [.sharpness, .motionBlur], "motion": [.sharpness, .motionBlur], "blur": [.sharpness, .motionBlur],
        "roll": [.roll],
        "blueclothes": [.clothingColour],
        "secondface": [.oneFace], "secondbehind": [.oneFace],
    ]

    public var checker: ComplianceChecker
    public var detector: FaceDetector

    public init(checker: ComplianceChecker = ComplianceChecker(), detector: FaceDetector) {
        self.checker = checker
        self.detector = detector
    }

    /// Checks every case of `set`, calling `progress` after each. A case with a plate (the
    /// station's empty backdrop) is checked as a station set up with that backdrop checks it:
    /// the exposure rule's scene limit made from the plate's reference
    /// (`ComplianceLimits.calibrated(backdropReference:)`).
    public func run(_ set: ComplianceSet, progress: (Outcome) -> Void = { _ in }) throws -> [Outcome] {
        var plates: [String: RGBImage] = [:]
        return try set.cases.map { c in
            let frame = try ImageFile.read(set.url(c))
            // One search gives the person and the people in view, as at the capture.
            let scan = try detector.scan(frame, rule: checker.people)
            var figures: FaceFigures?
            var results: [CheckResult] = []
            if let person = checker.mainFace(scan.sure) {
                let faces = try detector.people(in: frame, scan: scan.boxes, rule: checker.people, main: person.box)
                let plate = try c.plate.map { name in
                    let image = try plates[name] ?? ImageFile.read(set.folder.appendingPathComponent(name))
                    plates[name] = image
                    return image
                }
                let station = checker.atStation(plate: plate, frame: frame.size, landmarks: person.landmarks)
                (figures, results) = station.frameCheck(frame, landmarks: person.landmarks, faces: faces)
            }
            let outcome = Outcome(name: c.name, split: c.split, source: c.source, kind: c.kind, strength: c.strength,
                                  label: c.label, faceFound: !results.isEmpty, figures: figures, results: results,
                                  natural: (set.naturalDefects[c.source] ?? [:]).keys.sorted())
            progress(outcome)
            return outcome
        }
    }

    /// How `outcome`'s defect fared.
    public static func fate(_ outcome: Outcome) -> Catch {
        guard let kind = outcome.kind, outcome.faceFound else { return .caught }
        let checks = targets[kind] ?? []
        let verdicts = checks.compactMap(outcome.verdict)
        return verdicts.contains(.fail) ? .caught : verdicts.contains(.warn) ? .warned : .passed
    }

    /// The checks that fail a clean frame for no fault of its source (false alarms).
    public static func falseAlarms(_ outcome: Outcome) -> [CheckID] {
        guard outcome.faceFound else { return [.oneFace] }
        return outcome.results.filter { $0.verdict == .fail && !outcome.natural.contains($0.id) }.map(\.id)
    }
}

/// The table of one split: per defect kind and strength, caught / warned / passed, and the
/// clean frames failed by any check.
public struct ComplianceSummary: Sendable, Codable {
    public struct Row: Sendable, Codable {
        public var kind: String
        public var strength: Double
        public var label: ComplianceSet.Label
        public var frames: Int
        public var caught: Int
        public var warned: Int
        public var passed: Int
    }

    public var rows: [Row]
    public var cleanFrames: Int
    public var cleanFailed: Int
    /// How many clean frames each check fails (natural defects left out).
    public var cleanFailures: [String: Int]

    public init(_ outcomes: [ComplianceEvaluation.Outcome]) {
        var rows: [String: Row] = [:]
        for o in outcomes {
            guard let kind = o.kind else { continue }
            let strength = o.strength ?? 0
            let key = "\(kind) \(strength)"
            var row = rows[key] ?? Row(kind: kind, strength: strength, label: o.label, frames: 0, caught: 0, warned: 0, passed: 0)
            row.frames += 1
            switch ComplianceEvaluation.fate(o) {
            case .caught: row.caught += 1
            case .warned: row.warned += 1
            case .passed: row.passed += 1
            }
            row.label = max(row.label, o.label)
            rows[key] = row
        }
        self.rows = rows.values.sorted { ($0.kind, $0.strength) < ($1.kind, $1.strength) }
        let clean = outcomes.filter { $0.kind == nil }
        cleanFrames = clean.count
        cleanFailed = clean.filter { !ComplianceEvaluation.falseAlarms($0).isEmpty }.count
        var failures: [String: Int] = [:]
        for o in clean {
            for id in ComplianceEvaluation.falseAlarms(o) { failures[id.rawValue, default: 0] += 1 }
        }
        cleanFailures = failures
    }

    /// Reject-worthy frames of `kind` that were failed, over all of them (nil: none).
    public func catchRate(_ kind: String) -> Double? {
        let reject = rows.filter { $0.kind == kind && $0.label == .reject }
        let frames = reject.map(\.frames).reduce(0, +)
        return frames == 0 ? nil : Double(reject.map(\.caught).reduce(0, +)) / Double(frames)
    }

    public var kinds: [String] { Array(Set(rows.map(\.kind))).sorted() }

    public var cleanFailRate: Double { cleanFrames == 0 ? 0 : Double(cleanFailed) / Double(cleanFrames) }

    /// The table as Markdown.
    public var markdown: String {
        func percent(_ n: Int, _ d: Int) -> String { d == 0 ? "–" : String(format: "%.0f %%", 100 * Double(n) / Double(d)) }
        var lines = ["| defect | strength | label | frames | caught (fail) | warned | passed |", "|---|---|---|---|---|---|---|"]
        for r in rows {
            lines.append("| \(r.kind) | \(Limit.format(r.strength)) | \(r.label.rawValue) | \(r.frames) | \(r.caught) (\(percent(r.caught, r.frames))) "
                + "| \(r.warned) | \(r.passed) |")
        }
        for kind in kinds {
            if let rate = catchRate(kind) { lines.append("| \(kind) | all reject-worthy | reject | | \(String(format: "%.0f %%", 100 * rate)) | | |") }
        }
        let checks = cleanFailures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("")
        lines.append("Clean frames failed by any check: \(cleanFailed) of \(cleanFrames) (\(percent(cleanFailed, cleanFrames)))"
            + (checks.isEmpty ? "." : ": \(checks)."))
        return lines.joined(separator: "\n")
    }
}

/// The figures pinned for each set and split (`scripts/compliance-eval/limits.json`):
/// `make test` fails when one regresses.
public struct ComplianceLimitsFile: Sendable, Codable {
    /// The lowest share of reject-worthy frames of each kind that must be failed.
    public var minimumCaught: [String: Double]
    /// The highest share of clean frames any check may fail.
    public var maximumCleanFailed: Double

    /// What breaks the pinned figures, in words (empty: they hold).
    public func violations(of summary: ComplianceSummary) -> [String] {
        var out: [String] = []
        for (kind, minimum) in minimumCaught.sorted(by: { $0.key < $1.key }) {
            guard let rate = summary.catchRate(kind) else {
                out.append("\(kind): no reject-worthy frames (pinned at \(minimum))")
                continue
            }
            if rate < minimum { out.append(String(format: "%@: caught %.3f of the reject-worthy frames, pinned at least %.3f", kind, rate, minimum)) }
        }
        if summary.cleanFailRate > maximumCleanFailed {
            out.append(String(format: "clean frames failed: %.3f, pinned at most %.3f", summary.cleanFailRate, maximumCleanFailed))
        }
        return out
    }

    /// Set folder name → split → pinned figures.
    public typealias Sets = [String: [String: ComplianceLimitsFile]]
}
