import FaceKit
import Foundation
import ImageKit
import PhotoStandard

/// Runs the standardiser over an evaluation set, with and without the clean plate, and
/// scores every photo against the frame's true alpha.
public struct MatteEvaluation: Sendable {
    /// The two ways the station makes a photo.
    public enum Path: String, Sendable, Codable, CaseIterable {
        case plate
        case noPlate = "no plate"
    }

    /// One frame through one path.
    public struct Outcome: Sendable, Codable {
        public var name: String
        public var set: String
        public var path: Path
        /// Nil when no photo was made: `refusal` says why.
        public var score: MatteScore?
        public var refusal: String?
        /// Whether a refusal counts against the standardiser (the frame was clean).
        public var mustGivePhoto: Bool
        /// Whether the frame is scored in the summary (not when a second person is in view).
        public var scored: Bool
    }

    public var standardizer: Standardizer
    public var detector: FaceDetector

    public init(standardizer: Standardizer, detector: FaceDetector) {
        self.standardizer = standardizer
        self.detector = detector
    }

    /// One case of `set` through every path in `paths`. `photos`, when given, receives each
    /// photo as `<case>.<path>.jpg` for looking at.
    public func outcomes(of item: EvaluationSet.Case, in set: EvaluationSet, paths: [Path] = Path.allCases,
                         photos: URL? = nil) throws -> [Outcome] {
        let frame = try ImageFile.read(set.url(item.frame))
        let alpha = try ImageFile.read(set.url(item.alpha)).grayscale()
        let plate = try item.plate.map { try ImageFile.read(set.url($0)) }
        let person = Standardizer.mainFace(try detector.detect(in: frame))
        // The network's map of the frame is made once for both paths, as the station makes it
        // once, during the countdown, for the capture (`PersonSegmenter.earlierMap`).
        var standardizer = standardizer
        if case let .success(face) = person {
            standardizer.segmenter.earlierMap = try? standardizer.segmenter.personMap(frame, face: FaceGeometry(face.landmarks))
        }
        var outcomes: [Outcome] = []
        for path in paths {
            if path == .plate && (plate == nil || item.plateUsable == false) { continue }
            var outcome = Outcome(name: item.name, set: item.set ?? "", path: path, score: nil, refusal: nil,
                                  mustGivePhoto: item.mustGivePhoto, scored: !item.hasSecondPerson)
            do {
                let face = try person.get()
                let photo = try standardizer.standardize(frame, landmarks: face.landmarks,
                                                         plate: path == .plate ? plate : nil)
                outcome.score = MatteScore(photo: photo, frame: frame, trueAlpha: alpha,
                                           background: standardizer.spec.background)
                if let photos {
                    let file = photos.appendingPathComponent("\(item.name).\(path == .plate ? "plate" : "noplate").jpg")
                    try Data(photo.jpeg).write(to: file)
                }
            } catch {
                outcome.refusal = "\(error)"
            }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// Every case of `set` through every path in `paths`, shared out among `workers` (each
    /// with its own detector and network: they serialise their calls), in the set's order;
    /// `progress` hears each outcome as it is made.
    public static func run(_ set: EvaluationSet, workers: [MatteEvaluation], paths: [Path] = Path.allCases,
                           photos: URL? = nil, progress: @escaping @Sendable (Outcome) -> Void = { _ in }) throws -> [Outcome] {
        try set.map(workers: workers, progress: { $0.forEach(progress) }) { worker, item in
            try worker.outcomes(of: item, in: set, paths: paths, photos: photos)
        }.flatMap { $0 }
    }
}

/// The figures of one path over a group of outcomes.
public struct MatteSummary: Sendable, Codable {
    public var path: MatteEvaluation.Path
    public var frames: Int
    /// Clean frames that gave no photo.
    public var refused: Int
    /// Photos that lost more than 1 % of the person.
    public var overOnePercentLost: Int
    public var personLost: Figures
    public var backdropKept: Figures
    public var matteError: Figures
    public var hairBandError: Figures

    /// Median, mean and worst of a measure.
    public struct Figures: Sendable, Codable {
        public var median: Double
        public var mean: Double
        public var worst: Double

        init(_ values: [Double]) {
            let sorted = values.sorted()
            median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
            mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
            worst = sorted.last ?? 0
        }
    }

    public init(_ outcomes: [MatteEvaluation.Outcome], path: MatteEvaluation.Path) {
        let mine = outcomes.filter { $0.path == path && $0.scored }
        let scores = mine.compactMap(\.score)
        self.path = path
        frames = mine.count
        refused = mine.filter { $0.score == nil && $0.mustGivePhoto }.count
        overOnePercentLost = scores.filter { $0.personLost > 0.01 }.count
        personLost = Figures(scores.map(\.personLost))
        backdropKept = Figures(scores.map(\.backdropKept))
        matteError = Figures(scores.map(\.matteError))
        hairBandError = Figures(scores.map(\.hairBandError))
    }

    /// One line of the table: `path | frames | refused | lost med/mean/worst | kept … | MAE | band`.
    public var row: String {
        func pct(_ f: Figures) -> String { String(format: "%.2f / %.2f / %.1f %%", 100 * f.median, 100 * f.mean, 100 * f.worst) }
        return "| \(path.rawValue) | \(frames) | \(refused) | \(pct(personLost)) | \(overOnePercentLost) | \(pct(backdropKept)) | "
            + String(format: "%.3f / %.3f | %.3f / %.3f |", matteError.median, matteError.worst,
                     hairBandError.median, hairBandError.worst)
    }

    public static let header = """
        | path | frames | clean refused | person lost (median / mean / worst) | photos losing > 1 % | backdrop kept (median / mean / worst) | matte error (median / worst) | hair band error (median / worst) |
        |---|---|---|---|---|---|---|---|
        """
}

/// The figures a path must hold on a set: `kiosk-eval matte --limits FILE` fails when one is
/// broken. Shares are 0…1; a missing limit is not checked.
public struct MatteLimits: Sendable, Codable {
    public var refused: Int?
    public var personLostMedian: Double?
    public var personLostMean: Double?
    public var personLostWorst: Double?
    public var overOnePercentLost: Int?
    public var backdropKeptMean: Double?
    public var backdropKeptWorst: Double?
    public var matteErrorMedian: Double?
    public var hairBandErrorMedian: Double?

    /// What `summary` breaks, in words; empty when it holds every limit.
    public func violations(of summary: MatteSummary) -> [String] {
        var broken: [String] = []
        func check(_ name: String, _ value: Double, _ limit: Double?) {
            if let limit, value > limit { broken.append("\(name) \(value) > \(limit)") }
        }
        check("clean frames refused", Double(summary.refused), refused.map(Double.init))
        check("person lost, median", summary.personLost.median, personLostMedian)
        check("person lost, mean", summary.personLost.mean, personLostMean)
        check("person lost, worst", summary.personLost.worst, personLostWorst)
        check("photos losing > 1 %", Double(summary.overOnePercentLost), overOnePercentLost.map(Double.init))
        check("backdrop kept, mean", summary.backdropKept.mean, backdropKeptMean)
        check("backdrop kept, worst", summary.backdropKept.worst, backdropKeptWorst)
        check("matte error, median", summary.matteError.median, matteErrorMedian)
        check("hair band error, median", summary.hairBandError.median, hairBandErrorMedian)
        return broken
    }

    /// Limits per set folder name, then per path (`plate`, `no plate`), for every split.
    public typealias File = [String: [String: MatteLimits]]
}
