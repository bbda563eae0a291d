import Foundation

/// The 1€ filter (Casiez, Roussel & Vogel, "1€ Filter: A Simple Speed-based Low-pass Filter
/// for Noisy Input in Interactive Systems", CHI 2012): a low-pass filter whose cut-off rises
/// with the signal's speed, so a still face does not jitter and a moving one does not lag.
/// Written here because none of the project's libraries offers it.
public struct OneEuroFilter: Sendable {
    public struct Parameters: Sendable, Hashable, Codable {
        /// Cut-off frequency (Hz) when the signal is still: lower is smoother.
        public var minimumCutoff: Double
        /// How fast the cut-off rises with speed (Hz per unit/s): higher lags less.
        public var speedCoefficient: Double
        /// Cut-off (Hz) for the speed estimate itself.
        public var derivativeCutoff: Double

        public init(minimumCutoff: Double, speedCoefficient: Double, derivativeCutoff: Double = 1) {
            self.minimumCutoff = minimumCutoff
            self.speedCoefficient = speedCoefficient
            self.derivativeCutoff = derivativeCutoff
        }
    }

    public var parameters: Parameters
    private var last: (time: Double, value: Double, speed: Double)?

    public init(_ parameters: Parameters) { self.parameters = parameters }

    /// The filtered value of `value` observed at `time` (seconds, increasing).
    public mutating func filter(_ value: Double, at time: Double) -> Double {
        guard let last, time > last.time else {
            last = (time, value, 0)
            return value
        }
        let dt = time - last.time
        let speed = Self.smooth(last.speed, (value - last.value) / dt, alpha: Self.alpha(parameters.derivativeCutoff, dt))
        let cutoff = parameters.minimumCutoff + parameters.speedCoefficient * abs(speed)
        let smoothed = Self.smooth(last.value, value, alpha: Self.alpha(cutoff, dt))
        self.last = (time, smoothed, speed)
        return smoothed
    }

    /// Forgets the history, so the next value passes through unchanged.
    public mutating func reset() { last = nil }

    private static func alpha(_ cutoff: Double, _ dt: Double) -> Double {
        let tau = 1 / (2 * Double.pi * cutoff)
        return 1 / (1 + tau / dt)
    }

    private static func smooth(_ previous: Double, _ value: Double, alpha: Double) -> Double {
        previous + alpha * (value - previous)
    }
}
