import Capture
import Logging
import StationMetrics
import Synchronization

/// The station's camera with its frames counted where they come from: every frame taken and
/// every frame the source skipped or lost go to the meters, and whether the camera answers
/// goes to the station's status and, when that changes, to the log. Otherwise it is the
/// source it wraps.
public final class MeteredFrameSource: FrameSource {
    private let source: any FrameSource
    private let meters: StationMeters
    private let status: StationStatus?
    private let logger: Logger
    /// The source's skipped and lost frames already counted.
    private let counted = Mutex(0)

    public init(_ source: any FrameSource, meters: StationMeters, status: StationStatus?, logger: Logger = Logger(label: "kiosk.camera")) {
        self.source = source
        self.meters = meters
        self.status = status
        self.logger = logger
    }

    public var name: String { source.name }
    public var statistics: FrameStatistics { source.statistics }
    public func stop() { source.stop() }

    public func nextFrame(timeout: Duration) throws -> Frame {
        do {
            let frame = try source.nextFrame(timeout: timeout)
            let statistics = source.statistics
            let missed = statistics.dropped + statistics.lost
            let skipped = counted.withLock { counted in
                defer { counted = max(counted, missed) }
                return max(0, missed - counted)
            }
            meters.framesTaken(1, skipped: skipped)
            if status?.camera(ok: true) == true { logger.info("camera \(source.name) sends frames") }
            return frame
        } catch let error as CaptureError {
            if case .disconnected = error, status?.camera(ok: false) == true { logger.warning("camera lost: \(error)") }
            throw error
        }
    }
}
