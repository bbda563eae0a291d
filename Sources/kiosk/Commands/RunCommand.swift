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

    @OptionGroup var settingsFile: SettingsOption

    @Option(help: "Camera: /dev/videoN, usb:VVVV:PPPP, replay:DIR[@FPS] or pattern:[WxH][@FPS] (default: /dev/kiosk-camera, else /dev/video0).")
    var source: String?

    @Option(help: "Colours: auto picks from COLORTERM/TERM (default: auto).")
    var colors: ColorSetting?

    @Option(help: "Dithering for 256 and 16 colours (default: ordered).")
    var dither: DitherMethod?

    @Flag(help: "Show the preview as the camera sees it instead of as a mirror.")
    var noMirror = false

    @Option(help: "Guide drawn where the head belongs (default: head-and-shoulders).")
    var guide: GuideShape?

    @Option(help: "Language shown large (default: zh).")
    var language: LanguageChoice.Language?

    @Flag(help: "Show only the first language.")
    var noSecondLanguage = false

    @Option(help: "Folder for accepted photos (default: photos).")
    var output: String?

    @Option(parsing: .unconditional, help: "Stop after this many seconds (for demonstrations and tests).")
    var duration: Double?

    func validate() throws {
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds") }
    }

    func run() throws {
        let station = try settings()
        do throws(FileOutputError) { try LiveSession.checkPhotoFolder(URL(fileURLWithPath: station.storage.output)) } catch {
            throw CommandFailure(status: 1, "\(error)")
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
        if case let .failure(error) = result { throw CommandFailure(status: 1, "\(error)") }
        print(session.summary)
    }

    /// The settings file's values with the options given here laid over them.
    private func settings() throws -> StationConfiguration {
        var station = try settingsFile.load(failing: 1)
        if let source { station.camera.source = source }
        if let colors { station.screen.colors = colors.value }
        if let dither { station.screen.dither = dither }
        if noMirror { station.screen.mirror = false }
        if let guide { station.screen.guide = guide }
        if let language { station.screen.language = language.rawValue }
        if noSecondLanguage { station.screen.secondLanguage = false }
        if let output { station.storage.output = output }
        return station
    }

    /// A part of the station that cannot start: status 1, naming the part.
    private func failing<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            throw CommandFailure(status: 1, "\(what): \(error)")
        }
    }
}

