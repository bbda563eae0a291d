import Capture
import DataCache
import Foundation
import ImageKit

/// Frames through the capture path, as the analysis receives them.
///
/// MJPEG is measured on recorded data replayed as a camera (vivid, the V4L2 test driver,
/// has no MJPEG): 30 frames of a real portrait (obama3.jpg, 16:9, panned a little per frame),
/// encoded at quality 85, written as an MJPEG stream and played by `replay:`. Each iteration
/// takes the newest frame and decodes it, at full size or at 1/4 for the preview. YUYV
/// 640×480 is measured on a real V4L2 device when one is there (vivid in the VM of
/// scripts/vm/run-in-vm.sh, or the camera named by `KIOSK_BENCH_CAMERA`), with conversion
/// to RGB per frame, and as a single frame's conversion on this machine. Latency is from the
/// frame's capture timestamp to its arrival.
public struct CaptureBenchmarks: BenchmarkSuite {
    public var name: String { "capture" }
    public var summary: String {
        "replayed MJPEG 720p/1080p decoded full and 1/4, YUYV 640×480 on a V4L2 camera if present, frame latency"
    }

    public init() {}

    public func run(_ context: BenchmarkContext) throws -> [BenchmarkResult] {
        var results = [BenchmarkResult]()
        let portrait = try ImageFile.read(DataCache(root: context.dataCache).face("obama3.jpg"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capture-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        for (width, height) in [(1280, 720), (1920, 1080)] {
            let stream = folder.appendingPathComponent("\(width)x\(height).mjpeg")
            try Data(Self.recording(of: portrait, width: width, height: height)).write(to: stream)
            for scale in [JPEGScale.full, .quarter] {
                // Played far faster than it can be decoded: every iteration gets a fresh frame
                // without waiting, so the figures are the capture path's own cost.
                let source = try SourceSpec.replay(path: stream.path, fps: 100_000, loops: true).open()
                results.append(try Self.measureFrames(
                    "MJPEG \(width)×\(height) replayed, decoded \(scale == .full ? "full" : "1/4")",
                    suite: name, context: context, source: source) { blackHole(try $0.rgbImage(scale: scale)) })
            }
        }

        // A YUYV 640×480 webcam frame (the portrait, converted as a camera would send it),
        // taken through Frame's conversion: the per-frame CPU cost of a YUYV camera.
        let vga = portrait.resized(to: PixelSize(width: 640, height: 480), filter: .area)
        let yuyv = Frame(pixelFormat: .yuyv, width: 640, height: 480, bytesPerLine: 1280, timestamp: .now(),
                         sequence: 0, bytes: FrameBytes(ImageBenchmarks.yuyv(from: vga)))
        results.append(BenchmarkResult(suite: name, name: "YUYV 640×480 frame → RGB",
                                       timings: try context.measure { blackHole(try yuyv.rgbImage()) }))

        let pattern = try SourceSpec.pattern(width: 640, height: 480, fps: 30).open()
        results.append(try Self.measureLatency("latency, pattern source at 30 fps", suite: name, context: context,
                                               source: pattern))

        if let camera = Self.camera() {
            let source = try camera.open(mode: ModeRequest(pixelFormat: .yuyv, width: 640, height: 480, minimumFPS: 0))
            defer { source.stop() }
            results.append(try Self.measureFrames("YUYV 640×480 from \(source.name), converted to RGB", suite: name,
                                                  context: context, source: source) { blackHole(try $0.rgbImage()) })
            // vivid stamps a frame with its computed frame time, not the moment it was filled
            // (in the VM, 34 ms after the frame arrives), so only other drivers give a latency.
            if !source.name.contains("vivid") {
                results.append(try Self.measureLatency("latency, \(source.name)", suite: name, context: context,
                                                       source: source))
            }
        }
        return results
    }

    /// `KIOSK_BENCH_CAMERA`, else the first vivid node.
    static func camera() -> SourceSpec? {
        if let spec = ProcessInfo.processInfo.environment["KIOSK_BENCH_CAMERA"] { return try? SourceSpec(parsing: spec) }
        let vivid = DeviceDirectory.system.videoNodes().first { node in
            let name = URL(fileURLWithPath: node).lastPathComponent
            return (try? String(contentsOfFile: "/sys/class/video4linux/\(name)/name", encoding: .utf8))?.contains("vivid") == true
        }
        return vivid.map { .camera(.path($0)) }
    }

    /// 30 frames panning across the 16:9 middle of `image`, as MJPEG.
    static func recording(of image: RGBImage, width: Int, height: Int) throws -> [UInt8] {
        let cropWidth = image.width * 9 / 10, cropHeight = cropWidth * 9 / 16
        var stream = [UInt8]()
        for i in 0..<30 {
            let crop = image.cropped(to: PixelRect(x: i * (image.width - cropWidth) / 30, y: image.height / 5,
                                                   width: cropWidth, height: cropHeight))
            let frame = crop.resized(to: PixelSize(width: width, height: height), filter: .area)
            stream += try JPEG.encode(frame, options: JPEGEncodeOptions(quality: 85, density: .dpi(72)))
        }
        return stream
    }

    /// Times take-and-process per frame; adds the sustained rate, the process CPU time per
    /// frame and the drops.
    static func measureFrames(_ name: String, suite: String, context: BenchmarkContext, source: any FrameSource,
                              process: (Frame) throws -> Void) throws -> BenchmarkResult {
        let cpuBefore = cpuSeconds()
        let start = ContinuousClock.now
        let timings = try context.measure { try process(source.nextFrame(timeout: .seconds(5))) }
        let wall = (ContinuousClock.now - start).seconds
        let frames = Double(context.iterations + context.warmup)
        let stats = source.statistics
        return BenchmarkResult(suite: suite, name: name, timings: timings, figures: [
            "fps": frames / wall, "cpu ms/frame": (cpuSeconds() - cpuBefore) * 1000 / frames,
            "dropped": Double(stats.dropped), "lost": Double(stats.lost),
        ])
    }

    /// The time from each frame's capture timestamp to `nextFrame` returning it, in ms.
    static func measureLatency(_ name: String, suite: String, context: BenchmarkContext,
                               source: any FrameSource) throws -> BenchmarkResult {
        var latencies = [Double]()
        for i in 0..<(context.warmup + context.iterations) {
            let frame = try source.nextFrame(timeout: .seconds(5))
            let latency = (MonotonicTime.now() - frame.timestamp).seconds * 1000
            if i >= context.warmup { latencies.append(latency) }
        }
        return BenchmarkResult(suite: suite, name: name, timings: latencies)
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
