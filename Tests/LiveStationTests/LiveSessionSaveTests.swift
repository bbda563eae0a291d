import Capture
import FaceKit
import FileOutput
import Foundation
import Guidance
import ImageKit
import LiveStation
import ScratchDisk
import TerminalUI
import Testing

/// A display that keeps the screens and types what a script decides from each new one.
private final class ScriptedDisplay: StationDisplay {
    private(set) var screens: [ScreenContent] = []
    private let script: (ScreenContent?) -> [Key]

    init(script: @escaping (ScreenContent?) -> [Key]) { self.script = script }

    func show(_ content: ScreenContent) { screens.append(content) }
    func keys(waitMilliseconds: Int32) -> [Key] { script(screens.last) }
}

private let landmarkModel = FileManager.default.fileExists(atPath: FaceModels.standard.landmarks68.path)

@Suite("Live session saving")
struct LiveSessionSaveTests {
    @Test(.enabled(if: landmarkModel && stationFramesPresent, "the 68-point model or \(stationFramesMissing)"))
    func anAcceptedPhotoThatCannotBeSavedStaysOnTheReviewUntilARetrySavesIt() throws {
        // The photo folder is on an 8 MB disk (room for a photo, its source frame and report)
        // that a filler file has used up.
        let disk = try ScratchDisk(size: "8m")
        defer { disk.unmount() }
        let photos = disk.folder.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        #expect(disk.fill() > 0)
        // A student who meets the standard, replayed over and over.
        let replay = FileManager.default.temporaryDirectory.appendingPathComponent("live-save-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: replay, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: replay) }
        try FileManager.default.createSymbolicLink(at: replay.appendingPathComponent("f0.jpg"),
                                                   withDestinationURL: stationFrames.appendingPathComponent("fr_obama3__clean_a.jpg"))
        let frames = try SourceSpec(parsing: "replay:\(replay.path)@10").open()
        defer { frames.stop() }

        let failed = LiveSession.saveFailed(.diskFull)
        var step = "capture"
        var failureScreen: ScreenContent?
        var reviewScreen: ScreenContent?
        var leftAfterFailure: [String] = []
        let display = ScriptedDisplay { screen in
            guard let screen else { return [] }
            switch step {
            case "capture" where screen.headline.hasPrefix("照片合格") || screen.headline.hasPrefix("照片有"):
                step = "accept on the full disk"
                reviewScreen = screen
                // A photo whose checks warn is accepted with y, one that passes with Enter.
                return screen.headline.hasPrefix("照片有") ? [.character("y")] : [.enter]
            case "capture" where screen.headline.hasPrefix("照片不合格"):
                step = "the photo failed its checks: \(screen.subline)"
                return [.character("q")]
            case "capture":
                return [.character("c")]
            case "accept on the full disk" where screen.headline == failed.chinese:
                // The operator frees space and presses the same key again.
                failureScreen = screen
                leftAfterFailure = (try? FileManager.default.contentsOfDirectory(atPath: photos.path)) ?? ["unreadable"]
                try? disk.freeFiller()
                step = "retry"
                return reviewScreen?.headline.hasPrefix("照片有") == true ? [.character("y")] : [.enter]
            case "retry" where screen.headline == Instruction.accepted.chinese:
                step = "saved"
                return [.character("q")]
            default:
                return []
            }
        }
        var session = LiveSession(display: display, frames: frames, detector: try FaceDetector(),
                                  options: LiveSession.Options(outputFolder: photos))
        try session.run(duration: 120)

        #expect(step == "saved", "the session ended at step \(step); headlines: \(Set(display.screens.map(\.headline)))")
        // The failure is said in both languages on the review, which keeps the photo.
        let failure = try #require(failureScreen)
        #expect(failure.subline == failed.english)
        #expect(failure.subline.hasPrefix("The photo could not be saved: the disk is full"))
        #expect(failure.headline.hasPrefix("照片保存失败：磁盘已满"))
        #expect(failure.tone == .failure && !failure.mirrored)
        #expect(failure.image?.size == PixelSize(width: 480, height: 640))
        #expect(failure.footer.contains("cannot write \(photos.path)/photo-") && failure.footer.contains("the disk is full"),
                "\(failure.footer)")
        // Nothing partial: no 0-byte photo, no temporary file.
        #expect(leftAfterFailure.isEmpty, "\(leftAfterFailure)")
        // The retry saved the photo whole, with its source frame and report, and only them.
        #expect(session.saved.count == 1)
        let saved = try #require(session.saved.first)
        let name = URL(fileURLWithPath: saved).deletingPathExtension().lastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: photos.path).sorted()
            == ["\(name).frame.png", "\(name).jpg", "\(name).report.json"])
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: saved)))
        #expect(try JPEG.decode(bytes).size == PixelSize(width: 480, height: 640))
        #expect((20_480...40_000).contains(bytes.count), "\(bytes.count) bytes")
        let sizeMark = try #require(reviewScreen?.checks.first { $0.label.hasPrefix("480×640 JPEG") })
        #expect(sizeMark.label == "480×640 JPEG \(bytes.count / 1024) KB")
    }

    @Test func thePhotoFolderIsCheckedBeforeTheCameraOpens() throws {
        let disk = try ScratchDisk(size: "64k")
        defer { disk.unmount() }
        // A missing folder is made.
        let photos = disk.folder.appendingPathComponent("station/photos")
        try LiveSession.checkPhotoFolder(photos, minimumFreeBytes: 0)
        #expect(FileManager.default.fileExists(atPath: photos.path))
        // 64 KB free is less than a station needs.
        let tooSmall = try #require(throws: FileOutputError.self) { try LiveSession.checkPhotoFolder(photos) }
        #expect(tooSmall.description.hasPrefix("cannot use the photo folder \(photos.path): only "), "\(tooSmall)")
        #expect(tooSmall.description.contains("at least 200 MB needed; free some space"), "\(tooSmall)")
        // A file where the folder should be.
        let file = disk.folder.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        #expect(throws: FileOutputError(NamedPath(file.path, name: "the photo folder"), .notAFolder(path: file.path))) {
            try LiveSession.checkPhotoFolder(file, minimumFreeBytes: 0)
        }
        // A read-only disk.
        try disk.remount(readOnly: true)
        #expect(throws: FileOutputError(NamedPath(photos.path, name: "the photo folder"), .readOnly)) {
            try LiveSession.checkPhotoFolder(photos, minimumFreeBytes: 0)
        }
    }
}
