import DataCache
import FaceKit
import Foundation
import ImageKit
import PhotoStandard

/// The standard photo from a 1920×1080 camera frame: the whole path and its stages.
///
/// The frame is obama.jpg scaled to the frame's height and set on a plain grey backdrop (which
/// is also the clean plate), so the face is about as large as at a station. Run it on one core
/// (`taskset -c 0 kiosk bench standard`): OpenCV otherwise spreads resizing and filtering over
/// every core.
public struct StandardBenchmarks: BenchmarkSuite {
    public var name: String { "standard" }
    public var summary: String { "1920×1080 frame → finished 480×640 photo: segmentation, matte, resample, encode" }

    public init() {}

    public func run(_ context: BenchmarkContext) throws -> [BenchmarkResult] {
        let cache = DataCache(root: context.dataCache)
        let (frame, plate) = try Self.frame(ImageFile.read(cache.face("obama.jpg")))
        let detector = try FaceDetector(models: FaceModels.defaults(models: cache.models))
        let half = frame.resized(to: PixelSize(width: 960, height: 540), filter: .area)
        guard let found = try detector.detect(in: half).first else {
            throw FaceError.invalidInput("no face found in the 1920×1080 benchmark frame")
        }
        let landmarks = found.landmarks.transformed(scale: 2)
        // The station's standardiser segments with the person network; grabCut alone is timed
        // beside it, as the fallback without the network.
        let network = try PersonNetwork(file: PersonNetwork.defaultFile(models: cache.models))
        let standardizer = Standardizer(network: network), classical = Standardizer()
        let spec = standardizer.spec
        let photo = try standardizer.standardize(frame, landmarks: landmarks)
        let sourceRegion = photo.plan.sourceRegion(spec)
        let region = PixelRect(x: Int(sourceRegion.x.rounded()), y: Int(sourceRegion.y.rounded()),
                               width: Int(sourceRegion.width.rounded()), height: Int(sourceRegion.height.rounded()))
        let resampled = Resampler.resample(frame, region: region, to: spec.size)
        let person = photo.alpha.grayImage(scale: 510, offset: -254)
        let matte = MatteRefiner().refine(image: resampled, mask: person, sureForeground: [], plate: nil, bandScale: 4)
        let composed = matte.composite(over: spec.background)
        try context.writeInput("standard-frame-1920x1080.jpg", JPEG.encode(frame, options: .init(quality: 92)))

        var results: [BenchmarkResult] = []
        // Besides wall time, the process's CPU time per run: on a shared, loaded machine it is the
        // better estimate of what one free core would take.
        func record(_ name: String, figures: [String: Double] = [:], _ body: () throws -> Void) throws {
            var cpu = 0.0, runs = 0.0
            let timings = try context.measure {
                let start = Self.processCPUMilliseconds()
                try body()
                cpu += Self.processCPUMilliseconds() - start
                runs += 1
            }
            results.append(BenchmarkResult(suite: self.name, name: name, timings: timings,
                                           figures: figures.merging(["cpu ms": cpu / max(1, runs)]) { a, _ in a }))
        }
        try record("whole path, no plate, network + grabCut (landmarks given)", figures: ["bytes": Double(photo.jpeg.count)]) {
            blackHole(try standardizer.standardize(frame, landmarks: landmarks))
        }
        try record("whole path, no plate, grabCut alone (landmarks given)") {
            blackHole(try classical.standardize(frame, landmarks: landmarks))
        }
        try record("whole path, clean plate + network (landmarks given)") {
            blackHole(try standardizer.standardize(frame, landmarks: landmarks, plate: plate))
        }
        try record("whole path, clean plate alone (landmarks given)") {
            blackHole(try classical.standardize(frame, landmarks: landmarks, plate: plate))
        }
        try record("whole path with face detection on a 960x540 copy") {
            let small = frame.resized(to: PixelSize(width: 960, height: 540), filter: .area)
            guard let face = try detector.detect(in: small).first else { return }
            blackHole(try standardizer.standardize(frame, landmarks: face.landmarks.transformed(scale: 2)))
        }
        try record("segmentation: person network alone (u2netp, 320x320)") {
            blackHole(try network.probability(frame.cropped(to: PixelRect(x: 560, y: 80, width: 800, height: 1000)),
                                              size: PixelSize(width: 200, height: 250)))
        }
        try record("segmentation: person network + grabCut at reduced size") {
            blackHole(try PersonSegmenter(network: network).segment(frame, landmarks: landmarks))
        }
        try record("segmentation: grabCut alone at reduced size") {
            blackHole(try PersonSegmenter().segment(frame, landmarks: landmarks))
        }
        try record("segmentation: clean-plate difference at reduced size") {
            blackHole(try PersonSegmenter().segment(frame, plate: plate, landmarks: landmarks))
        }
        try record("segmentation: clean plate + person network + grabCut at reduced size") {
            blackHole(try PersonSegmenter(network: network).segment(frame, plate: plate, landmarks: landmarks))
        }
        try record("resample: region to 480x640 (area + Lanczos)") {
            blackHole(Resampler.resample(frame, region: region, to: spec.size))
        }
        try record("refinement: guided-filter matte + foreground colours, 480x640") {
            blackHole(MatteRefiner().refine(image: resampled, mask: person, sureForeground: [], plate: nil, bandScale: 4))
        }
        try record("composite onto the background, 480x640") { blackHole(matte.composite(over: spec.background)) }
        try record("encode into the 20-40 KB window, 300 dpi") {
            blackHole(try JPEG.encode(composed, into: spec.encoderWindow))
        }
        return results
    }

    static func processCPUMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) * 1e-6
    }

    /// The portrait scaled to 1000 rows and set at the bottom centre of a plain grey 1920×1080
    /// backdrop, and the backdrop alone as its clean plate.
    static func frame(_ portrait: RGBImage) -> (frame: RGBImage, plate: RGBImage) {
        let height = 1000, width = portrait.width * height / portrait.height
        let scaled = portrait.resized(to: PixelSize(width: width, height: height), filter: .area)
        let plate = RGBImage(width: 1920, height: 1080, elements: [UInt8](repeating: 0, count: 1920 * 1080 * 3)
            .enumerated().map { UInt8(190 - ($0.offset / (1920 * 3)) / 40 + ($0.offset % 3 == 2 ? 6 : 0)) })
        var frame = plate
        let x0 = (1920 - width) / 2
        scaled.withUnsafeRows { src, stride in
            frame.withUnsafeMutableRows { dst, ds in
                for y in 0..<height {
                    (dst + (1080 - height + y) * ds + 3 * x0).update(from: src + y * stride, count: 3 * width)
                }
            }
        }
        return (frame, plate)
    }
}
