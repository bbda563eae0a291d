import Capture
import DataCache
import FaceKit
import Foundation
import Guidance
import ImageKit
import LiveStation
import TerminalUI
import Testing

/// A display without a terminal: keeps every screen shown and answers with keys a test
/// decides from what was shown so far.
private final class RecordingDisplay: StationDisplay {
    private(set) var shown: [ScreenContent] = []
    private let typing: ([ScreenContent]) -> [Key]

    init(typing: @escaping ([ScreenContent]) -> [Key] = { _ in [] }) {
        self.typing = typing
    }

    /// Steps typed in order, each as soon as its condition holds on what has been shown;
    /// `stepsTaken` says how far the script got.
    convenience init(script: [(when: ([ScreenContent]) -> Bool, keys: [Key])]) {
        let progress = ScriptProgress()
        self.init { shown in
            guard progress.next < script.count, script[progress.next].when(shown) else { return [] }
            progress.next += 1
            return script[progress.next - 1].keys
        }
        self.progress = progress
    }

    private var progress: ScriptProgress?
    var stepsTaken: Int { progress?.next ?? 0 }

    func show(_ content: ScreenContent) { shown.append(content) }

    func keys(waitMilliseconds: Int32) -> [Key] { typing(shown) }

    var headlines: [String] { shown.map(\.headline) }
}

private final class ScriptProgress { var next = 0 }

/// A camera that is unplugged for the first `absentCalls` requests and then delivers the
/// frames of `source`, as `V4L2Camera` does while it waits for the device to return.
private final class ReplugCamera: FrameSource, @unchecked Sendable {
    let source: any FrameSource
    private let lock = NSLock()
    private var absentCalls: Int

    init(absentCalls: Int, source: any FrameSource) {
        self.absentCalls = absentCalls
        self.source = source
    }

    var name: String { "replug camera" }
    var statistics: FrameStatistics { source.statistics }
    func stop() { source.stop() }

    func nextFrame(timeout: Duration) throws -> Frame {
        let absent = lock.withLock { () -> Bool in
            defer { absentCalls -= 1 }
            return absentCalls > 0
        }
        guard !absent else {
            Thread.sleep(forTimeInterval: 0.02)
            throw CaptureError.disconnected(path: name, reason: "unplugged")
        }
        return try source.nextFrame(timeout: timeout)
    }
}

private let modelsPresent = FileManager.default.fileExists(atPath: FaceModels.standard.landmarks68.path)

@Suite("Live session", .enabled(if: modelsPresent, "the 68-point model is missing: apt-get install libdlib-data"))
struct LiveSessionTests {
    private func options() -> LiveSession.Options { LiveSession.Options() }

