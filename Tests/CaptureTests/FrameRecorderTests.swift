@testable import Capture
import Foundation
import ImageKit
import Testing

@Suite("Recording frames for replay")
struct FrameRecorderTests {
    @Test func recordedFramesReplayInTheOrderTheyWereTaken() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("record-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let camera = try SourceSpec(parsing: "pattern:320x240@200").open()
        var recorder = try FrameRecorder(folder: folder)
        var taken = [Int]()
        for _ in 0..<12 {
            let frame = try camera.nextFrame(timeout: .seconds(1))
            taken.append(Int(frame.sequence))
            try recorder.write(frame)
        }
        #expect(recorder.written == 12)

        let replay = try SourceSpec.replay(path: folder.path, fps: 1000, loops: false).open()
        var replayed = [Int]()
        while let frame = try? replay.nextFrame(timeout: .seconds(1)) {
            let image = try frame.rgbImage()
            // The index blocks survive JPEG compression: they are 8×8 and black or white.
            replayed.append(image.elements.withUnsafeBytes { PatternGenerator.index(in: $0, width: image.width) })
        }
        #expect(!replayed.isEmpty)
        #expect(replayed == replayed.sorted() && Set(replayed).isSubset(of: Set(taken)))
    }

    @Test func aFolderWithARecordingIsNotRecordedIntoAgain() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("record-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var recorder = try FrameRecorder(folder: folder)
        try recorder.write(try SourceSpec(parsing: "pattern:").open().nextFrame(timeout: .seconds(1)))
        #expect(throws: CaptureError.recordingFolderInUse(path: folder.path, frames: 1)) { try FrameRecorder(folder: folder) }
    }
}
