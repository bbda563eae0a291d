import ArgumentParser
import Capture
import EnrollmentFace
import FaceKit
import Foundation
import Guidance
import LiveStation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import ServiceNotify
import Speech
import StationMetrics
import StationStore
import StationSync
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
            The bottom row is the station's status: camera ok or LOST, store ok or REFUSING, the outbox \
            (entries not yet sent, held ones counted apart), the time of the last exchange with the server \
            or offline; what needs the operator is red.
            The station, the sync and the metrics endpoint run as one service group: SIGTERM (systemctl stop) \
            or SIGINT (Ctrl-C) stops them gracefully, the station first: a save under way finishes, a photo \
            not yet accepted is discarded, the terminal is given back, systemd hears STOPPING, the sync \
            closes its connections, the store is closed; the exit status is then 0.
            Metrics (Prometheus text format) at http://127.0.0.1:9464/metrics by default: settings key \
            metrics.listen (HOST:PORT, "" for none); frames, dropped frames, analysis time, captures, \
            acceptances, check failures by clause, outbox entries, last sync. Log lines (settings key \
            logging.level, trace to critical, default info) go to standard error (the journal under \
            systemd), or to kiosk.log in the store's folder when standard error is the screen. \
            See docs/daemon.md.
            Exit status: 0 after q, SIGTERM or SIGINT; 1 when the settings file, the camera, the face models, the station store or the \
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
        weak var store: StationStore?
        defer {
            // The station's thread and the group's tasks let go of the store a moment after
            // they end; the last to do so closes it (its write-ahead log folded into the
            // database), which must happen before the process exits.
            let deadline = ContinuousClock.now + .seconds(5)
            while store != nil, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        }
        print(try serve { store = $0 })
    }

    /// The station's services from start to shutdown; its summary line. `opened` hears of the
    /// store as soon as it is open.
    private func serve(_ opened: (StationStore) -> Void) throws -> String {
        let station = try settings()
        let parts = try StationParts(station)
        let (camera, detector, options, identityCheck) = (parts.camera, parts.detector, parts.options, parts.identityCheck)
        defer { camera.stop() }
        let store = try openStore(station.store)
        opened(store)

        // Logs and metrics once for the whole process, before anything makes a logger or a meter.
        let log = try CommandFailure.naming("log") { try StationLog(besideStore: station.store.folder) }
        let level = station.logging.logLevel
        LoggingSystem.bootstrap { log.handler(label: $0, level: level) }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(StationMetricsFactory(registry: registry))
        let logger = Logger(label: "kiosk.run")
        let meters = StationMeters()

        let status = StationStatus(syncing: !station.sync.server.isEmpty, meters: meters)
        status.countOutbox(of: store)
        let syncLogger = Logger(label: "kiosk.sync")
        let sync = try StationSyncService(store: store, settings: station.sync) { event in
            syncLogger.log(level: event.logLevel, "\(event)")
            status.sync(event)
            status.countOutbox(of: store)
        }
        let frames = MeteredFrameSource(camera, meters: meters, status: status)
        let stop = StopRequest()
        let terminal = try CommandFailure.naming("terminal") { try Terminal() }
        let terminalDisplay = TerminalDisplay(terminal: terminal, reducer: station.screen.reducer(), status: status, stop: stop)
        var display: any StationDisplay = station.speech.enabled
            ? SpeakingDisplay(terminalDisplay, speaker: Speaker(settings: station.speech), language: options.language) : terminalDisplay
        // Under systemd (Type=notify): ready once the screen is up, watchdog pings while screens are shown.
        let systemd = ServiceNotifier()
        if let interval = systemd.pingInterval {
            display = HeartbeatDisplay(display, interval: interval) { try? systemd.watchdogPing() }
        }
        var live = LiveSession(display: display, frames: frames, detector: detector, options: options)
        live.meters = meters
        let loop = StationLoopService(
            StationLoop(display: display, frames: frames, live: live, options: options,
                        parts: StationLoop.Parts(store: store, fees: station.fees, session: station.session, identityCheck: identityCheck,
                                                 operatorName: nil, status: status)),
            duration: duration, stop: stop) {
            // systemd hears of the stop and the screen is given back as soon as the loop ends,
            // before the sync and the metrics stop.
            try? systemd.stopping()
            terminal.close()
        }
        logger.info("station started: camera \(frames.name), store \(station.store.folder), \(sync == nil ? "offline (no sync.server)" : "syncing to \(station.sync.server)")")
        try? systemd.ready(status: sync == nil ? "serving students (offline: no sync.server)" : "serving students, syncing to \(station.sync.server)")

        // A group shuts its services down last first: the station (its capture finished or
        // discarded), then the sync, then the metrics.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let address = station.metrics.address {
            let metricsLogger = Logger(label: "kiosk.metrics")
            let endpoint = MetricsEndpoint(address: address, registry: registry, logger: metricsLogger) { url in
                metricsLogger.info("metrics at \(url)")
            }
            // Metrics that cannot listen (the port taken) are logged; the station serves students anyway.
            services.append(.init(service: MetricsService(endpoint: endpoint, logger: metricsLogger),
                                  successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore, serviceName: "metrics"))
        }
        if let sync {
            services.append(.init(service: sync, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore, serviceName: "sync"))
        }
        // The station ending (q, --duration, a camera error) ends the others.
        services.append(.init(service: loop, successTerminationBehavior: .gracefullyShutdownGroup,
                              failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "station"))
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "kiosk.services")))
        let groupError = waitFor { () async -> (any Error)? in
            do { try await group.run() } catch { return error }
            return nil
        }
        terminal.close()
        if let error = loop.failure ?? groupError {
            logger.error("the station stopped: \(error)")
            throw CommandFailure(status: 1, "\(error)")
        }
        logger.info("stopped: \(loop.summary)")
        return loop.summary
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

}


