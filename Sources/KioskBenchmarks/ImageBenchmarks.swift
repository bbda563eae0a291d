import DataCache
import Foundation
import ImageKit
import PhotoStandard

/// Decode, colour conversion, resampling and encoding at the sizes a station handles.
///
/// The frames are made from a real portrait (obama3.jpg from the test data, 16:9 crop scaled
/// to each size, encoded at quality 85 with 4:2:0 like a webcam's MJPEG). When `inputs` is
/// set, every input is also written there so another program (scripts/bench_pillow.py) can
/// time the same operations on the same bytes.
public struct ImageBenchmarks: BenchmarkSuite {
    public var name: String { "image" }
    public var summary: String { "JPEG decode and encode, YUYV→RGB, the final 480×640 downscale" }

    public func run(_ context: BenchmarkContext) throws -> [BenchmarkResult] {
        let source = try ImageFile.read(DataCache(root: context.dataCache).face("obama3.jpg"))
        let wide = source.cropped(to: PixelRect(x: 0, y: source.height / 5, width: source.width,
                                                height: source.width * 9 / 16))
        var results: [BenchmarkResult] = []
        func record(_ name: String, _ figures: [String: Double] = [:], _ body: () throws -> Void) rethrows {
            results.append(BenchmarkResult(suite: self.name, name: name, timings: try context.measure(body), figures: figures))
        }

        var frames: [Int: RGBImage] = [:]
        for (width, height) in [(1280, 720), (1920, 1080)] {
            let frame = wide.resized(to: PixelSize(width: width, height: height), filter: .lanczos)
            frames[width] = frame
            let jpeg = try JPEG.encode(frame, options: JPEGEncodeOptions(quality: 85, density: .dpi(72)))
            try context.writeInput("frame-\(width)x\(height).jpg", jpeg)
            for scale in [JPEGScale.full, .quarter] {
                let label = scale == .full ? "full" : "1/4"
                try record("JPEG decode \(width)×\(height) \(label)", ["bytes": Double(jpeg.count)]) {
                    blackHole(try JPEG.decode(jpeg, scale: scale))
                }
            }
        }

        let frame720 = frames[1280]!
        let yuyv = Self.yuyv(from: frame720)
        try context.writeInput("frame-1280x720.yuyv", yuyv)
        try record("YUYV→RGB 1280×720") {
            try yuyv.withUnsafeBytes { blackHole(try RGBImage(yuyv: $0, width: 1280, height: 720)) }
        }

        // The final photo's resample: the 3:4 region of a 1080p frame down to 480×640.
        let frame1080 = frames[1920]!
        let portrait = frame1080.cropped(to: PixelRect(x: (1920 - 810) / 2, y: 0, width: 810, height: 1080))
        var photo = portrait
        record("Lanczos 810×1080 (3:4 of 1080p) → 480×640") {
            photo = portrait.resized(to: PixelSize(width: 480, height: 640), filter: .lanczos)
        }

        var chosen = try JPEG.encode(photo, into: PhotoSpec.diplomaBlue.encoderWindow)
        try record("encode 480×640 into 20–40 KB") {
            chosen = try JPEG.encode(photo, into: PhotoSpec.diplomaBlue.encoderWindow)
        }
        results[results.count - 1].figures = ["bytes": Double(chosen.bytes.count), "quality": Double(chosen.quality),
                                              "encodes": Double(chosen.encodes)]
        try context.writeInput("photo-480x640.rgb", photo.elements)
        try record("encode 480×640 once at q\(chosen.quality)") {
            blackHole(try JPEG.encode(photo, options: JPEGEncodeOptions(quality: chosen.quality)))
        }
        return results
    }

    /// Packs an RGB image as YUYV with BT.601 limited-range coefficients, as a webcam would.
    static func yuyv(from image: RGBImage) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(image.width * image.height * 2)
        for y in 0..<image.height {
            for x in stride(from: 0, to: image.width, by: 2) {
                let (r0, g0, b0) = image.rgb(x, y), (r1, g1, b1) = image.rgb(x + 1, y)
                func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
                    let weighted: Double = 65.738 * Double(r) + 129.057 * Double(g) + 25.064 * Double(b)
                    return UInt8(16 + weighted / 256)
                }
                let r: Double = (Double(r0) + Double(r1)) / 2
                let g: Double = (Double(g0) + Double(g1)) / 2
                let b: Double = (Double(b0) + Double(b1)) / 2
                let uWeighted: Double = -37.945 * r - 74.494 * g + 112.439 * b
                let vWeighted: Double = 112.439 * r - 94.154 * g - 18.285 * b
                let u = UInt8(128 + uWeighted / 256)
                let v = UInt8(128 + vWeighted / 256)
                out += [luma(r0, g0, b0), u, luma(r1, g1, b1), v]
            }
        }
        return out
    }
}
