#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskProgram
import ScratchDisk
import StationStore
import StationSync
import StoreTestSupport
import Testing

/// Issue 15's fault evidence, on loopback against the real `kiosk-server` and a real station
/// store: after each fault every accepted photo is on the server exactly once and the
/// station's outbox is empty (`SyncRig.expectEveryPhotoOnTheServerOnce`).
@Suite(.serialized) struct SyncFaultTests {
    @Test func theServerKilledInTheMiddleOfUploadsAndRestarted() async throws {
        let rig = try SyncRig(sessions: 30)
        try rig.server.start()
        let log = EventLog()
        let client = try rig.client(log: log)
        let run = Task { await client.run(untilUpToDate: true, deadline: Date() + 60) }
        for sent in [4, 14, 24] {
            try await log.wait { $0.photosSent >= sent }
            rig.server.stop(SIGKILL)
            try await Task.sleep(nanoseconds: 300_000_000)
            try rig.server.start()
        }
        #expect(await run.value == .upToDate(held: 0))
        await client.shutdown()
        #expect(!log.failures.isEmpty, "the kills were never noticed")
        try rig.expectEveryPhotoOnTheServerOnce()
    }

    @Test func theStationKilledInTheMiddleOfASyncAndRestarted() async throws {
        let rig = try SyncRig(sessions: 40)
        try rig.server.start()
        rig.closeStore()
        let arguments = ["sync", "--once", "--give-up-after", "60", "--server", "http://127.0.0.1:\(rig.server.port)",
                         "--credentials", rig.credentialsFile.path, "--store", rig.storeFolder.path]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<6 {
            // Killed right after it reported its k-th upload: in the middle of the next one
            // or of marking it sent.
            let child = Process()
            child.executableURL = URL(fileURLWithPath: KioskProgram.path)
            child.arguments = arguments
            let out = Pipe()
            child.standardOutput = out
            try child.run()
            let uploads = Int.random(in: 2...12, using: &generator)
            var lines = 0
            while lines < uploads {
                let data = out.fileHandleForReading.availableData
                if data.isEmpty { break }
                lines += data.filter { $0 == 10 }.count
            }
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
        }
        let database = rig.storeFolder.appendingPathComponent(StationStore.databaseName)
        let left = try sqlite(database, "SELECT count(*) FROM outbox WHERE sentAt IS NULL").first ?? "?"
        let central = try sqlite(rig.server.data.appendingPathComponent("central.sqlite"), "SELECT count(*) FROM photo").first ?? "?"
        print("station killed 6 times mid-sync: \(left) of 80 outbox entries left, \(central) photos on the server before the last run")
        let last = try KioskProgram.run(arguments, in: rig.folder)
        #expect(last.status == 0, "\(last)")
        #expect(last.output.contains("up to date: the outbox is empty"))
        _ = try rig.openStore()
        try rig.expectEveryPhotoOnTheServerOnce()
    }

    @Test func theSameUploadsDeliveredTwiceAreStoredOnce() async throws {
        let rig = try SyncRig(sessions: 8)
        try rig.server.start()
        #expect(try await rig.syncToEnd() == .upToDate(held: 0))
        // The station loses the server's answers (killed between the answer and its commit):
        // everything goes again.
        try sqlite(rig.storeFolder.appendingPathComponent(StationStore.databaseName), "UPDATE outbox SET sentAt = NULL")
        let again = EventLog()
        #expect(try await rig.syncToEnd(log: again) == .upToDate(held: 0))
        let repeats = again.events.filter {
            switch $0 {
            case .photoSent(_, _, stored: false), .recordSent(_, stored: false): true
            default: false
            }
        }
        #expect(repeats.count == 16, "the server should answer each repeat as already held: \(again.events)")
        try rig.expectEveryPhotoOnTheServerOnce()
    }

    @Test func aBodyCorruptedOnTheWayIsRefusedAndSentAgain() async throws {
        let rig = try SyncRig(sessions: 8)
        try rig.server.start()
        let proxy = try LoopbackRelay(.forward(toPort: rig.server.port))
        proxy.corruptNextBodies(3)
        let log = EventLog()
        #expect(try await rig.syncToEnd(port: proxy.port, log: log) == .upToDate(held: 0))
        #expect(log.failures.count >= 3, "the damaged bodies should have been refused: \(log.failures)")
        try rig.expectEveryPhotoOnTheServerOnce()
    }

