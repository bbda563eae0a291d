import Compliance
import DataCache
import FaceKit
import Foundation
import ImageKit
import PhotoStandard

/// The compliance checks: the per-frame subset on a reduced camera frame with known
/// landmarks (what the guidance calls on every frame), the whole report on a finished photo
/// with and without its source frame, and detection plus the per-frame checks on a whole
/// camera frame (the detection rates: `kiosk-eval checks`).
public struct ComplianceBenchmarks: BenchmarkSuite {
    public var name: String { "checks" }
    public var summary: String { "per-frame checks, the full report on a finished photo, detection + checks on a camera frame" }

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
        let scan = try detector.scan(original, rule: checker.people)
        try record("finished photo + source frame, the source's faces known (the capture's report)", in: slow) {
            blackHole(try checker.check(photo: photo.jpeg, detector: detector, source: original, sourceScan: scan))
        }

        // A whole camera frame as the station checks it when the student is in place:
        // detection, then the per-frame checks at the frame's resolution.
        let camera = original.resized(to: PixelSize(width: original.width * 720 / original.height, height: 720), filter: .area)
        try record("camera frame \(camera.width)×\(camera.height): detect + per-frame checks") {
            let faces = try detector.detect(in: camera)
            if let main = checker.mainFace(faces) {
                blackHole(checker.frameChecks(camera, landmarks: main.landmarks, faces: faces.map { FaceBox(rect: $0.box, score: $0.score) }))
            }
        }
        return results
    }
}
