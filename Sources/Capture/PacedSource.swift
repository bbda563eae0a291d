import Foundation
import Synchronization

/// Produces the frame with a given index for a `PacedSource`.
protocol FrameGenerator: Sendable {
    var name: String { get }
    /// How many frames there are, or nil for an endless source.
    var frameCount: Int? { get }
    /// The image of frame `index` (already wrapped around for looping sources).
    func frame(at index: Int) throws -> (format: FourCC, width: Int, height: Int, bytesPerLine: Int, bytes: [UInt8])
}

/// A source that makes its frames on demand at a fixed rate, as a camera would, and drops
/// the ones the consumer was too slow for. Replay and the test pattern are built on it.
public final class PacedSource: FrameSource {
    public let name: String
    private let generator: any FrameGenerator
    private let loops: Bool
    // Callers of `nextFrame` queue on `pacing` (held while waiting for the next frame);
    // the counters and the stop flag have their own locks so reading them never waits.
    private let pacing: Mutex<FramePacer>
    private let counters = Mutex(FrameStatistics())
    private let stopped = Atomic<Bool>(false)

    init(generator: any FrameGenerator, fps: Double, loops: Bool) {
        self.generator = generator
        self.loops = loops
        name = generator.name
        pacing = Mutex(FramePacer(fps: fps))
    }

    public var statistics: FrameStatistics { counters.withLock { $0 } }

    public func stop() { stopped.store(true, ordering: .releasing) }

    public func nextFrame(timeout: Duration) throws -> Frame {
        let (index, due): (Int64, MonotonicTime) = try pacing.withLock { pacer in
            guard !stopped.load(ordering: .acquiring) else { throw CaptureError.stopped(source: name) }
            guard let next = pacer.next(timeout: timeout) else {
                throw CaptureError.timeout(source: name, seconds: timeout.secondsValue)
            }
            if let count = generator.frameCount, !loops, next.index >= count {
                let lastDelivered = next.index - next.skipped - 1
                counters.withLock { $0.dropped += max(0, count - 1 - Int(lastDelivered)) }
                stopped.store(true, ordering: .releasing)
                throw CaptureError.endOfStream(source: name)
            }
            counters.withLock {
                $0.delivered += 1
                $0.dropped += Int(next.skipped)
            }
            return (next.index, next.due)
        }
        let position = generator.frameCount.map { Int(index % Int64($0)) } ?? Int(index)
        let image = try generator.frame(at: position)
        return Frame(pixelFormat: image.format, width: image.width, height: image.height,
                     bytesPerLine: image.bytesPerLine, timestamp: due, sequence: UInt64(index),
                     bytes: FrameBytes(image.bytes))
    }
}
