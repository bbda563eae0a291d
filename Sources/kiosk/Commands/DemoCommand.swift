import ArgumentParser
import Capture
import Compliance
import DataCache
import EnrollmentFace
import FaceKit
import FileOutput
import Foundation
import ImageKit
import LiveStation
import PhotoStandard
import StationDemo
import StationStore
import TerminalUI

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a whole station on built-in defaults, with no camera and no server to install.",
        discussion: """
            Starts the kiosk-server built beside kiosk on a free loopback port with a fresh data folder, issues \
            it a station (credentials file, mode 600) and imports a small roster there and into a fresh station \
            store; then runs the station (kiosk run's loop) on a replayed camera: frames made from a test \
            portrait, the person swaying slightly as someone sitting still does. A scripted operator signs in \
            and a scripted student identifies, confirms the record and sits still until the guidance takes \
            the photo; the photo is accepted, the fee paid in cash, the session saved in the store and synced \
            to the server. It ends by saying where the photo, the station's records and the server's copy \
            are, and stops the server. On a terminal the station's screens are drawn (q ends it early); \
            otherwise each screen and step is printed. Everything goes into a new folder run-DATE-TIME under \
            -o.
            With --portraits (or photos given), instead: for each test portrait (or photo) find the face, cut \
            the person out, place the head by the standard, put the light-blue background behind, encode \
            480×640 at 300 dpi inside 20–40 KB, and check every clause; each photo and its report (JSON) go \
            to the output folder.
            Exit status: 0 the station's photo was saved and reached the server (with --portraits: at least \
            one photo was made); 1 it was not (none made); 2 the test data, the face models or kiosk-server \
            are missing, or the output folder cannot take the photos. The folder is checked before any work \
            (it must be a folder, or be creatable, and writable; with --portraits two portraits must not \
            share a name, and no photo may be written over an input); each file is written whole or not at \
            all, and a disk that fills up stops the demo with the reason.
            """
    )

    @Option(name: .shortAndLong, help: "Folder for what it makes.")
    var output = "out/demo"

    @Flag(help: "Standardise the test portraits into photos instead of running the station.")
    var portraits = false

    @Argument(help: "Photos to standardise instead of the test portraits (implies --portraits).")
    var photos: [String] = []

    func run() throws {
        if portraits || !photos.isEmpty { try standardizePortraits() } else { try runStation() }
    }

    // MARK: The station

    /// The station on defaults, as `kiosk run` assembles it, with the demo's camera, server,
    /// roster and scripted people.
    private func runStation() throws {
        let cache = DataCache.standard
        let still = DemoSite.still(in: cache)
        guard FileManager.default.fileExists(atPath: still.path) else { throw CommandFailure(status: 2, cache.missingMessage) }
        do throws(FileOutputError) {
            try OutputPaths.check(folder: NamedPath(output, name: "-o"), creating: true)
            try OutputPaths.createFolder(NamedPath(output, name: "-o"))
        } catch {
            throw OutputFiles.failure(error)
        }
        let onTerminal = isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        let site = try CommandFailure.naming("setting up", status: 2) { try DemoSite(under: URL(fileURLWithPath: output), still: still) }
        defer { site.server.stop() }
        Self.line("Photo Kiosk demo in \(site.folder.relativePath)")
        Self.line("kiosk-server on \(site.server.address), data in \(site.server.data.relativePath); "
            + "the station's credentials in \(site.credentials.relativePath) (mode 600)")

        var station = StationConfiguration.standard
        station.camera.source = "replay:\(site.camera.path)@15"
        station.store.folder = site.store.path
        station.sync.server = site.server.address
        station.sync.credentialsFile = site.credentials.path
        station.sync.probeSeconds = 0.5
        station.sync.firstRetrySeconds = 0.5
        let parts = try StationParts(station, modelStatus: 2)
        let (frames, detector, options, identityCheck) = (parts.camera, parts.detector, parts.options, parts.identityCheck)
        defer { frames.stop() }
        let store = try CommandFailure.naming("station store") { try StationStore(settings: station.store) }
        try CommandFailure.naming("roster") {
            _ = try store.importRoster(text: DemoRoster.csv)
            if let identityCheck {
                try DemoRoster.enroll(in: store, faces: cache, detector: detector, check: identityCheck,
                                      people: ComplianceChecker(spec: station.photo, limits: station.checks).people)
            }
        }
        // The sync's lines: printed with the steps, or kept in a file while the screen is drawn.
        let syncLog = site.syncLog
        let syncLines: @Sendable (String) -> Void
        if onTerminal { syncLines = { syncLog.append($0) } } else { syncLines = Self.line }
        let sync = try StationSyncService.start(store: store, settings: station.sync, log: syncLines)
        defer { sync?.stop() }

        let terminal = try onTerminal ? CommandFailure.naming("terminal") { try Terminal() } : nil
        let screens: any StationDisplay = if let terminal {
            TerminalDisplay(terminal: terminal, reducer: station.screen.reducer())
        } else {
            PrintedScreens(write: Self.line)
        }
        let student = DemoRoster.seated.student
        let script = DemoScript(display: screens, operatorName: "demo", student: student, pace: onTerminal ? .watched : .unattended,
                                narrate: { if !onTerminal { Self.line("          step:   \($0)") } })
        let live = LiveSession(display: script, frames: frames, detector: detector, options: options)
        var loop = StationLoop(display: script, frames: frames, live: live, options: options,
                               parts: StationLoop.Parts(store: store, fees: station.fees, session: station.session,
                                                        identityCheck: identityCheck, operatorName: nil))
        let result = Result { try loop.run(duration: 600) }
        terminal?.close()
        if case let .failure(error) = result { throw CommandFailure(status: 1, "the station stopped: \(error)") }
        Self.line(loop.summary)
        guard let record = try? store.records().first, let photo = record.photos.first(where: { $0.kind == "spec" }) else {
            throw CommandFailure(status: 1, "no session was saved (the script stopped at: \(script.lastHeadline))")
        }
        try report(record: record, photo: photo.hash, store: store, site: site, script: script)
    }

    /// Waits for the sync to empty the outbox, then says where everything is.
    private func report(record: SessionRecord, photo hash: ContentHash, store: StationStore, site: DemoSite, script: DemoScript) throws {
        let deadline = Date(timeIntervalSinceNow: 60)
        while (try? store.outboxCounts().pending) != 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        let stationPhoto = site.store.appendingPathComponent("\(StationStore.blobFolderName)/\(hash.hex).jpg")
        let serverPhoto = site.server.photoFile(hash: hash.hex)
        let synced = ContentHash.ofFile(atPath: serverPhoto.path)?.hex == hash.hex
        Self.line("")
        Self.line("Taken by the \(script.capture == .operatorKey ? "operator (c)" : "guidance"); review: \(script.review)")
        Self.line("Student \(record.studentNumber) (\(record.maskedName)), receipt \(record.receiptCode), \(record.feeYuan) yuan \(record.paymentMethod)")
        Self.line("The photo (480×640):           \(stationPhoto.relativePath)")
        Self.line("The station's records:         \(site.store.relativePath)  (kiosk records list --store \(site.store.relativePath))")
        Self.line(synced
            ? "The server's copy (same hash): \(serverPhoto.relativePath)"
            : "The server has not received the photo yet: the station's outbox keeps it (see \(site.syncLog.url.relativePath))")
        Self.line("The server's database:         \(site.server.data.appendingPathComponent("central.sqlite").relativePath)")
        Self.line("The camera's frames:           \(site.camera.relativePath)")
        if !synced { throw CommandFailure.verdict(1) }
    }

    /// One line on standard output at once, not when a buffer fills: the station's steps come
    /// out as they happen, in order with the sync's lines from its own thread, even into a pipe.
    @Sendable private static func line(_ text: String) {
        FileHandle.standardOutput.write(Data("\(text)\n".utf8))
    }

    // MARK: The portraits

    /// Each test portrait (or given photo) standardised and checked, into the output folder.
    private func standardizePortraits() throws {
        let cache = DataCache.standard
        let inputs = photos.isEmpty ? cache.facePhotos : photos.map { URL(fileURLWithPath: $0) }
        guard !inputs.isEmpty else { throw CommandFailure(status: 2, cache.missingMessage) }
        let folder = URL(fileURLWithPath: output)
        let targets = inputs.map { input in
            let name = input.deletingPathExtension().lastPathComponent
            // Named by their portrait, so that two portraits of one name are told apart.
            return (photo: NamedPath(folder.appendingPathComponent("\(name)-480x640.jpg").relativePath, name: "the photo of \(input.relativePath),"),
                    report: NamedPath(folder.appendingPathComponent("\(name)-report.json").relativePath, name: "the report of \(input.relativePath),"))
        }
        do throws(FileOutputError) {
            // The folder first, so that a file in its place is reported as -o, not per photo.
            try OutputPaths.check(folder: NamedPath(output, name: "-o"), creating: true)
            try OutputPaths.check(outputs: targets.flatMap { [$0.photo, $0.report] }, inputs: inputs.map { NamedPath($0.relativePath) },
                                  creatingFolders: true)
            try OutputPaths.createFolder(NamedPath(output, name: "-o"))
        } catch {
            throw OutputFiles.failure(error)
        }
        let detector: FaceDetector, standardizer: Standardizer
        do {
            detector = try FaceDetector()
            standardizer = try StationConfiguration.standard.standardizer(spec: .diplomaBlue)
        } catch {
            throw CommandFailure(status: 2, "\(error)")
        }
        let checker = ComplianceChecker(spec: standardizer.spec)
        print("Photo Kiosk demo: \(inputs.count) portrait(s) → \(folder.path)")
        if photos.isEmpty {
            print("The test portraits are official photos, not taken at a station: where a check fails, its hint")
            print("is what the station would ask the student to change before taking the photo.")
        }
        print("")
        var written = 0
        for (input, target) in zip(inputs, targets) {
            let image: RGBImage, photo: StandardPhoto, report: ComplianceReport
            do {
                image = try ImageFile.read(input)
                (photo, report) = try checker.standardizeAndCheck(image, detector: detector, standardizer: standardizer)
            } catch {
                print("\(input.lastPathComponent): no photo — \(error)\n")
                continue
            }
            // A file that cannot be written (a full disk) ends the demo: the next would fail too.
            try OutputFiles.write(photo.jpeg, to: target.photo)
            try OutputFiles.writeJSON(StandardizeOutput(report: photo.report, compliance: report), to: target.report)
            written += 1
            let g = photo.report.geometry
            print("\(input.lastPathComponent) (\(image.size)) → \(URL(fileURLWithPath: target.photo.path).lastPathComponent): "
                + "\(photo.jpeg.count) bytes, quality \(photo.report.encoding.quality), 300 dpi; "
                + String(format: "head top %.0f px, eye line %.0f px, face width %.0f px, centre %+.0f px",
                         g.headTop, g.eyeLine, g.faceWidth, g.centreOffset))
            print(ReportText(report, title: "checks").summary.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            print("")
        }
        print("\(written) of \(inputs.count) portrait(s) gave a photo. Open them in \(folder.path).")
        if written == 0 { throw CommandFailure.verdict(1) }
    }
}
