@testable import Capture
import Testing

/// A clock that only moves when the pacer sleeps or the test advances it.
private final class FakeClock {
    var now = MonotonicTime(nanoseconds: 1_000_000_000)
    func advance(_ d: Duration) { now = now + d }
}

@Suite("Frame pacing: the newest frame, drops counted")
struct PacingTests {
    @Test func aPromptConsumerGetsEveryFrameInOrder() {
        let clock = FakeClock()
        var pacer = FramePacer(fps: 10)
        var indices = [Int64]()
        for _ in 0..<5 {
            let next = pacer.next(timeout: .seconds(1), now: { clock.now }, sleep: clock.advance)
            indices.append(next!.index)
            #expect(next!.skipped == 0)
        }
        #expect(indices == [0, 1, 2, 3, 4])
    }

    @Test func aSlowConsumerGetsTheNewestFrameAndTheSkippedOnesAreCounted() {
        let clock = FakeClock()
        var pacer = FramePacer(fps: 10)
        _ = pacer.next(timeout: .seconds(1), now: { clock.now }, sleep: clock.advance)
        clock.advance(.milliseconds(450))
        let next = pacer.next(timeout: .seconds(1), now: { clock.now }, sleep: clock.advance)!
        #expect(next.index == 4)
        #expect(next.skipped == 3)
    }

    @Test func noNewFrameWithinTheTimeoutGivesNil() {
        let clock = FakeClock()
        var pacer = FramePacer(fps: 1)
        _ = pacer.next(timeout: .seconds(1), now: { clock.now }, sleep: clock.advance)
        #expect(pacer.next(timeout: .milliseconds(300), now: { clock.now }, sleep: clock.advance) == nil)
        #expect(pacer.next(timeout: .milliseconds(800), now: { clock.now }, sleep: clock.advance)?.index == 1)
    }

    @Test func framesAreStampedWhenTheyWereDueNotWhenTaken() {
        let clock = FakeClock()
        var pacer = FramePacer(fps: 10)
        let first = pacer.next(timeout: .seconds(1), now: { clock.now }, sleep: clock.advance)!
        clock.advance(.milliseconds(250))
        let later = pacer.next(timeout: .seconds(1), now: { clock.now }, sleep: clock.advance)!
        #expect(later.due - first.due == .milliseconds(200))
    }
}
