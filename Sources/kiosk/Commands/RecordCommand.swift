import ArgumentParser
import Capture
import Foundation

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record the camera's picture for some seconds into a folder, to play it back later without a camera."
    )

    @Option(help: "How many seconds to record.")
    var seconds: Double

    @Option(name: .shortAndLong, help: "Camera or source: /dev/video0, /dev/kiosk-camera, usb:046d:0825, pattern: (default: the station camera).")
    var device: String?

    @Argument(help: "A new folder for the frames (numbered .jpg files).")
    var folder: String

    func validate() throws {
        guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds must be more than 0 and at most 3600") }
    }

    func run() throws {
        var recorder: FrameRecorder
        do {
            recorder = try FrameRecorder(folder: URL(fileURLWithPath: folder))
        } catch let error as CaptureError {
            throw CaptureCommandSupport.failure("\(error)")
        }
        let source = try CaptureCommandSupport.open(device, mode: ModeRequest())
        defer { source.stop() }
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end {
            try recorder.write(CaptureCommandSupport.next(from: source))
        }
        let stats = source.statistics
        let rate = Double(recorder.written) / seconds
        print("recorded \(recorder.written) frames into \(folder) (\(stats.dropped) skipped while writing, \(stats.lost) lost by the camera)")
        print("play them back with: --device replay:\(folder)@\(String(format: "%.0f", max(1, rate.rounded())))")
    }
}