    @Test func anUnpluggedCameraIsShownAndTheLoopResumesWhenItReturns() throws {
        let camera = ReplugCamera(absentCalls: 5, source: try SourceSpec(parsing: "pattern:320x240@30").open())
        defer { camera.stop() }
        let sitDown = Instruction(chinese: "请坐到框内", english: "Please sit inside the frame")
        // q once the first live screen after the camera's return asks the (absent) student to sit down.
        let display = RecordingDisplay { shown in shown.contains { $0.headline == sitDown.chinese } ? [.character("q")] : [] }
        var session = LiveSession(display: display, frames: camera, detector: try FaceDetector(), options: options())
        _ = try session.takePhoto(captureSeconds: 30, reviewSeconds: 30)

        let disconnected = display.shown.filter { $0.headline == LiveSession.cameraDisconnected.chinese }
        #expect(disconnected.count == 5)
        #expect(disconnected.allSatisfy { $0.tone == .failure && $0.image == nil && $0.subline == LiveSession.cameraDisconnected.english })
        #expect(disconnected.first?.footer.contains("unplugged") == true)
        // Then the live screens: the camera's picture, and the notice gone.
        #expect(Array(display.headlines.prefix(5)) == Array(repeating: LiveSession.cameraDisconnected.chinese, count: 5),
                "\(display.headlines)")
        #expect(display.shown.dropFirst(5).allSatisfy { $0.headline != LiveSession.cameraDisconnected.chinese && $0.image != nil })
        #expect(display.headlines.contains(sitDown.chinese))
    }

    @Test(.enabled(if: DataCache.standard.isPopulated, "\(DataCache.standard.missingMessage)"))
    func aFailingPhotoIsReviewedCannotBeAcceptedAndIsRetaken() throws {
        // A replayed portrait of a smiling face: the operator's capture gives a photo that fails
        // the closed-mouth clause.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("live-session-replay-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: DataCache.standard.face("obama.jpg"), to: folder.appendingPathComponent("f0.jpg"))
        let frames = try SourceSpec(parsing: "replay:\(folder.path)@10").open()
        defer { frames.stop() }

        let isReview = { (content: ScreenContent) in content.headline.hasPrefix("照片") && content.headline.contains("R") }
        var step = 0
        var reviewShown = -1
        let display = RecordingDisplay { shown in
            switch step {
            case 0 where shown.contains(where: isReview):
                step = 1
                reviewShown = shown.count
                return [.enter]
            case 0:
                return [.character("c")]
            case 1:
                step = 2
                return [.character("r")]
            case 2 where shown.count > reviewShown + 1 && !isReview(shown.last!):
                step = 3
                return [.character("q")]
            default:
                return []
            }
        }
        var session = LiveSession(display: display, frames: frames, detector: try FaceDetector(), options: options())
        _ = try session.takePhoto(captureSeconds: 120, reviewSeconds: 120)

        #expect(step == 3, "the session ended at step \(step); headlines: \(Set(display.headlines))")
        let review = try #require(display.shown.first(where: isReview))
        #expect(review.headline.hasPrefix("照片不合格"))
        #expect(review.tone == .failure && !review.mirrored)
        #expect(review.image?.size == PixelSize(width: 480, height: 640))
        // Enter on a failing photo accepts nothing; r brings the live picture back.
        #expect(display.shown.last?.image != nil && display.shown.last?.mirrored == true)
    }

    /// A replay folder in which each picture of `source` appears `copies` times in a row
    /// (links, not copies).
    private func replayFolder(_ name: String, _ pictures: [(file: String, copies: Int)], from source: URL = stationFrames) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("live-session-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var index = 0
        for picture in pictures {
            for _ in 0..<picture.copies {
                try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(String(format: "f%04d.jpg", index)),
                                                           withDestinationURL: source.appendingPathComponent(picture.file))
                index += 1
            }
        }
        return folder
    }

    /// `folder` replayed at 10 frames a second through one photo's live loop with nobody at the
    /// keys: 12 s for the capture, 5 s on a review. What was shown, the session, and how it ended.
    private func replayUnattended(_ folder: URL) throws -> (display: RecordingDisplay, session: LiveSession, outcome: LiveSession.Outcome) {
        let frames = try SourceSpec(parsing: "replay:\(folder.path)@10").open()
        defer { frames.stop() }
        let display = RecordingDisplay()
        var session = LiveSession(display: display, frames: frames, detector: try FaceDetector(), options: options())
        let outcome = try session.takePhoto(captureSeconds: 12, reviewSeconds: 5)
        return (display, session, outcome)
    }

    private static func isReview(_ content: ScreenContent) -> Bool { content.headline.hasPrefix("照片") && content.headline.contains("R") }

    @Test(.enabled(if: stationFramesPresent, "\(stationFramesMissing)"))
    func thePlateTakenFromTheEmptyViewMakesThePhoto() throws {
        // Four seconds of the empty backdrop, then the student sits down in front of it.
        let folder = try replayFolder("plate", [("plate_fr_obama3_a.jpg", 40), ("fr_obama3__clean_a.jpg", 300)])
        defer { try? FileManager.default.removeItem(at: folder) }
        let frames = try SourceSpec(parsing: "replay:\(folder.path)@10").open()
        defer { frames.stop() }
        // o for the figures; c once they say the plate fits (the capture waits for a face); q on the review.
        let display = RecordingDisplay(script: [
            ({ _ in true }, [.character("o")]),
            ({ $0.last?.footer.contains("plate: fits") == true }, [.character("c")]),
            ({ $0.contains(where: Self.isReview) }, [.character("q")]),
        ])
        var session = LiveSession(display: display, frames: frames, detector: try FaceDetector(), options: options())
        _ = try session.takePhoto(captureSeconds: 120, reviewSeconds: 120)

        #expect(display.stepsTaken == 3, "the session ended at step \(display.stepsTaken); footers: \(Set(display.shown.map(\.footer)))")
        let capture = try #require(session.lastCapture)
        #expect(capture.usedPlate && capture.plate == .fits)
        let review = try #require(display.shown.first(where: Self.isReview))
        #expect(review.image?.size == PixelSize(width: 480, height: 640))
        #expect(review.footer.contains("photo made with the plate"), "\(review.footer)")
        // Before the plate: the figures of an empty view say so instead of printing a pose.
        let empty = try #require(display.shown.first { $0.footer.contains("plate: none (no empty, still view yet)") })
        #expect(empty.footer.hasPrefix("no face · skipped"), "\(empty.footer)")
        #expect(!display.shown.contains { $0.footer.contains("no face") && $0.footer.contains("yaw") })
        // With the plate, the face's exposure is judged against the backdrop it recorded.
        #expect(display.shown.contains { $0.footer.contains("yaw") && $0.footer.contains("(backdrop ") && $0.footer.contains("plate: fits") },
                "\(Set(display.shown.map(\.footer)))")
    }

    @Test(.enabled(if: stationFramesPresent, "\(stationFramesMissing)"))
    func withoutAnEmptyViewThePhotoIsMadeWithoutAPlate() throws {
        // The student is there from the first frame: there never is a plate, and the
        // operator's p is refused.
        let folder = try replayFolder("no-plate", [("fr_obama3__clean_a.jpg", 1)])
        defer { try? FileManager.default.removeItem(at: folder) }
        let frames = try SourceSpec(parsing: "replay:\(folder.path)@10").open()
        defer { frames.stop() }
        let display = RecordingDisplay(script: [
            ({ _ in true }, [.character("o")]),
            ({ $0.last?.footer.contains("yaw") == true }, [.character("p")]),
            ({ _ in true }, [.character("c")]),
            ({ $0.contains(where: Self.isReview) }, [.character("q")]),
        ])
        var session = LiveSession(display: display, frames: frames, detector: try FaceDetector(), options: options())
        _ = try session.takePhoto(captureSeconds: 120, reviewSeconds: 120)

        #expect(display.stepsTaken == 4, "the session ended at step \(display.stepsTaken); footers: \(Set(display.shown.map(\.footer)))")
        let capture = try #require(session.lastCapture)
        #expect(!capture.usedPlate && capture.plate == PlateVerdict.none)
        #expect(display.shown.contains { $0.footer.hasSuffix("plate refused: someone is in view") })
        #expect(display.shown.contains { $0.footer.contains("plate: none (no empty, still view yet)") })
        let review = try #require(display.shown.first(where: Self.isReview))
        #expect(review.footer.contains("photo made without a plate (no plate)"), "\(review.footer)")
        #expect(display.shown.contains { $0.footer.contains("yaw") && $0.footer.contains("(no backdrop: panel defaults)") })
    }

    @Test(.enabled(if: stationFramesPresent, "\(stationFramesMissing)"))
    func aSecondPersonTooSmallForTheCopyStopsEveryCountdownAndNoPhotoIsTaken() throws {
        // Obama with a half-hidden face behind his shoulder: the analysis copy does not show it,
        // the search of the full frame begun with each countdown (on another thread) does. The
        // empty backdrop first, for the plate that judges the exposure as at a station.
        let folder = try replayFolder("second-behind", [("plate_fr_obama3_a.jpg", 40), ("fr_obama3__secondbehind1.jpg", 300)])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (display, session, outcome) = try replayUnattended(folder)

        // Plain Booleans: the screens are too many to print when an expectation fails.
        let counted = display.shown.contains { $0.countdown != nil }
        let askedToLeave = display.shown.contains { $0.headline.contains("多人") }
        let reviewed = display.shown.contains(where: Self.isReview)
        guard case .timedOut = outcome else { Issue.record("\(outcome)"); return }
        #expect(counted, "the guidance began a countdown: \(Set(display.headlines))")
        #expect(askedToLeave, "\(Set(display.headlines))")
        #expect(!reviewed && session.lastCapture == nil, "no photo is taken")
    }

    @Test(.enabled(if: DataCache.standard.isPopulated, "\(DataCache.standard.missingMessage)"))
    func aShadowOnTheBackdropStopsEveryCountdownAndIsNamed() throws {
        // A woman whose shadow falls on the wall beside her (the matte set's maker casts it):
        // the analysis copy does not judge the backdrop, the look at the full frame begun with
        // each countdown (on another thread) does, with the capture's own check.
        let folder = try replayFolder("backdrop-shadow", [("feat_anc__s1b_shadow_off_centre.jpg", 1)],
                                      from: DataCache.standard.matteEvaluation)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (display, session, outcome) = try replayUnattended(folder)

        let counted = display.shown.contains { $0.countdown != nil }
        let firstAsked = display.shown.firstIndex { $0.headline.hasPrefix("身后背景有阴影") }
        let reviewed = display.shown.contains(where: Self.isReview)
        guard case .timedOut = outcome else { Issue.record("\(outcome)"); return }
        #expect(counted, "the guidance began a countdown: \(Set(display.headlines))")
        let asked = try #require(firstAsked, "\(Set(display.headlines))")
        // Looked at again while it is asked for: once named, the shadow stays named; the
        // student is not told all is well between two looks.
        let after = display.shown[asked...]
        #expect(!after.contains { $0.countdown != nil || $0.headline == Instruction.holdStill.chinese },
                "\(Set(after.map(\.headline)))")
        #expect(!reviewed && session.lastCapture == nil, "no photo is taken")
        // Nor does the screen say one is: a look that answers only on the capture's frame (a
        // busy machine) calls the capture off before that frame is drawn.
        #expect(!display.headlines.contains(Instruction.capturing.chinese))
    }

    @Test func qQuitsBeforeAnyFrame() throws {
        let camera = try SourceSpec(parsing: "pattern:320x240@30").open()
        defer { camera.stop() }
        let display = RecordingDisplay { _ in [.character("q")] }
        var session = LiveSession(display: display, frames: camera, detector: try FaceDetector(), options: options())
        _ = try session.takePhoto(captureSeconds: 30, reviewSeconds: 30)
        #expect(display.shown.isEmpty)
        #expect(camera.statistics.delivered == 0)
    }
}
