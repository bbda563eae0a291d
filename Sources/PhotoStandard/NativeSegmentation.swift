import CVision
import ImageKit

/// A failure inside OpenCV while segmenting, with OpenCV's own message.
public struct SegmentationError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let message: String
    public var description: String { "\(operation) failed: \(message)" }
}

/// The label of each pixel of a grabCut mask.
enum GrabCutLabel: UInt8 {
    case background = 0
    case foreground = 1
    case probablyBackground = 2
    case probablyForeground = 3
}

extension PixelBuffer where Format == Gray {
    /// A native view of 8-bit pixels; `mutating` callers pass their own rows.
    fileprivate static func view(_ base: UnsafePointer<UInt8>, _ stride: Int, _ width: Int, _ height: Int,
                                 channels: Int) -> cvk_image {
        cvk_image(data: UnsafeMutableRawPointer(mutating: base), width: Int32(width), height: Int32(height),
                  stride: Int64(stride), type: Int32((channels == 3 ? CVK_U8C3 : CVK_U8C1).rawValue))
    }

    /// Runs OpenCV's grabCut on `image` starting from this mask of `GrabCutLabel` values.
    mutating func grabCut(_ image: RGBImage, iterations: Int) throws(SegmentationError) {
        precondition(image.size == size, "grabCut mask \(size) does not match image \(image.size)")
        let (w, h) = (width, height)
        let status = image.withUnsafeRows { rgb, rgbStride in
            withUnsafeMutableRows { mask, maskStride in
                cvk_grabcut(Self.view(rgb, rgbStride, w, h, channels: 3),
                            Self.view(mask, maskStride, w, h, channels: 1), Int32(iterations))
            }
        }
        if status != 0 { throw SegmentationError(operation: "grabCut", message: String(cString: cvk_last_error())) }
    }
}
