/// The waits between failed attempts: the first wait, doubled after each further failure up
/// to the longest, each drawn at random between half and all of that ("equal jitter"), so
/// that the stations of a school that lost the network together do not return in step.
public struct Backoff: Sendable {
    public let first: Double
    public let longest: Double
    /// Failures since the last success.
    public private(set) var failures = 0

    public init(first: Double, longest: Double) {
        self.first = first
        self.longest = max(first, longest)
    }

    /// The ceiling of the next wait, before jitter.
    public var ceiling: Double {
        min(longest, first * Double(1 << min(failures, 30)))
    }

    /// Counts a failure and gives the wait before the next attempt, in seconds.
    public mutating func next(using random: inout some RandomNumberGenerator) -> Double {
        let ceiling = ceiling
        failures += 1
        return ceiling / 2 + Double.random(in: 0...(ceiling / 2), using: &random)
    }

    /// A success: the next failure waits `first` again.
    public mutating func reset() { failures = 0 }
}