    @Test func aPhotoDamagedOnTheStationsDiskIsHeldNeverSentUntilRestored() async throws {
        let rig = try SyncRig(sessions: 5)
        try rig.server.start()
        let station = rig.storeFolder.appendingPathComponent(StationStore.databaseName)
        let hash = try #require(try sqlite(station, "SELECT sha256 FROM photo JOIN session ON session.id = photo.sessionId WHERE collectionCode = 'CRASH-2' AND kind = 'spec'").first)
        let file = rig.storeFolder.appendingPathComponent("photos/\(hash).jpg")
        var damaged = CrashSession.spec(2)
        damaged[1000] ^= 0x01
        try Data(damaged).write(to: file)
        let log = EventLog()
        #expect(try await rig.syncToEnd(log: log) == .upToDate(held: 1))
        #expect(log.events.contains { if case .held(_, let reason, conflict: false) = $0 { reason.contains("damaged") } else { false } })
        let central = rig.server.data.appendingPathComponent("central.sqlite")
        #expect(try sqlite(central, "SELECT count(*) FROM photo") == ["4"], "only the four whole photos reach the server")
        // The operator restores the file from a copy and releases the entry.
        try Data(CrashSession.spec(2)).write(to: file)
        #expect(try rig.store?.releaseHeld() == 1)
        #expect(try await rig.syncToEnd() == .upToDate(held: 0))
        try rig.expectEveryPhotoOnTheServerOnce()
    }

    @Test(arguments: [LoopbackRelay.Mode.answer500, .hang])
    func aServerAnswering500sOrHangingHoldsNothingBackAndIsNotHammered(_ mode: LoopbackRelay.Mode) async throws {
        let rig = try SyncRig(sessions: 6)
        let sick = try LoopbackRelay(mode)
        let log = EventLog()
        let outcome = try await rig.syncToEnd(port: sick.port, within: 3, log: log)
        guard case .gaveUp = outcome else {
            Issue.record("the sync should give up at its deadline, not \(outcome)")
            return
        }
        let counts = try #require(try rig.store?.outboxCounts())
        #expect(counts.pending == 12 && counts.held == 0 && counts.sent == 0)
        // Back-off and time-outs, not a tight loop: a few attempts and probes in 3 s.
        #expect(sick.requests < 40, "\(sick.requests) requests in 3 s")
        print("sync against a server that \(mode == .hang ? "hangs" : "answers 500"): \(sick.requests) requests in 3 s, "
            + "\(log.failures.count) failures, the last: \(log.failures.last ?? "-")")
        // The real server comes up on that port: everything goes.
        let port = sick.port
        sick.cut()
        try rig.server.start(port: port)
        #expect(try await rig.syncToEnd() == .upToDate(held: 0))
        try rig.expectEveryPhotoOnTheServerOnce()
    }

    @Test func theNetworkCutAndRestoredIsNoticedBySeconds() async throws {
        let rig = try SyncRig(sessions: 20)
        try rig.server.start()
        let network = try LoopbackRelay(.forward(toPort: rig.server.port))
        var settings = SyncSettings()
        settings.server = "http://127.0.0.1:\(network.port)"
        settings.requestTimeoutSeconds = 5
        let log = EventLog()
        let client = try rig.client(settings: settings, log: log)
        let run = Task { await client.run(untilUpToDate: true, deadline: Date() + 60) }
        try await log.wait { $0.photosSent >= 5 }
        network.cut()
        try await Task.sleep(nanoseconds: 6_000_000_000)
        let restored = Date()
        try network.restore()
        #expect(await run.value == .upToDate(held: 0))
        await client.shutdown()
        let resumed = log.timed.first { entry in
            switch entry.event {
            case .photoSent, .recordSent: entry.at >= restored
            default: false
            }
        }
        let noticed = try #require(resumed, "nothing was sent after the network's return").at.timeIntervalSince(restored)
        print("network cut for 6 s: the first upload \(String(format: "%.2f", noticed)) s after the port reopened "
            + "(probe every \(settings.probeSeconds) s, back-off \(settings.firstRetrySeconds)–\(settings.longestRetrySeconds) s)")
        try rig.expectEveryPhotoOnTheServerOnce()
    }

    @Test func theServersDiskFullThenFreed() async throws {
        let disk = try ScratchDisk(size: "6m")
        defer { disk.unmount() }
        let rig = try SyncRig(sessions: 12, serverData: disk.folder.appendingPathComponent("server"))
        try rig.server.start()
        disk.fill()
        let log = EventLog()
        let client = try rig.client(log: log)
        let run = Task { await client.run(untilUpToDate: true, deadline: Date() + 60) }
        try await log.wait { $0.failures.count >= 2 }
        print("the server's disk full: \(log.failures.first ?? "-")")
        try disk.freeFiller()
        #expect(await run.value == .upToDate(held: 0))
        await client.shutdown()
        try rig.expectEveryPhotoOnTheServerOnce()
    }
}
