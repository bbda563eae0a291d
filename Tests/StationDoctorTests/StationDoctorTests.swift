import Foundation
import KioskProgram
import LiveStation
import ScratchDisk
import StationDoctor
import StationStore
import StationSync
import StoreTestSupport
import Testing

/// Each fault an operator can cause, made for real, and the line the doctor gives for it.
@Suite struct StationDoctorTests {
    @Test func aSettingsFileWithAnUnknownKeyIsNamedWithItsLine() throws {
        let folder = try scratchFolder("settings")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("station.json5")
        try "{\n  camera: {\n    sourse: \"auto\",\n  },\n}\n".write(to: file, atomically: true, encoding: .utf8)
        let finding = SettingsCheck.load(file.path).finding
        #expect(finding.level == .failure)
        #expect(finding.what.contains(file.path))
        let fix = try #require(finding.fix)
        #expect(fix.hasPrefix("\(file.path):3:5: unknown setting 'camera.sourse'"), "\(fix)")
        #expect(fix.contains("kiosk config check"))
    }

    @Test func aMissingCameraDeviceIsRequiredWithWhereToLook() {
        var camera = StationConfiguration.Camera()
        camera.source = "/dev/video9"
        let findings = CameraCheck.run(camera)
        #expect(findings.map(\.id) == ["camera"])
        #expect(findings[0].level == .failure)
        #expect(findings[0].what.contains("/dev/video9"))
        #expect(findings[0].fix?.contains("plug the camera") == true)
        #expect(findings[0].fix?.contains("kiosk devices") == true)
    }

    @Test func aReadOnlyStoreDiskIsRequired() throws {
        let disk = try ScratchDisk(size: "4m")
        try makeStore(in: disk.folder, sessions: 1)
        try disk.remount(readOnly: true)
        let finding = StoreFolderCheck.run(storeSettings(disk.folder, minimumFreeMegabytes: 10))
        #expect(finding.level == .failure)
        #expect(finding.what.contains("read-only"), "\(finding.what)")
        #expect(finding.fix?.contains("restart the station box") == true)
        // The database is still read, without writing anything.
        #expect(DatabaseCheck.run(storeSettings(disk.folder)).finding.level == .ok)
    }

    @Test func aFullStoreDiskIsRequiredWithHowToMakeRoom() throws {
        let disk = try ScratchDisk(size: "16m")
        let settings = storeSettings(disk.folder, minimumFreeMegabytes: 10)
        #expect(StoreFolderCheck.run(settings).level == .ok)
        disk.fill()
        let finding = StoreFolderCheck.run(settings)
        #expect(finding.level == .failure)
        #expect(finding.what.contains("0 MB free, the station needs 10 MB"), "\(finding.what)")
        #expect(finding.fix?.contains("kiosk purge") == true)
    }

