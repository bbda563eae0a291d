import TerminalUI

/// A display that also tells a watchdog the station is alive: every screen shown is a sign
/// that the loop runs (the start screen redraws every 100 ms, the live picture every frame),
/// so `beat` is called at most once per `interval` as screens are shown. A loop that hangs
/// shows nothing, stops the beats, and systemd restarts the station.
public final class HeartbeatDisplay: StationDisplay {
    private let display: any StationDisplay
    private let interval: Duration
    private let beat: () -> Void
    private var last: ContinuousClock.Instant?

    public init(_ display: any StationDisplay, interval: Duration, beat: @escaping () -> Void) {
        self.display = display
        self.interval = interval
        self.beat = beat
    }

    public func show(_ content: ScreenContent) {
        display.show(content)
        let now = ContinuousClock.now
        if last.map({ now - $0 >= interval }) ?? true {
            last = now
            beat()
        }
    }

    public func keys(waitMilliseconds: Int32) -> [Key] {
        display.keys(waitMilliseconds: waitMilliseconds)
    }

    public var stopRequested: Bool { display.stopRequested }
}
