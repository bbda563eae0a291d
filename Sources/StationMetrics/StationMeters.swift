import Metrics

/// The station's figures as swift-metrics objects, made once from a factory (the one the
/// program bootstrapped, or a test's) and counted where things happen: frames at the source,
/// analysis, captures, acceptances and check failures in the live session, the outbox and the
/// last sync by the sync. Without a bootstrapped metrics system every call does nothing.
public struct StationMeters: Sendable {
    private let factory: any MetricsFactory
    private let frames: Counter
    private let droppedFrames: Counter
    private let analysis: CoreMetrics.Timer
    private let captures: Counter
    private let acceptances: Counter
    private let outboxWaiting: Gauge
    private let outboxHeld: Gauge
    private let lastSync: Gauge

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        frames = Counter(label: StationMetric.frames.rawValue, factory: factory)
        droppedFrames = Counter(label: StationMetric.droppedFrames.rawValue, factory: factory)
        analysis = CoreMetrics.Timer(label: StationMetric.analysisSeconds.rawValue, factory: factory)
        captures = Counter(label: StationMetric.captures.rawValue, factory: factory)
        acceptances = Counter(label: StationMetric.acceptances.rawValue, factory: factory)
        let outbox = StationMetric.outboxEntries.rawValue
        outboxWaiting = Gauge(label: outbox, dimensions: [(StationMetric.stateLabel, "waiting")], factory: factory)
        outboxHeld = Gauge(label: outbox, dimensions: [(StationMetric.stateLabel, "held")], factory: factory)
        lastSync = Gauge(label: StationMetric.lastSync.rawValue, factory: factory)
        // Present from the start, so a scrape before the first sync reads 0, not nothing.
        lastSync.record(0)
    }

    /// Frames taken from the camera, and how many it skipped since the last call.
    public func framesTaken(_ count: Int = 1, skipped: Int = 0) {
        if count > 0 { frames.increment(by: Int64(count)) }
        if skipped > 0 { droppedFrames.increment(by: Int64(skipped)) }
    }

    /// One live frame decoded and analysed in `duration`.
    public func analysed(in duration: Duration) {
        analysis.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// A photo taken, with the clauses of the standard its checks failed.
    public func captured(failedClauses: [String]) {
        captures.increment()
        for clause in failedClauses {
            Counter(label: StationMetric.checkFailures.rawValue, dimensions: [(StationMetric.clauseLabel, clause)], factory: factory)
                .increment()
        }
    }

    /// A photo accepted on the review.
    public func accepted() {
        acceptances.increment()
    }

    /// The outbox now: entries waiting to be sent, and held back for an operator.
    public func outbox(waiting: Int, held: Int) {
        outboxWaiting.record(waiting)
        outboxHeld.record(held)
    }

    /// The server confirmed an exchange at `unixTime` (seconds since 1970).
    public func synced(atUnixTime unixTime: Double) {
        lastSync.record(unixTime)
    }
}
