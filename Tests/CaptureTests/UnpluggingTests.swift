@testable import Capture
import Foundation
import Testing

@Suite("A replayed camera unplugged on a schedule")
struct UnpluggingTests {
    @Test func theScheduleIsReadAfterThePathInAnyOrderWithOnce() throws {
        let unplugging = Unplugging(every: 60, lasting: 5)
        #expect(try SourceSpec(parsing: "replay:/data/run1@15,unplug=60/5")
            == .replay(path: "/data/run1", fps: 15, loops: true, unplugging: unplugging))
        #expect(try SourceSpec(parsing: "replay:/data/run1,once,unplug=60/5")
            == .replay(path: "/data/run1", fps: 15, loops: false, unplugging: unplugging))
        #expect(try SourceSpec(parsing: "replay:/data/run1@7.5,unplug=2.5/0.5,once")
            == .replay(path: "/data/run1", fps: 7.5, loops: false, unplugging: Unplugging(every: 2.5, lasting: 0.5)))
        let spec = try SourceSpec(parsing: "replay:/x@12.5,once,unplug=30/2.5")
        #expect(try SourceSpec(parsing: spec.description) == spec)
    }

    @Test(arguments: ["unplug=60", "unplug=5/60", "unplug=60/0", "unplug=a/b", "unplug=60/5/1", "unplug="])
    func aScheduleThatIsNotTwoNumbersSaysHowToWriteIt(option: String) {
        #expect {
            try SourceSpec(parsing: "replay:/x@15,\(option)")
        } throws: { error in
            "\(error)".contains("unplug=EVERY/FOR") && "\(error)".contains(option)
        }
    }

    @Test func theScheduleSaysWhenTheCameraIsAwayAndForHowLong() {
        let schedule = Unplugging(every: 10, lasting: 2)
        #expect(schedule.outage(at: 0) == nil && schedule.outage(at: 9.9) == nil)
        #expect(schedule.outage(at: 10)?.number == 1 && schedule.outage(at: 10.5)?.secondsLeft == 1.5)
        #expect(schedule.outage(at: 12) == nil && schedule.outage(at: 19) == nil)
        #expect(schedule.outage(at: 31)?.number == 3)
    }

    /// Frames, then the camera reported gone while it is away, then frames again with one
    /// reconnection counted per unplugging met.
    @Test func theReplayIsDisconnectedWhileUnpluggedAndResumesAfter() throws {
        let folder = try makeReplayFolder(count: 4)
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try SourceSpec(parsing: "replay:\(folder.path)@50,unplug=1/0.5").open()
        defer { source.stop() }
        var events: [String] = []
        let end = MonotonicTime.now() + .milliseconds(3200)
        while MonotonicTime.now() < end {
            do {
                _ = try source.nextFrame(timeout: .milliseconds(100))
                if events.last != "frame" { events.append("frame") }
            } catch let CaptureError.disconnected(path, reason) {
                #expect(path == source.name && reason.contains("unplug=1/0.5"))
                if events.last != "gone" { events.append("gone") }
            } catch CaptureError.timeout {
                // A machine too busy to take a frame in time; the next call goes on.
            }
        }
        // Away at 1–1.5 s and 2–2.5 s (3–3.2 s may be cut short by the end).
        #expect(Array(events.prefix(5)) == ["frame", "gone", "frame", "gone", "frame"], "\(events)")
        #expect(source.statistics.reconnections >= 2)
    }
}
