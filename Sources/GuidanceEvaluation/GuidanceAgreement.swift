import Compliance
import FaceKit
import Foundation
import Guidance
import ImageKit
import MatteEvaluation
import PhotoStandard

/// Whether the live guidance and the checks on the finished photo agree, frame by frame: the
/// frame is shown to the live analysis and `GuidanceEngine` as a camera would show a student
/// sitting still (the same frame over a few seconds of simulated time), and the same frame
/// goes through `standardizeAndCheck`, the station's capture path.
///
/// The two ways they can disagree: the guidance counts down and captures a photo that fails
/// its checks (the student is told all is well and then rejected), or the guidance keeps
/// asking for a change on a frame whose photo passes (a false stop: the student cannot get
/// the photo the checks would accept).
public struct GuidanceAgreement: Sendable {
    /// One frame's two answers.
    public struct Outcome: Sendable, Codable {
        public var name: String
        /// The split (`calibration`/`report` in the project's set, `dev` in the shared one).
        public var split: String
        /// `CLEAN`, `DEFECT` or empty (the project's set has no defects).
        public var status: String
        public var defect: String?
        /// The guidance counted down and took the photo within the simulated time.
        public var guidanceCaptures: Bool
        /// What the guidance was asking for at the end, when it did not capture.
        public var guidanceAsks: String?
        /// The photo's verdict (pass, warn, fail), or nil when no photo could be made.
        public var photoVerdict: Verdict?
        /// The checks that failed on the photo, or why there is no photo.
        public var failed: [String]
        /// The checks that only warned on the photo.
        public var warned: [String] = []
        /// The compliance figures of the last analysed frame, the frame checks that failed on
        /// it and its framing problem: what the guidance judged.
        public var figures: FaceFigures?
        public var frameFailures: [String] = []
        public var framing: String?

        /// The photo meets the standard (warnings allowed: the review asks about them).
        public var photoPasses: Bool { photoVerdict.map { $0 != .fail } ?? false }
        /// Guidance would capture while the photo fails: what must never happen.
        public var capturesFailure: Bool { guidanceCaptures && !photoPasses }
        /// Guidance blocks while the photo passes.
        public var falseStop: Bool { !guidanceCaptures && photoPasses }
    }

    public var detector: FaceDetector
    public var standardizer: Standardizer
    public var checker: ComplianceChecker
    /// How long the student sits still in front of the camera, and the analysed frame rate.
    public var seconds = 4.5
    public var framesPerSecond = 5.0

    public init(detector: FaceDetector, standardizer: Standardizer, checker: ComplianceChecker) {
        self.detector = detector
        self.standardizer = standardizer
        self.checker = checker
    }

    /// The guidance's answer on `frame` held still at a station whose clean plate is `plate`:
    /// whether it captures, else what it asks, and the last frame's measures.
    public func guidance(on frame: RGBImage, plate: RGBImage? = nil) throws -> (captures: Bool, asks: String?, measures: FrameMeasures?) {
        let analyzer = FrameAnalyzer(detector: detector, checker: checker)
        var engine = GuidanceEngine(thresholds: GuidanceThresholds(limits: checker.limits))
        let small = analyzer.reducedCopy(of: frame)
        let smallPlate = plate.map(analyzer.reducedCopy)
        let scale = Double(frame.width) / Double(small.width)
        var last: (output: GuidanceOutput, measures: FrameMeasures)?
        for step in 0..<Int(seconds * framesPerSecond) {
            let measures = try analyzer.analyzeReduced(small, scale: scale, time: Double(step) / framesPerSecond, plate: smallPlate)
            let output = engine.update(measures)
            if output.captureNow { return (true, nil, measures) }
            // As the station: the countdown's first frame is looked at in full (others in view,
            // the backdrop), and again while what the look found is asked for. The station has
            // the answer a few frames later (the look runs beside the live picture); the
            // countdown lasts longer than the look, so the capture is the same.
            if output.countdownBegins(at: measures.time) || analyzer.lookDue(at: measures.time) {
                try analyzer.lookAtFullFrame(frame, measures: measures)
            }
            last = (output, measures)
        }
        return (false, last?.output.instruction?.english ?? "nothing", last?.measures)
    }

