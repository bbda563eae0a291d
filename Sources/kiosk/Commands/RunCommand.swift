import ArgumentParser
import Capture
import FaceKit
import Foundation
import Guidance
import LiveStation
import TerminalUI

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the station: live picture with instructions on this terminal, automatic photo, accept or retake.",
        discussion: """
            Keys: Enter or a accepts the photo, r retakes, q or Esc quits; for the operator, o shows the \
            measured figures and c takes the photo at once.
            The preview is shown like a mirror (turn off with --no-mirror); the saved photo never is.
            Exit status: 0 after q; 1 when the camera, the face models or the terminal cannot be used \
            (the message says what to do).
            """
    )

    @Option(help: "Camera: /dev/videoN, usb:VVVV:PPPP, replay:DIR[@FPS] or pattern:[WxH][@FPS] (default: /dev/kiosk-camera, else /dev/video0).")
    var source: String?

    @Option(help: "Colours: auto (from COLORTERM/TERM), truecolor, 256 or 16.")
    var colors = "auto"

    @Option(help: "Dithering for 256 and 16 colours: none, ordered or diffusion.")
    var dither = DitherMethod.ordered.rawValue

    @Flag(help: "Show the preview as the camera sees it instead of as a mirror.")
    var noMirror = false

    @Option(help: "Guide drawn where the head belongs: oval or head-and-shoulders.")
    var guide = GuideShape.headAndShoulders.rawValue

    @Option(help: "Language shown large: zh or en.")
    var language = "zh"

    @Flag(help: "Show only the first language.")
    var noSecondLanguage = false

    @Option(help: "Folder for accepted photos.")
    var output = "photos"

    @Option(help: "Stop after this many seconds (for demonstrations and tests).")
    var duration: Double?

    func run() throws {
        let (options, reducer) = try parseOptions()
        let spec = try failing("camera source") { try source.map(SourceSpec.init(parsing:)) ?? SourceSpec.defaultCamera() }
        let frames = try failing("camera") { try spec.open() }
        defer { frames.stop() }
        let detector = try failing("face models") { try FaceDetector() }
        let terminal = try failing("terminal") { try Terminal() }
        var session = LiveSession(display: TerminalDisplay(terminal: terminal, reducer: reducer), frames: frames,
                                  detector: detector, options: options)
        let result = Result { try session.run(duration: duration) }
        terminal.close()
        if case let .failure(error) = result {
            FileHandle.standardError.write(Data("kiosk run: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(session.summary)
    }

    private func parseOptions() throws -> (LiveSession.Options, ColorReducer) {
        let mode: ColorMode
        if colors == "auto" {
            mode = ColorMode.detect(environment: ProcessInfo.processInfo.environment)
        } else if let chosen = ColorMode(rawValue: colors) {
            mode = chosen
        } else {
            throw ValidationError("--colors must be auto, truecolor, 256 or 16, not \"\(colors)\"")
        }
        guard let ditherMethod = DitherMethod(rawValue: dither) else {
            throw ValidationError("--dither must be none, ordered or diffusion, not \"\(dither)\"")
        }
        guard let shape = GuideShape(rawValue: guide) else {
            throw ValidationError("--guide must be oval or head-and-shoulders, not \"\(guide)\"")
        }
        guard let primary = LanguageChoice.Language(rawValue: language) else {
            throw ValidationError("--language must be zh or en, not \"\(language)\"")
        }
        if let duration, duration <= 0 { throw ValidationError("--duration must be a positive number of seconds") }
        let options = LiveSession.Options(mirrored: !noMirror, guideShape: shape,
                                          language: LanguageChoice(primary: primary, showSecondary: !noSecondLanguage),
                                          outputFolder: URL(fileURLWithPath: output))
        return (options, ColorReducer(mode: mode, dither: ditherMethod))
    }

    private func failing<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            FileHandle.standardError.write(Data("kiosk run: \(what): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

