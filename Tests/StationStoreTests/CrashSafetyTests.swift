#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StationStore
import StoreTestSupport
import Testing

/// The crash child beside this test bundle (`swift build --build-tests` builds both).
private let crashChild = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("kiosk-store-crash-child")

@Suite struct CrashSafetyTests {
    /// How many times the child is killed, and the most time the kills may take.
    static let kills = 300
    static let budget = Duration.seconds(90)

    /// Kills the saving child with SIGKILL hundreds of times at random moments (during
    /// start-up repair, between a photo file and its commit, inside the commit), restarts
    /// it each time, and then checks the store from outside: every session the child saw
    /// saved is there; every session's photo files are whole (sha256sum) and hold exactly
    /// the bytes the child made; each is in the outbox exactly once, the photo before the
    /// record; no file in photos/ lacks a record, no temporary file remains, and every file
    /// repair moved aside is in its log.
    @Test func everyAcceptedPhotoSurvivesSIGKILLAtRandomMoments() throws {
        try #require(FileManager.default.isExecutableFile(atPath: crashChild.path),
                     "\(crashChild.path) is missing: build with `swift build --build-tests` first")
        let folder = try scratchFolder("crash")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store")
        let log = folder.appendingPathComponent("child.log")
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var killedBeforeReady = 0
        let start = ContinuousClock.now
        while kills < Self.kills && ContinuousClock.now - start < Self.budget {
            let child = Process()
            child.executableURL = crashChild
            child.arguments = [store.path, log.path]
            let output = Pipe()
            child.standardOutput = output
            try child.run()
            if Int.random(in: 0..<5, using: &generator) == 0 {
                // Sometimes while it opens the store and repairs it.
                usleep(UInt32.random(in: 0...40_000, using: &generator))
                killedBeforeReady += 1
            } else {
                let ready = output.fileHandleForReading.availableData
                #expect(String(decoding: ready, as: UTF8.self) == "ready\n", "the child failed to start (see its error above)")
                usleep(UInt32.random(in: 0...120_000, using: &generator))
            }
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            if child.terminationReason == .exit {
                Issue.record("the child exited with \(child.terminationStatus) instead of being killed")
                break
            }
            kills += 1
        }
        print("crash test: \(kills) SIGKILLs (\(killedBeforeReady) before ready) in \(ContinuousClock.now - start)")

        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        let saved = Dictionary(lines.filter { $0.hasPrefix("saved ") }.map {
            let parts = $0.split(separator: " ")
            return ("CRASH-\(parts[1])", String(parts[2]))
        }, uniquingKeysWith: { first, _ in first })
        let repairs = lines.filter { $0.hasPrefix("repair ") && $0 != lines.first { $0.hasPrefix("repair ") } && !$0.contains("temporary=0 setAside=0") }
        print("crash test: \(saved.count) sessions saved, \(repairs.count) start-ups found something to repair")
        #expect(kills >= 100, "too few kills to mean anything")

        // Start-up repair after the last kill, in this process.
        let reopened = try StationStore(settings: storeSettings(store))
        #expect(reopened.repairReport.photoProblems.isEmpty, "\(reopened.repairReport)")
        let sessions = try reopened.sessions()
        #expect(Set(sessions.map(\.collectionCode)).count == sessions.count, "a session was saved twice")
        for (code, receipt) in saved {
            #expect(sessions.contains { $0.collectionCode == code && $0.receiptCode == receipt }, "\(code) was saved but is gone")
        }
        let photos = store.appendingPathComponent("photos")
        var named = Set<String>()
        for row in try sqlite(store, "SELECT s.collectionCode, p.kind, p.sha256, p.size FROM photo p JOIN session s ON s.id = p.sessionId")
            .split(separator: "\n") {
            let fields = row.split(separator: "|").map(String.init)
            let index = Int(fields[0].dropFirst("CRASH-".count))!
            let expected = fields[1] == "spec" ? CrashSession.spec(index) : CrashSession.source(index)
            let file = photos.appendingPathComponent("\(fields[2]).jpg")
            #expect(try [UInt8](Data(contentsOf: file)) == expected, "\(fields[0]) \(fields[1]) is not whole")
            #expect(try sha256sum(file) == fields[2])
            #expect(Int(fields[3]) == expected.count)
            named.insert(file.lastPathComponent)
        }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: photos.path)) == named, "a file without a record, or a temporary file, is left")

        // The outbox: per session one photo entry (its spec photo) and one record entry after it.
        let outbox = try sqlite(store, """
            SELECT s.collectionCode, group_concat(o.kind || ':' || o.seq || ':' || ifnull(p.kind, ''), ',')
            FROM session s LEFT JOIN outbox o ON o.sessionId = s.id LEFT JOIN photo p ON p.id = o.photoId GROUP BY s.id
            """).split(separator: "\n")
        #expect(outbox.count == sessions.count)
        for row in outbox {
            let parts = row.split(separator: "|")
            let entries = parts[1].split(separator: ",").map { $0.split(separator: ":") }.sorted { Int($0[1])! < Int($1[1])! }
            #expect(entries.map { "\($0[0]):\($0.count > 2 ? String($0[2]) : "")" } == ["photo:spec", "session:"], "\(row)")
        }
        let setAside = store.appendingPathComponent("set-aside")
        let moved = Set((try? FileManager.default.contentsOfDirectory(atPath: setAside.path)) ?? [])
        let logged = Set(try sqlite(store, "SELECT file FROM repairEvent WHERE kind LIKE 'set-aside-%'").split(separator: "\n").map(String.init))
        #expect(moved.isSubset(of: logged), "files set aside without a record of it: \(moved.subtracting(logged))")
        print("crash test: \(moved.count) files set aside, every one logged")
    }
}
