import ArgumentParser
import Capture
import FileOutput
import Foundation

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Take one full-resolution picture with the camera and save it as a JPEG file.",
        discussion: """
            Exit status: 0 the picture was saved; 2 the camera or source cannot be used, or the \
            picture cannot be saved. The output is checked before the camera is opened (not a \
            folder, not a device, in a folder that exists and is writable); it is written whole or \
            not at all, so on a full or read-only disk the previous file stays as it was.
            """
    )

    @Option(name: .shortAndLong, help: "Camera or source: /dev/video0, /dev/kiosk-camera, usb:046d:0825, replay:DIR, pattern: (default: the station camera).")
    var device: String?

    @Option(name: .shortAndLong, help: "Where to save the picture (.jpg).")
    var output: String

    @Option(parsing: .unconditional, help: "Frames to let pass first, so that automatic exposure settles.")
    var warmup = 10

    @Option(help: "Pixel format to ask the camera for (default: MJPG if offered).")
    var format: FourCC?

    func validate() throws {
        guard ["jpg", "jpeg"].contains(URL(fileURLWithPath: output).pathExtension.lowercased()) else {
            throw ValidationError("the output must be a .jpg file, got \(output)")
        }
        guard (0...300).contains(warmup) else { throw ValidationError("--warmup must be 0…300 frames") }
    }

    func run() throws {
        let target = NamedPath(output, name: "-o")
        try OutputFiles.check(outputs: [target], inputs: replayInput(device))
        let request = ModeRequest(pixelFormat: format, minimumFPS: 0)
        let source = try CaptureCommandSupport.open(device, mode: request)
        defer { source.stop() }
        var frame = try CaptureCommandSupport.next(from: source)
        for _ in 0..<warmup { frame = try CaptureCommandSupport.next(from: source) }
        let jpeg: [UInt8]
        do { jpeg = try frame.jpegData() } catch {
            throw CaptureCommandSupport.failure("the frame could not be encoded as JPEG: \(error)")
        }
        try OutputFiles.write(jpeg, to: target)
        print("saved \(output): \(frame.pixelFormat) \(frame.width)×\(frame.height) from \(source.name)")
    }
}

/// A replayed recording named by `--device replay:PATH` is an input the outputs must not
/// overwrite or record into.
func replayInput(_ device: String?) -> [NamedPath] {
    guard let device, case let .replay(path, _, _, _)? = try? SourceSpec(parsing: device) else { return [] }
    return [NamedPath(path, name: "the replayed folder")]
}

/// Opening sources and waiting for frames the way the camera commands need it.
enum CaptureCommandSupport {
    static func open(_ device: String?, mode: ModeRequest) throws -> any FrameSource {
        do {
            let spec = try device.map { try SourceSpec(parsing: $0) } ?? SourceSpec.defaultCamera()
            return try spec.open(mode: mode)
        } catch let error as CaptureError {
            throw failure("\(error)")
        }
    }

    /// The next frame, waiting through a short disconnection; a camera that stays away ends
    /// the command with its message.
    static func next(from source: any FrameSource, patience: Duration = .seconds(10)) throws -> Frame {
        do {
            return try source.nextFrame(timeout: patience)
        } catch let error as CaptureError {
            if case .disconnected = error, let frame = try? source.nextFrame(timeout: patience) { return frame }
            throw failure("\(error)")
        }
    }

    /// A camera or source that cannot be used: status 2 with the reason (thrown, so that
    /// the source is stopped on the way out).
    static func failure(_ message: String) -> CommandFailure {
        CommandFailure(status: 2, message)
    }
}
