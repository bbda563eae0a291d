import ArgumentParser
import Capture
import FaceKit
import FileOutput
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
            measured figures (with the clean plate's state), c takes the photo at once and p takes a \
            clean plate of the empty backdrop (the station also takes one by itself when nobody has \
            been in view for 1.5 s and the picture is still, and drops it when the light or the \
            camera changes; photos are made with it while it fits).
            The preview is shown like a mirror (turn off with --no-mirror); the saved photo never is.
            An unplugged camera is shown on the screen and waited for.
            Exit status: 0 after q; 1 when the settings file, the photo folder, the camera, the face \
            models or the terminal cannot be used (the message says what to do). The photo folder is \
            checked before the camera opens: it is made if missing, must take a new file and have at \
            least 5 MB free. Photos are written whole or not at all; if one cannot be saved (a full \
            disk), the review stays on screen with the reason and Enter tries again.
            """
    )

    @Option(help: "Station settings file (JSON5, see kiosk-config/); the options below override it.")
    var config: String?

    @Option(help: "Camera: /dev/videoN, usb:VVVV:PPPP, replay:DIR[@FPS] or pattern:[WxH][@FPS] (default: /dev/kiosk-camera, else /dev/video0).")
    var source: String?

    @Option(help: "Colours: auto (from COLORTERM/TERM), truecolor, 256 or 16 (default: auto).")
    var colors: String?

    @Option(help: "Dithering for 256 and 16 colours: none, ordered or diffusion (default: ordered).")
    var dither: String?

    @Flag(help: "Show the preview as the camera sees it instead of as a mirror.")
    var noMirror = false

    @Option(help: "Guide drawn where the head belongs: oval or head-and-shoulders (default: head-and-shoulders).")
    var guide: String?

    @Option(help: "Language shown large: zh or en (default: zh).")
    var language: String?

    @Flag(help: "Show only the first language.")
    var noSecondLanguage = false

    @Option(help: "Folder for accepted photos (default: photos).")
    var output: String?

    @Option(help: "Stop after this many seconds (for demonstrations and tests).")
    var duration: Double?

    func run() throws {
        let station = try settings()
        do throws(FileOutputError) { try LiveSession.checkPhotoFolder(URL(fileURLWithPath: station.storage.output)) } catch {
            FileHandle.standardError.write(Data("kiosk run: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let spec = try failing("camera source") { try station.camera.sourceSpec() }
        let frames = try failing("camera") { try spec.open(mode: station.camera.mode, settings: station.camera.settings) }
        defer { frames.stop() }
        let detector = try failing("face models") { try FaceDetector(models: station.faces.models, options: station.faces.detection) }
        let options = try failing("person network") { try station.liveOptions() }
        let terminal = try failing("terminal") { try Terminal() }
        var session = LiveSession(display: TerminalDisplay(terminal: terminal, reducer: station.screen.reducer()), frames: frames,
                                  detector: detector, options: options)
        let result = Result { try session.run(duration: duration) }
        terminal.close()
        if case let .failure(error) = result {
            FileHandle.standardError.write(Data("kiosk run: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(session.summary)
    }

    /// The settings file's values with the options given here laid over them.
    private func settings() throws -> StationConfiguration {
        var station = try StationConfiguration.loadOrExit(config, command: "run", status: 1)
        if let source { station.camera.source = source }
        if let colors {
            guard colors == "auto" || ColorMode(rawValue: colors) != nil else {
                throw ValidationError("--colors must be auto, truecolor, 256 or 16, not \"\(colors)\"")
            }
            station.screen.colors = colors
        }
        if let dither {
            guard let method = DitherMethod(rawValue: dither) else {
                throw ValidationError("--dither must be none, ordered or diffusion, not \"\(dither)\"")
            }
            station.screen.dither = method
        }
        if noMirror { station.screen.mirror = false }
        if let guide {
            guard let shape = GuideShape(rawValue: guide) else {
                throw ValidationError("--guide must be oval or head-and-shoulders, not \"\(guide)\"")
            }
            station.screen.guide = shape
        }
        if let language {
            guard LanguageChoice.Language(rawValue: language) != nil else {
                throw ValidationError("--language must be zh or en, not \"\(language)\"")
            }
            station.screen.language = language
        }
        if noSecondLanguage { station.screen.secondLanguage = false }
        if let output { station.storage.output = output }
        if let duration, duration <= 0 { throw ValidationError("--duration must be a positive number of seconds") }
        return station
    }

    private func failing<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            FileHandle.standardError.write(Data("kiosk run: \(what): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

