import Prometheus

/// Every figure the station exposes, with its Prometheus name and help text: the one list
/// the meters (`StationMeters`) count into and the export (`StationMetricsFactory`) describes.
public enum StationMetric: String, CaseIterable, Sendable {
    case frames = "kiosk_frames_total"
    case droppedFrames = "kiosk_frames_dropped_total"
    case analysisSeconds = "kiosk_frame_analysis_seconds"
    case captures = "kiosk_captures_total"
    case acceptances = "kiosk_acceptances_total"
    case checkFailures = "kiosk_check_failures_total"
    case outboxEntries = "kiosk_outbox_entries"
    case lastSync = "kiosk_last_sync_timestamp_seconds"

    /// The label a check failure carries: the clause of the photo standard that failed.
    public static let clauseLabel = "clause"
    /// The label an outbox count carries: `waiting` (to be sent) or `held` (kept back for an operator).
    public static let stateLabel = "state"

    /// What the figure means, as Prometheus shows it on its `# HELP` line.
    public var help: String {
        switch self {
        case .frames: "Camera frames the station took from its source."
        case .droppedFrames: "Camera frames never taken: skipped to stay current while the analysis was busy, or lost by the driver."
        case .analysisSeconds: "Time to decode and analyse one live frame for the guidance."
        case .captures: "Photos taken: bursts standardised and checked."
        case .acceptances: "Photos accepted on the review."
        case .checkFailures: "Failed checks on the photos taken, by clause of the photo standard."
        case .outboxEntries: "Outbox entries not yet confirmed by the server, by state (waiting or held)."
        case .lastSync: "Unix time of the last exchange the server confirmed (0: none since the station started)."
        }
    }

    /// The buckets of the analysis time: a live frame takes tens of milliseconds, a slow
    /// machine or a big camera frame a few hundred.
    static let analysisBuckets: [Duration] = [5, 10, 20, 35, 50, 75, 100, 150, 250, 500, 1000].map { .milliseconds($0) }

    /// The name and help for the registry.
    var descriptor: MetricNameDescriptor {
        MetricNameDescriptor(metricName: rawValue, unitName: "", helpText: help)
    }
}