    /// One case of `set`; the plate is used where the set has one that fits, as the station
    /// uses its own.
    public func outcome(_ item: EvaluationSet.Case, in set: EvaluationSet) throws -> Outcome {
        let frame = try ImageFile.read(set.url(item.frame))
        let plate = item.plateUsable == false ? nil : try item.plate.map { try ImageFile.read(set.url($0)) }
        let live = try guidance(on: frame, plate: plate)
        var outcome = Outcome(name: item.name, split: item.set ?? "", status: item.status ?? "", defect: item.defect?.kind,
                              guidanceCaptures: live.captures, guidanceAsks: live.asks, photoVerdict: nil, failed: [],
                              figures: live.measures?.figures,
                              frameFailures: live.measures?.checks.filter { $0.verdict == .fail }.map(\.id.rawValue) ?? [],
                              framing: live.measures?.framing?.rawValue)
        do {
            let report = try checker.standardizeAndCheck(frame, plate: plate, detector: detector, standardizer: standardizer).report
            outcome.photoVerdict = report.verdict
            outcome.failed = report.failures.map(\.id.rawValue)
            outcome.warned = report.warnings.map(\.id.rawValue)
        } catch {
            outcome.failed = ["no photo: \(error)"]
        }
        return outcome
    }

    /// Every case of `set`, shared out among `workers` (each with its own detector and
    /// network: they serialise their calls), in the set's order; `progress` hears each as it
    /// finishes.
    public static func run(_ set: EvaluationSet, workers: [GuidanceAgreement],
                           progress: @escaping @Sendable (Outcome) -> Void = { _ in }) throws -> [Outcome] {
        try set.map(workers: workers, progress: progress) { worker, item in try worker.outcome(item, in: set) }
    }
}

/// The counts over a group of outcomes.
public struct AgreementSummary: Sendable, Codable {
    public var frames: Int
    public var guidanceCaptures: Int
    public var photosPass: Int
    /// Guidance captures while the photo fails.
    public var capturesFailure: Int
    /// Guidance blocks while the photo passes.
    public var falseStops: Int

    public init(_ outcomes: [GuidanceAgreement.Outcome]) {
        frames = outcomes.count
        guidanceCaptures = outcomes.filter(\.guidanceCaptures).count
        photosPass = outcomes.filter(\.photoPasses).count
        capturesFailure = outcomes.filter(\.capturesFailure).count
        falseStops = outcomes.filter(\.falseStop).count
    }

    public static let header = """
        | set | split | frames | guidance captures | photo passes | captures a failing photo | false stops |
        |---|---|---|---|---|---|---|
        """

    public func row(set: String, split: String) -> String {
        "| \(set) | \(split) | \(frames) | \(guidanceCaptures) | \(photosPass) | \(capturesFailure) | \(falseStops) |"
    }
}

/// The most each count may reach on a set's split: `kiosk-eval agreement --limits FILE` fails
/// when one is broken. A missing limit is not checked.
public struct AgreementLimits: Sendable, Codable {
    public var capturesFailure: Int?
    public var falseStops: Int?

    /// What `summary` breaks, in words; empty when it holds every limit.
    public func violations(of summary: AgreementSummary) -> [String] {
        var broken: [String] = []
        if let limit = capturesFailure, summary.capturesFailure > limit {
            broken.append("guidance captures a failing photo on \(summary.capturesFailure) frames > \(limit)")
        }
        if let limit = falseStops, summary.falseStops > limit {
            broken.append("false stops on \(summary.falseStops) frames > \(limit)")
        }
        return broken
    }

    /// Limits per set folder name, then per split.
    public typealias File = [String: [String: AgreementLimits]]
}