/// The station's loop as the group's main service. The loop is synchronous (camera, keys,
/// screen) and runs on its own thread; the group's shutdown asks it to stop, and it ends at its
/// next safe point (a save is never cut short, a photo not yet accepted is discarded).
final class StationLoopService: Service, @unchecked Sendable {
    // Unchecked: the loop is touched only by its thread until `run` has seen it end, and the
    // outcome is written by that thread before the continuation resumes.
    private var loop: StationLoop
    private let duration: Double?
    private let stop: StopRequest
    private let ended: @Sendable () -> Void
    /// What the loop threw, once it has ended.
    private(set) var failure: (any Error)?

    /// `ended` runs on the loop's thread as soon as the loop returns.
    init(_ loop: StationLoop, duration: Double?, stop: StopRequest, ended: @escaping @Sendable () -> Void) {
        self.loop = loop
        self.duration = duration
        self.stop = stop
        self.ended = ended
    }

    var summary: String { loop.summary }

    func run() async throws {
        let stop = stop
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let thread = Thread { [self] in
                    do { try loop.run(duration: duration) } catch { failure = error }
                    ended()
                    continuation.resume()
                }
                // The face models and the standardiser want more stack than a new thread's default.
                thread.stackSize = 16 << 20
                thread.name = "station"
                thread.start()
            }
        } onGracefulShutdown: {
            stop.request()
        }
        if let failure { throw failure }
    }
}

/// The metrics endpoint as a service of the group: one that cannot listen says why in the log
/// and ends, and the station goes on without it.
struct MetricsService: Service {
    let endpoint: MetricsEndpoint
    let logger: Logger

    func run() async {
        do {
            try await endpoint.run()
        } catch {
            logger.error("metrics: cannot serve on \(endpoint.address): \(error) (set metrics.listen to another HOST:PORT, or \"\" for none)")
        }
    }
}

extension SyncEvent {
    /// How loud the event is in the log: a held entry needs an operator, a failure is retried.
    var logLevel: Logger.Level {
        switch self {
        case .held: .error
        case .failed: .warning
        default: .info
        }
    }
}