    @Test func aDatabaseWithAPageOverwrittenIsFoundDamaged() throws {
        let folder = try scratchFolder("damaged")
        defer { try? FileManager.default.removeItem(at: folder) }
        try makeStore(in: folder, sessions: 20)
        try sqlite(folder, "PRAGMA wal_checkpoint(TRUNCATE)")
        let handle = try FileHandle(forWritingTo: folder.appendingPathComponent(StationStore.databaseName))
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(photoBytes(seed: 7, count: 4096)))
        try handle.close()
        let (finding, records) = DatabaseCheck.run(storeSettings(folder))
        #expect(finding.level == .failure)
        #expect(finding.what.contains("damaged"), "\(finding.what)")
        #expect(finding.fix?.contains("copy the whole folder") == true)
        #expect(records == nil)
    }

    @Test func aDatabaseIsCheckedWhileTheStationHoldsItsLock() throws {
        let folder = try scratchFolder("locked")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try StationStore(settings: storeSettings(folder))
        try store.importRoster(text: CrashSession.roster)
        _ = try store.save(CrashSession.session(0))
        let (finding, records) = DatabaseCheck.run(storeSettings(folder))
        #expect(finding.level == .ok, "\(finding)")
        #expect(records?.pending == 2)
        withExtendedLifetime(store) {}
    }

    @Test func aSessionDatedInTheFutureMeansTheClockIsBehind() throws {
        let folder = try scratchFolder("clock")
        defer { try? FileManager.default.removeItem(at: folder) }
        try makeStore(in: folder, sessions: 1)
        #expect(ClockCheck.run(newestRecord: DatabaseCheck.run(storeSettings(folder)).records?.newest).level == .ok)
        try sqlite(folder, "UPDATE session SET acceptedAt = datetime('now', '+1 day')")
        let finding = ClockCheck.run(newestRecord: try #require(DatabaseCheck.run(storeSettings(folder)).records).newest)
        #expect(finding.level == .failure)
        #expect(finding.what.contains("behind"))
        #expect(finding.fix?.contains("timedatectl set-ntp true") == true)
    }

    @Test func aClockBeforeThisReleaseIsWrong() {
        let finding = ClockCheck.run(now: Date(timeIntervalSince1970: 1_600_000_000), newestRecord: nil)
        #expect(finding.level == .failure)
        #expect(finding.fix?.contains("timedatectl") == true)
    }

    @Test func noServerListeningIsRequiredWithTheNetworkToCheck() throws {
        let folder = try scratchFolder("offline")
        defer { try? FileManager.default.removeItem(at: folder) }
        let credentials = folder.appendingPathComponent("station.credentials")
        try "STATION_ID=x\nSTATION_SECRET=\(String(repeating: "ab", count: 32))\n".write(to: credentials, atomically: true, encoding: .utf8)
        chmod(credentials.path, 0o600)
        var settings = SyncSettings()
        settings.server = "http://127.0.0.1:\(try closedPort())"
        settings.credentialsFile = credentials.path
        let findings = ServerCheck.run(settings)
        let server = try #require(findings.first { $0.id == "server" })
        #expect(server.level == .failure)
        #expect(server.what.contains("no answer"), "\(server.what)")
        #expect(server.fix?.contains("network cable") == true)
        #expect(!findings.contains { $0.id == "credentials" }, "no signed query without a server")
    }

    @Test func theServerComesFromTheSettingsFilesSyncSectionUnlessGiven() throws {
        let folder = try scratchFolder("sync-section")
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = try closedPort()
        let file = folder.appendingPathComponent("station.json5")
        try "{ sync: { server: \"http://127.0.0.1:\(port)\", credentialsFile: \"\(folder.path)/none\" } }"
            .write(to: file, atomically: true, encoding: .utf8)
        let fromFile = StationDoctor.examine(.init(settingsFile: file.path))
        #expect(fromFile.first { $0.id == "server" }?.what.contains("127.0.0.1:\(port)") == true)
        #expect(fromFile.first { $0.id == "credentials-file" }?.what.contains("\(folder.path)/none") == true)
        let given = StationDoctor.examine(.init(settingsFile: file.path, server: "http://127.0.0.1:1", credentialsFile: "/nowhere"))
        #expect(given.first { $0.id == "server" }?.what.contains("127.0.0.1:1") == true)
        #expect(given.first { $0.id == "credentials-file" }?.what.contains("/nowhere") == true)
    }

    @Test func aRealServerRefusesWrongCredentialsAndTakesRightOnes() throws {
        let folder = try scratchFolder("server")
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try LoopbackServer(folder: folder)
        var settings = SyncSettings()
        settings.server = server.address
        settings.credentialsFile = server.credentialsFile.path
        let right = ServerCheck.run(settings)
        #expect(right.map(\.level) == [.ok, .ok, .ok], "\(right)")

        let wrong = folder.appendingPathComponent("wrong.credentials")
        let id = try String(contentsOf: server.credentialsFile, encoding: .utf8).split(separator: "\n")[0]
        try "\(id)\nSTATION_SECRET=\(String(repeating: "cd", count: 32))\n".write(to: wrong, atomically: true, encoding: .utf8)
        chmod(wrong.path, 0o600)
        settings.credentialsFile = wrong.path
        let refused = try #require(ServerCheck.run(settings).first { $0.id == "credentials" })
        #expect(refused.level == .failure)
        #expect(refused.what.contains("401"))
        #expect(refused.fix?.contains("the server does not know these credentials: issue new ones with `kiosk-server station add") == true)

        chmod(wrong.path, 0o644)
        let open = try #require(ServerCheck.run(settings).first { $0.id == "credentials-file" })
        #expect(open.level == .failure)
        #expect(open.fix?.contains("chmod 600") == true)
    }

    @Test func aPendingOutboxIsCountedWithItsOldestAndHeldEntries() throws {
        let folder = try scratchFolder("outbox")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try StationStore(settings: storeSettings(folder))
        try store.importRoster(text: CrashSession.roster)
        for index in 0..<3 { _ = try store.save(CrashSession.session(index)) }
        let first = try #require(store.pendingOutbox().first)
        try store.hold(first.sequence, reason: "conflict", at: Date())
        let records = try #require(DatabaseCheck.run(storeSettings(folder)).records)
        #expect(records.pending == 5 && records.held == 1, "\(records)")
        let finding = OutboxCheck.run(records)
        #expect(finding.level == .warning)
        #expect(finding.what.contains("5 waiting") && finding.what.contains("over a day") && finding.what.contains("1 held"), "\(finding.what)")
        #expect(finding.fix?.contains("kiosk sync --retry-held") == true)
        #expect(OutboxCheck.run(records, now: CrashSession.session(0).acceptedAt).level == .warning, "held entries stay a warning")
    }

    /// `kiosk doctor` itself on the built-in defaults, with a store and a server: everything
    /// in order but the camera, which this machine does not have.
    @Test func onDefaultsOnlyTheMissingCameraIsWrong() throws {
        let folder = try scratchFolder("healthy")
        defer { try? FileManager.default.removeItem(at: folder) }
        try makeStore(in: folder.appendingPathComponent(StoreSettings.standard.folder), sessions: 0)
        let server = try LoopbackServer(folder: folder)
        let run = try KioskProgram.run(["doctor", "--server", server.address, "--credentials", server.credentialsFile.path, "--json"],
                                       in: folder)
        #expect(run.status == 1, "\(run)")
        let findings = try JSONDecoder().decode([Finding].self, from: Data(run.output.utf8))
        let wrong = findings.filter { $0.level != .ok }
        #expect(wrong.map(\.id) == ["camera"], "\(findings.map(\.text).joined(separator: "\n"))")
        #expect(wrong.first?.level == .failure)
        #expect(wrong.first?.fix?.contains("kiosk install udev") == true)
        #expect(Set(findings.map(\.id)) == ["settings", "camera", "face-landmarks", "face-second-opinion", "face-identity",
                                            "person-network", "store-folder",
                                            "database", "clock", "server", "credentials-file", "credentials", "outbox"])
    }
}
