import Foundation

/// One measured operation: its name, the median and spread of its timings, and figures
/// the suite adds (bytes written, frames per second, a ratio to a reference).
public struct BenchmarkResult: Codable, Sendable {
    public var suite: String
    public var name: String
    public var iterations: Int
    /// Median wall time of one iteration, in milliseconds.
    public var medianMilliseconds: Double
    /// 10th and 90th percentile, in milliseconds.
    public var p10Milliseconds: Double
    public var p90Milliseconds: Double
    /// Extra figures, named with their unit (e.g. `"bytes"`, `"fps"`).
    public var figures: [String: Double]

    public init(suite: String, name: String, timings: [Double], figures: [String: Double] = [:]) {
        let sorted = timings.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
        }
        self.suite = suite
        self.name = name
        iterations = timings.count
        medianMilliseconds = percentile(0.5)
        p10Milliseconds = percentile(0.1)
        p90Milliseconds = percentile(0.9)
        self.figures = figures
    }
}

/// What every suite gets: how hard to try, where the test data is, where to report.
public struct BenchmarkContext: Sendable {
    /// Timed iterations per operation (after `warmup` untimed ones).
    public var iterations: Int
    public var warmup: Int
    /// The data cache filled by `scripts/fetch-test-data.sh`.
    public var dataCache: URL
    /// When set, suites write the inputs they time here, so another program can time the
    /// same operations on the same bytes (see scripts/bench_pillow.py).
    public var inputsDirectory: URL?

    public init(iterations: Int = 30, warmup: Int = 3, dataCache: URL, inputsDirectory: URL? = nil) {
        self.iterations = iterations
        self.warmup = warmup
        self.dataCache = dataCache
        self.inputsDirectory = inputsDirectory
    }

    /// Saves one input under `inputsDirectory`, if there is one.
    public func writeInput(_ name: String, _ bytes: [UInt8]) throws {
        guard let inputsDirectory else { return }
        try FileManager.default.createDirectory(at: inputsDirectory, withIntermediateDirectories: true)
        try Data(bytes).write(to: inputsDirectory.appendingPathComponent(name))
    }

    /// Times `body` `iterations` times after `warmup` untimed runs.
    public func measure(_ body: () throws -> Void) rethrows -> [Double] {
        for _ in 0..<warmup { try body() }
        var timings = [Double]()
        timings.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let start = ContinuousClock.now
            try body()
            let elapsed = ContinuousClock.now - start
            timings.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
        }
        return timings
    }
}

/// A group of related measurements, run by `kiosk bench NAME`.
public protocol BenchmarkSuite: Sendable {
    /// The word users type: `image`, `faces`, `standard`, …
    var name: String { get }
    /// One sentence for `kiosk bench --list`.
    var summary: String { get }
    func run(_ context: BenchmarkContext) throws -> [BenchmarkResult]
}

/// Every suite `kiosk bench` knows, in the order it runs them.
public let allBenchmarkSuites: [any BenchmarkSuite] = [
    ImageBenchmarks(),
    StandardBenchmarks(),
    FaceBenchmarks(),
    GuidanceBenchmarks(),
    ComplianceBenchmarks(),
    CaptureBenchmarks(),
    StoreBenchmarks(),
    SessionBenchmarks(),
    ServerBenchmarks(),
]

/// Keeps a value alive and opaque so the optimiser cannot drop the work that produced it.
@inline(never)
public func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
