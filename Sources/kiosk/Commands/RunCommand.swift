import ArgumentParser
import Capture
import EnrollmentFace
import FaceKit
import Foundation
import Guidance
import LiveStation
import ServiceNotify
import Speech
import StationStore
import TerminalUI

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the station: identify the student, live picture with instructions, photo, review, fee, receipt.",
        discussion: """
            The operator signs in first (name or staff number, Enter; kept with each payment they confirm; \
            Ctrl-O on the start screen signs out for the next shift). \
            Start screen: Enter starts a student, P looks up a student's progress, q quits. The student types \
            the student number and the last four ID characters (Enter after each) and shows the image-collection \
            code to the camera, or scans it with a USB scanner, or the operator types it; then confirms the \
            record (Enter, N if it is not them). The live picture guides to the photo; on the review Enter or a \
            accepts a passing photo, y one whose checks only warn, r retakes, Esc gives up; for the operator, o \
            shows the measured figures, c takes the photo at once, p takes a clean plate of the empty backdrop. \
            Fee: the operator presses Enter for cash, or types the payment reference and Enter. The session is \
            saved in the station store (settings file section store, or --store) and the receipt code shown; a \
            save that fails (a full disk) keeps the photo on screen and Enter tries again. Every screen times out \
            back to the start (section session); Esc goes back at once.
            The preview is shown like a mirror (turn off with --no-mirror); the saved photo never is.
            An unplugged camera is shown on the screen and waited for.
            Exit status: 0 after q; 1 when the settings file, the camera, the face models, the station store or the \
            terminal cannot be used (the message says what to do). The store is opened after the camera: its \
            start-up repair is printed, and a store that cannot take sessions (disk full, read-only, damaged, in \
            use) stops the station before any student sits down.
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

    @Option(help: "The station store's folder (default: the settings file's store.folder, station-store).")
    var store: String?

    @Option(parsing: .unconditional, help: "Stop after this many seconds (for demonstrations and tests).")
    var duration: Double?

    func validate() throws {
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds") }
    }

    func run() throws {
        let station = try settings()
        let spec = try failing("camera source") { try station.camera.sourceSpec() }
        let frames = try failing("camera") { try spec.open(mode: station.camera.mode, settings: station.camera.settings) }
        defer { frames.stop() }
        let detector = try failing("face models") { try FaceDetector(models: station.faces.models, options: station.faces.detection) }
        let options = try failing("person network") { try station.liveOptions() }
        let store = try openStore(station.store)
        // Without the descriptor models the identity check is recorded as not made (kiosk doctor says why).
        let identityCheck = try? EnrollmentFaceCheck(models: station.faces.models)
        let log = Self.log(besideStore: station.store.folder)
        let sync = try StationSyncService.start(store: store, settings: station.sync, log: log)
        defer { sync?.stop() }
        let terminal = try failing("terminal") { try Terminal() }
        let terminalDisplay = TerminalDisplay(terminal: terminal, reducer: station.screen.reducer())
        var display: any StationDisplay = station.speech.enabled
            ? SpeakingDisplay(terminalDisplay, speaker: Speaker(settings: station.speech), language: options.language) : terminalDisplay
        // Under systemd (Type=notify): ready once the screen is up, watchdog pings while screens are shown.
        let systemd = ServiceNotifier()
        if let interval = systemd.pingInterval {
            display = HeartbeatDisplay(display, interval: interval) { try? systemd.watchdogPing() }
        }
        try? systemd.ready(status: sync == nil ? "serving students (offline: no sync.server)" : "serving students, syncing to \(station.sync.server)")
        let live = LiveSession(display: display, frames: frames, detector: detector, options: options)
        var loop = StationLoop(display: display, frames: frames, live: live, options: options,
                               parts: StationLoop.Parts(store: store, fees: station.fees, session: station.session,
                                                        identityCheck: identityCheck, operatorName: nil))
        let result = Result { try loop.run(duration: duration) }
        try? systemd.stopping()
        terminal.close()
        if case let .failure(error) = result { throw CommandFailure(status: 1, "\(error)") }
        print(loop.summary)
    }

    /// Where the station's background services (the sync) write their lines: standard error
    /// when it is not the station's screen (the journal under systemd), else `sync.log` in
    /// the store's folder, so the screen is never written over.
    private static func log(besideStore folder: String) -> @Sendable (String) -> Void {
        if isatty(STDERR_FILENO) == 0 {
            return { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
        }
        let path = (folder as NSString).appendingPathComponent("sync.log")
        return { line in
            guard let file = FileHandle(forWritingAtPath: path) ?? (FileManager.default.createFile(atPath: path, contents: nil)
                ? FileHandle(forWritingAtPath: path) : nil) else { return }
            defer { try? file.close() }
            _ = try? file.seekToEnd()
            try? file.write(contentsOf: Data("\(ISO8601DateFormatter().string(from: Date())) \(line)\n".utf8))
        }
    }

    /// Opens the store (its start-up repair printed when it did something) and checks that it
    /// can take a session now.
    private func openStore(_ settings: StoreSettings) throws -> StationStore {
        do {
            let store = try StationStore(settings: settings)
            if !store.repairReport.isClean { print(store.repairReport) }
            try store.readiness()
            return store
        } catch {
            throw CommandFailure(status: 1, "\(error)")
        }
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
        if let store { station.store.folder = store }
        return station
    }

    /// A part of the station that cannot start: status 1, naming the part.
    private func failing<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            throw CommandFailure(status: 1, "\(what): \(error)")
        }
    }
}

