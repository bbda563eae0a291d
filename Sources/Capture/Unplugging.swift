import Foundation
import Synchronization

/// A camera that goes away on a schedule, for replayed sources (`replay:DIR@15,unplug=60/5`):
/// from its start, every `every` seconds the camera is gone for `lasting` seconds, as if its
/// cable were pulled and pushed back. The soak uses it to show that the station waits for the
/// camera and carries on, as it does with a real one.
public struct Unplugging: Hashable, Sendable, CustomStringConvertible {
    /// Seconds from one unplugging to the next (the first one comes this long after the start).
    public var every: Double
    /// Seconds the camera stays away each time; shorter than `every`.
    public var lasting: Double

    public init(every: Double, lasting: Double) {
        self.every = every
        self.lasting = lasting
    }

    /// Reads `N/M` (every N seconds, gone for M), as written after `unplug=`.
    init(parsing text: Substring) throws(UnpluggingFormatError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let every = Double(parts[0]), let lasting = Double(parts[1]),
              every.isFinite, lasting.isFinite, lasting > 0, every > lasting else {
            throw UnpluggingFormatError(text: String(text))
        }
        self.init(every: every, lasting: lasting)
    }

    public var description: String { "unplug=" + String(format: "%g/%g", every, lasting) }

    /// The unplugging under way `elapsed` seconds after the start: its number (1 for the first)
    /// and the seconds left until the camera is back; nil while it is there.
    func outage(at elapsed: Double) -> (number: Int, secondsLeft: Double)? {
        guard elapsed >= every else { return nil }
        let number = Int((elapsed / every).rounded(.down))
        let into = elapsed - Double(number) * every
        return into < lasting ? (number, lasting - into) : nil
    }
}

/// `unplug=` not followed by two numbers of seconds, the second smaller.
struct UnpluggingFormatError: Error {
    let text: String
}

/// A paced source whose camera goes away on an `Unplugging` schedule: while it is away,
/// `nextFrame` waits as a camera's reconnection does (until it is back or the time-out) and
/// throws `CaptureError.disconnected`; the first frame after it counts a reconnection.
final class UnpluggedSource: FrameSource {
    private let source: PacedSource
    private let schedule: Unplugging
    private let start = MonotonicTime.now()
    /// The last unplugging the consumer met, the last one counted as a reconnection, the count.
    private let outages = Mutex((met: 0, counted: 0, reconnections: 0))

    init(_ source: PacedSource, schedule: Unplugging) {
        self.source = source
        self.schedule = schedule
    }

    var name: String { source.name }

    var statistics: FrameStatistics {
        var statistics = source.statistics
        statistics.reconnections = outages.withLock { $0.reconnections }
        return statistics
    }

    func stop() { source.stop() }

    func nextFrame(timeout: Duration) throws -> Frame {
        let deadline = MonotonicTime.now() + timeout
        if let outage = schedule.outage(at: (MonotonicTime.now() - start).secondsValue) {
            outages.withLock { $0.met = outage.number }
            let back = MonotonicTime.now() + .nanoseconds(Int64(outage.secondsLeft * 1e9))
            sleepFor(min(back, deadline) - MonotonicTime.now())
            guard back <= deadline else {
                throw CaptureError.disconnected(path: name, reason: "unplugged by the replay's \(schedule) setting")
            }
        }
        let frame = try source.nextFrame(timeout: max(deadline - MonotonicTime.now(), .milliseconds(1)))
        outages.withLock { state in
            // One reconnection per unplugging the consumer met, however long it waited.
            if state.met > state.counted {
                state.counted = state.met
                state.reconnections += 1
            }
        }
        return frame
    }
}
