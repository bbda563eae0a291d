import FileOutput
import Foundation
import ScratchDisk
import StationStore
import StoreTestSupport
import Testing

/// The store on a real small tmpfs that is filled up or made read-only (needs root, like
/// the file-output tests: fails, never skips, without it).
@Suite(.serialized) struct StoreDiskTests {
    @Test func aFullDiskRefusesTheSessionInWordsKeepsNothingHalfAndTheRetrySaves() throws {
        let disk = try ScratchDisk(size: "2m")
        defer { disk.unmount() }
        let folder = disk.folder.appendingPathComponent("store")
        do {
            let store = try StationStore(settings: storeSettings(folder))
            try store.importRoster(text: rosterText)
            disk.fill()
            do {
                _ = try store.save(acceptedSession())
                Issue.record("a session was saved on a full disk")
            } catch {
                guard case let .files(inner) = error.reason else { Issue.record("\(error)"); return }
                #expect(inner.reason == .diskFull)
                #expect(error.refusesNewSessions)
                #expect(error.chinese.contains("磁盘已满"))
                #expect(error.description.contains("the disk is full"))
            }
            #expect(throws: StoreError.self) { try store.readiness() }
            #expect(try store.sessions().isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("photos").path).isEmpty,
                    "nothing partial or temporary is left")
            try disk.freeFiller()
            let saved = try store.save(acceptedSession())
            #expect(try store.sessions().map(\.receiptCode) == [saved.receiptCode])
        }
        let reopened = try StationStore(settings: storeSettings(folder))
        #expect(reopened.repairReport.isClean, "\(reopened.repairReport)")
    }

    @Test func aReadOnlyFolderOrDiskIsNamedBeforeAndDuringASessionAndTheStoreStaysWhole() throws {
        let disk = try ScratchDisk(size: "2m")
        defer { disk.unmount() }
        let folder = disk.folder.appendingPathComponent("store")
        let photos = folder.appendingPathComponent("photos").path
        do {
            let store = try StationStore(settings: storeSettings(folder))
            try store.importRoster(text: rosterText)
            _ = try store.save(acceptedSession(seed: 1))
            // The photo folder alone goes read-only (a read-only bind mount over it), as when
            // the kernel remounts a disk read-only under a running station.
            try mount(["--bind", photos, photos])
            var bound = true
            defer { if bound { try? mount(["-u", photos]) } }
            try mount(["-o", "remount,ro,bind", photos])
            do {
                try store.readiness()
                Issue.record("a read-only folder was found ready")
            } catch {
                expectReadOnly(error)
            }
            do {
                _ = try store.save(acceptedSession(seed: 2))
                Issue.record("a session was saved into a read-only folder")
            } catch {
                expectReadOnly(error)
            }
            #expect(try store.sessions().count == 1)
            try mount(["-u", photos])
            bound = false
            _ = try store.save(acceptedSession(seed: 3))
        }
        try disk.remount(readOnly: true)
        do {
            _ = try StationStore(settings: storeSettings(folder))
            Issue.record("a store opened on a read-only disk")
        } catch {
            expectReadOnly(error)
            #expect(error.description.contains("read-only"), "\(error)")
        }
        try disk.remount(readOnly: false)
        let reopened = try StationStore(settings: storeSettings(folder))
        #expect(try reopened.sessions().count == 2)
        #expect(reopened.repairReport.isClean, "\(reopened.repairReport)")
    }

    /// mount(8), or umount(8) for `-u`; throws with its status when it fails.
    private func mount(_ arguments: [String]) throws {
        let process = Process()
        let unmount = arguments.first == "-u"
        process.executableURL = URL(fileURLWithPath: unmount ? "/bin/umount" : "/bin/mount")
        process.arguments = unmount ? Array(arguments.dropFirst()) : arguments
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw ScratchDisk.Failure(description: "\(process.executableURL!.path) \(process.arguments!.joined(separator: " ")) failed with \(process.terminationStatus)")
        }
    }

    private func expectReadOnly(_ error: StoreError) {
        guard case let .files(inner) = error.reason else { Issue.record("\(error)"); return }
        #expect(inner.reason == .readOnly)
        #expect(error.chinese.contains("磁盘为只读"))
    }
}
