import Compliance
import DataCache
import FaceKit
import Foundation
import ImageKit
import PhotoStandard

/// The compliance checks: the per-frame subset on a reduced camera frame with known
/// landmarks (what the guidance calls on every frame), the whole report on a finished photo
/// with and without its source frame, and one run of the labelled-set evaluation, whose
/// rates are added as figures (the table itself: `kiosk check --evaluate`).
public struct ComplianceBenchmarks: BenchmarkSuite {
    public var name: String { "checks" }
    public var summary: String { "per-frame checks, the full report on a finished photo, the labelled-set evaluation" }

    public init() {}

    public func run(_ context: BenchmarkContext) throws -> [BenchmarkResult] {
        let cache = DataCache(root: context.dataCache)
        let original = try ImageFile.read(cache.face("obama.jpg"))
        let detector = try FaceDetector()
        let checker = ComplianceChecker()
        var results: [BenchmarkResult] = []
        func record(_ name: String, in context: BenchmarkContext = context, figures: [String: Double] = [:],
                    _ body: () throws -> Void) rethrows {
            results.append(BenchmarkResult(suite: self.name, name: name, timings: try context.measure(body), figures: figures))
        }

        // The analysis copy the guidance works on: 480 pixels wide.
        let frame = original.resized(to: PixelSize(width: 480, height: 600), filter: .area)
        guard let face = try detector.detect(in: frame).first else {
            throw FaceError.invalidInput("no face in the benchmark frame")
        }
        let boxes = [FaceBox(rect: face.box, score: face.score)]
        record("per-frame checks, 480×600 frame, landmarks known",
                   figures: ["face px": FaceGeometry(face.landmarks).faceWidth]) {
            blackHole(checker.frameChecks(frame, landmarks: face.landmarks, faces: boxes))
        }
        record("face checks only (pose, eyes, mouth, light, focus)") {
            blackHole(FaceChecks().check(frame, landmarks: face.landmarks))
        }

        let main = try detector.detect(in: original).first!
        let photo = try Standardizer().standardize(original, landmarks: main.landmarks)
        try record("finished photo: detect + every check") {
            blackHole(try checker.check(photo: photo.jpeg, detector: detector))
        }
        var slow = context
        slow.iterations = max(3, context.iterations / 5)
        slow.warmup = 1
        try record("finished photo + source frame (grabCut backdrop)", in: slow) {
            blackHole(try checker.check(photo: photo.jpeg, detector: detector, source: original))
        }
        record("report for a just-standardised photo (no detection)") {
            blackHole(checker.check(photo, source: original, landmarks: main.landmarks, faces: [FaceBox(rect: main.box, score: main.score)]))
        }

        var once = context
        once.iterations = 1
        once.warmup = 0
        var evaluation: ComplianceEvaluation?
        let timings = try once.measure { evaluation = try ComplianceEvaluation.run(cache: cache, detector: detector) }
        if let evaluation {
            var figures: [String: Double] = ["samples": Double(evaluation.outcomes.count)]
            let detection = evaluation.detection()
            figures["lowest detection %"] = 100 * (detection.map(\.rate).min() ?? 0)
            figures["highest false alarm %"] = 100 * (evaluation.falseAlarms().map(\.rate).max() ?? 0)
            let clean = evaluation.cleanRejections()
            figures["clean rejected %"] = 100 * Double(clean.rejected) / Double(max(1, clean.samples))
            results.append(BenchmarkResult(suite: name, name: "labelled-set evaluation (detect + per-frame checks)",
                                           timings: timings, figures: figures))
        }
        return results
    }
}
