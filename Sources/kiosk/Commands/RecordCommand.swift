import ArgumentParser
import Capture
import FileOutput
import Foundation

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record the camera's picture for some seconds into a folder, to play it back later without a camera.",
        discussion: """
            Exit status: 0 recorded; 2 the camera or source cannot be used, or the folder cannot \
            take the frames: it is a file, holds an earlier recording, is the folder being replayed, \
            or cannot be made or written (checked before any frame is taken; a new folder is made only \
            once the camera is open, so a missing camera leaves nothing behind). If the disk fills \
            up while recording, the frames saved so far are kept, each one whole, and the message \
            says how many.
            """
    )

    @Option(parsing: .unconditional, help: "How many seconds to record.")
    var seconds: Double

    @Option(name: .shortAndLong, help: "Camera or source: /dev/video0, /dev/kiosk-camera, usb:046d:0825, pattern: (default: the station camera).")
    var device: String?

    @Argument(help: "A new folder for the frames (numbered .jpg files).")
    var folder: String

    func validate() throws {
        guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds must be more than 0 and at most 3600") }
    }

    func run() throws {
        do throws(FileOutputError) {
            try OutputPaths.check(folder: NamedPath(folder, name: "the folder"), inputs: replayInput(device), creating: true)
        } catch {
            throw OutputFiles.failure(error)
        }
        // The camera first: a camera that is not there leaves no empty folder behind.
        let source = try CaptureCommandSupport.open(device, mode: ModeRequest())
        defer { source.stop() }
        var recorder: FrameRecorder
        do {
            recorder = try FrameRecorder(folder: URL(fileURLWithPath: folder))
        } catch let error as FileOutputError {
            throw OutputFiles.failure(error)
        } catch {
            throw CaptureCommandSupport.failure("\(error)")
        }
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end {
            let frame = try CaptureCommandSupport.next(from: source)
            do {
                try recorder.write(frame)
            } catch let error as FileOutputError {
                throw CommandFailure(status: 2, "\(recorder.written) frames were saved in \(folder) before this: \(error)")
            } catch {
                throw CaptureCommandSupport.failure("the frame could not be encoded as JPEG: \(error)")
            }
        }
        let stats = source.statistics
        let rate = Double(recorder.written) / seconds
        print("recorded \(recorder.written) frames into \(folder) (\(stats.dropped) skipped while writing, \(stats.lost) lost by the camera)")
        print("play them back with: --device replay:\(folder)@\(String(format: "%.0f", max(1, rate.rounded())))")
    }
}
