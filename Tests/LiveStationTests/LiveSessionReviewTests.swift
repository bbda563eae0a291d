import Capture
import Compliance
import FaceKit
import Foundation
import ImageKit
import LiveStation
import TerminalUI
import Testing

/// A display that keeps the screens and types what a script decides from each new one.
private final class ReviewDisplay: StationDisplay {
    private(set) var screens: [ScreenContent] = []
    private let script: (ScreenContent) -> [Key]

    init(script: @escaping (ScreenContent) -> [Key]) { self.script = script }

    func show(_ content: ScreenContent) { screens.append(content) }
    func keys(waitMilliseconds: Int32) -> [Key] { screens.last.map(script) ?? [] }
}

private let landmarkModel = FileManager.default.fileExists(atPath: FaceModels.standard.landmarks68.path)

@Suite("Live session review")
struct LiveSessionReviewTests {
    /// Replays `frame` of the shared station frames over and over; the operator captures, and
    /// the review is answered by `answer` (nil: quit). Returns how the photo ended and the screens.
    /// With `plate`, the station first sees that empty backdrop for 3 s (it takes its plate after
    /// 1.5 s of an empty, still view), then the person, and the operator captures only then.
    private func session(_ frame: String, plate: String? = nil, answer: @escaping (ScreenContent, Int) -> [Key]?) throws
        -> (outcome: LiveSession.Outcome, screens: [ScreenContent]) {
        let replay = FileManager.default.temporaryDirectory.appendingPathComponent("live-review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: replay, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: replay) }
        let empty = plate == nil ? 0 : 30
        for (index, name) in (Array(repeating: plate ?? "", count: empty) + Array(repeating: frame, count: 100)).enumerated() {
            try FileManager.default.createSymbolicLink(at: replay.appendingPathComponent("f\(index).jpg"),
                                                       withDestinationURL: stationFrames.appendingPathComponent(name))
        }
        let frames = try SourceSpec(parsing: "replay:\(replay.path)@10").open()
        defer { frames.stop() }
        var reviews = 0, shown = 0
        let display = ReviewDisplay { screen in
            shown += 1
            guard screen.headline.hasPrefix("照片") else { return shown > empty + 5 ? [.character("c")] : [] }
            reviews += 1
            return answer(screen, reviews) ?? [.character("q")]
        }
        var session = LiveSession(display: display, frames: frames, detector: try FaceDetector(), options: LiveSession.Options())
        let outcome = try session.takePhoto(captureSeconds: 120, reviewSeconds: 120)
        return (outcome, display.screens)
    }

    /// The photo of a clean `frame`, accepted as an operator would: Enter, and y when its checks
    /// warn (after Enter was refused). Nil, with the issue recorded, when none was accepted.
    private func accepted(_ frame: String, plate: String? = nil) throws -> LiveSession.AcceptedPhoto? {
        let run = try session(frame, plate: plate) { screen, count in
            if screen.headline.hasPrefix("照片不合格") { return nil }
            if screen.headline.hasPrefix("照片有") { return count == 1 ? [.enter] : [.character("y")] }
            return [.enter]
        }
        guard case let .accepted(photo) = run.outcome else {
            Issue.record("nothing accepted: \(run.outcome); headlines: \(Set(run.screens.map(\.headline)))")
            return nil
        }
        return photo
    }

    @Test(.enabled(if: landmarkModel && stationFramesPresent, "the 68-point model or \(stationFramesMissing)"))
    func theAcceptedReportIsTheCheckOfTheAcceptedPhotoAndFrameByteForByte() throws {
        // A clean frame: accept it (y when its checks warn, after Enter was refused).
        guard let photo = try accepted("fr_obama3__clean_a.jpg") else { return }
        // What `kiosk check PHOTO --source FRAME --json` prints (before its newline), on the photo
        // and the frame file as accepted.
        let frame = FileManager.default.temporaryDirectory.appendingPathComponent("live-review-frame-\(UUID().uuidString).png")
        try Data(photo.sourceFrame).write(to: frame)
        defer { try? FileManager.default.removeItem(at: frame) }
        let again = try ComplianceChecker().check(photo: photo.jpeg, detector: FaceDetector(), source: try ImageFile.read(frame))
        #expect(try again.json() == photo.report)
        #expect(String(decoding: photo.report, as: UTF8.self).contains("\"verdict\""))
        // The frame is the camera's, losslessly: the replayed JPEG's pixels.
        #expect(try ImageFile.read(frame) == ImageFile.read(stationFrames.appendingPathComponent("fr_obama3__clean_a.jpg")))
        #expect(photo.frame == (try ImageFile.read(frame)))
    }

    /// A station that has taken its plate judges the exposure against the backdrop it recorded,
    /// and its report says what the backdrop read: `kiosk check --backdrop-reference` with that
    /// value, or `kiosk check --plate` with the plate, repeats it byte for byte. Biden's clean
    /// frame on a light grey wall fails the exposure against the standard light panel (the wall
    /// reads as a dim scene) and passes against its own wall.
    @Test(.enabled(if: landmarkModel && stationFramesPresent, "the 68-point model or \(stationFramesMissing)"))
    func aStationWithItsPlateJudgesTheExposureAgainstItsBackdropAndTheReportSaysSo() throws {
        guard let photo = try accepted("fr_biden__clean_e.jpg", plate: "plate_fr_biden_e.jpg") else { return }
        let report = try JSONDecoder().decode(ComplianceReport.self, from: photo.report)
        let reference = try #require(report.backdropReference, "the station had its plate")
        let frame = try ImageFile.read(stationFrames.appendingPathComponent("fr_biden__clean_e.jpg"))
        let detector = try FaceDetector()
        let again = try ComplianceChecker().atStation(backdropReference: reference).check(photo: photo.jpeg, detector: detector, source: frame)
        #expect(try again.json() == photo.report)
        let person = try #require(ComplianceChecker().mainFace(try detector.detect(in: frame)))
        let plate = try ImageFile.read(stationFrames.appendingPathComponent("plate_fr_biden_e.jpg"))
        let viaPlate = try ComplianceChecker().atStation(plate: plate, frame: frame.size, landmarks: person.landmarks)
            .check(photo: photo.jpeg, detector: detector, source: frame)
        #expect(try viaPlate.json() == photo.report)
        #expect(report[.exposure]?.verdict != .fail)
        let panel = try ComplianceChecker().check(photo: photo.jpeg, detector: detector, source: frame)
        #expect(panel.backdropReference == nil)
        #expect(panel[.exposure]?.verdict == .fail, "against the standard panel the grey wall reads as a dim scene")
    }

    @Test(.enabled(if: landmarkModel && stationFramesPresent, "the 68-point model or \(stationFramesMissing)"))
    func aPhotoWhoseChecksWarnIsNotAcceptedOnEnterAndSaysWhy() throws {
        // This clean frame's photo passes with warnings (the head pitch and the exposure sit
        // between warn and fail): Enter twice, then quit.
        let run = try session("fr_obama3__clean_a.jpg") { screen, count in
            screen.headline.hasPrefix("照片有") && count <= 2 ? [.enter] : nil
        }
        guard case .quit = run.outcome else { Issue.record("\(run.outcome)"); return }
        let review = try #require(run.screens.first { $0.headline.hasPrefix("照片") })
        #expect(review.headline.hasPrefix("照片有"), "choose a frame whose checks only warn: \(review.headline)")
        #expect(review.headline.hasSuffix("按 Y 接受，按 R 重拍"))
        #expect(review.subline.hasSuffix("Y accepts it as it is, R retakes"))
        #expect(review.tone == .adjust)
        #expect(run.screens.contains { $0.headline.contains("回车不能确认") && $0.subline.contains("Enter cannot accept it") })
    }
}
