import ArgumentParser
import Foundation
import StationStore
import StationSync

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Send the outbox to the centre and fetch roster changes and review decisions.",
        discussion: """
            Sends each saved session's photo, then its record, in the order they were saved, every request signed with \
            the station's credentials; an entry counts as sent only when the server confirms it. While the server cannot \
            be reached it waits (1 s, doubling up to 60 s, with jitter) and asks GET /v1/health every 2 s, resuming \
            as soon as the server answers. What the server refuses for good (another record under the session's id, \
            a photo damaged on this disk) is kept back and listed as HELD or CONFLICT on standard error; nothing is \
            overwritten. The credentials file holds STATION_ID=… and STATION_SECRET=… (from kiosk-server station add) \
            and must be readable by its owner alone (chmod 600). The store is locked while this runs: run it when \
            kiosk run is stopped (kiosk run syncs by itself when the settings file's sync.server is set). Without --once it keeps going until stopped. \
            Exit status: 0 up to date, the outbox empty; 1 up to date except held entries (listed); 2 the store cannot \
            be opened or written; 3 not up to date within --give-up-after; 4 the credentials file cannot be used.
            """
    )

    @Option(help: "The server's address, http://HOST:PORT (default: the settings file's sync.server).")
    var server: String?

    @Option(help: "The station's credentials file (STATION_ID, STATION_SECRET; mode 600; default: the settings file's sync.credentialsFile).")
    var credentials: String?

    @Flag(help: "Stop once the outbox is sent and the downloads are current, instead of running on.")
    var once = false

    @Option(name: .customLong("give-up-after"), help: "With --once: stop after this many seconds if not up to date by then (default: 600).")
    var giveUpAfter: Double?

    @Flag(name: .customLong("retry-held"), help: "Put held entries back in the sync first (after their cause was mended).")
    var retryHeld = false

    @OptionGroup var storeOption: StoreOption

    func validate() throws {
        if let server, ServerAddress(server) == nil {
            throw ValidationError("--server \(server) is not an address; give http://HOST:PORT (or https://)")
        }
        if let giveUpAfter {
            guard once else { throw ValidationError("--give-up-after goes with --once") }
            guard giveUpAfter > 0, giveUpAfter.isFinite else { throw ValidationError("--give-up-after must be a number of seconds above 0") }
        }
    }

    func run() throws {
        // The settings file's sync section (timings too), with the options laid over it.
        var settings = try storeOption.settingsFile.load(failing: 2).sync
        if let server { settings.server = server }
        if let credentials { settings.credentialsFile = credentials }
        guard !settings.server.isEmpty else {
            throw CommandFailure(status: 2, "no server to sync with: give --server http://HOST:PORT or set sync.server in the settings file (--config)")
        }
        let identity: StationCredentials
        do { identity = try StationCredentials.read(fileAt: settings.credentialsFile) } catch { throw CommandFailure(status: 4, "\(error)") }
        let store = try storeOption.openExisting()
        do {
            if retryHeld { say("released \(try store.releaseHeld()) held outbox entries") }
            for held in try store.heldOutbox() {
                complain("HELD since \(RecordText.time(held.heldAt)): session \(held.entry.receiptCode): \(held.reason)")
            }
        } catch {
            throw storeFailure(error)
        }
        guard let client = SyncClient(store: store, settings: settings, credentials: identity, report: { event in
            if event.isAlarm { complain("\(event)") } else { say("\(event)") }
        }) else { throw CommandFailure(status: 2, "sync.server \(settings.server) is not an address") }
        let deadline = once ? Date().addingTimeInterval(giveUpAfter ?? 600) : nil
        let untilUpToDate = once
        let outcome = waitFor {
            let outcome = await client.run(untilUpToDate: untilUpToDate, deadline: deadline)
            await client.shutdown()
            return outcome
        }
        switch outcome {
        case .upToDate(held: 0), .cancelled: return
        case let .upToDate(held):
            throw CommandFailure(status: 1, "\(held) outbox entries are held (listed above); mend them, then kiosk sync --retry-held")
        case let .gaveUp(reason):
            throw CommandFailure(status: 3, "not up to date after \(Int(giveUpAfter ?? 600)) s; the last failure: \(reason)")
        }
    }

    private func say(_ line: String) { FileHandle.standardOutput.write(Data("\(line)\n".utf8)) }
    private func complain(_ line: String) { FileHandle.standardError.write(Data("kiosk sync: \(line)\n".utf8)) }
}
