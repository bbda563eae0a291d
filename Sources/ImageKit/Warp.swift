import CVision
import Foundation

extension PixelBuffer where Format: NativePixelFormat {
    /// The image turned by `degrees` (positive: clockwise on screen) about `center`, same size,
    /// bilinear, with the edge pixels repeated into the corners the turn uncovers
    /// (OpenCV `warpAffine`).
    ///
    /// For constructing test inputs such as a tilted head: the kiosk itself never rotates a
    /// photo or any part of it (the standard forbids it).
    public func rotated(degrees: Double, about center: (x: Double, y: Double)) -> PixelBuffer {
        let a = degrees * .pi / 180
        let c = cos(a), s = sin(a)
        // Output (x, y) takes the source point rotated back by −a about the centre.
        return warped(inverse: [c, s, center.x - c * center.x - s * center.y,
                                -s, c, center.y + s * center.x - c * center.y], size: size)
    }

    /// An image of `size` whose pixel (x, y) is this image's at (a·x + b·y + c, d·x + e·y + f)
    /// for `inverse` = [a, b, c, d, e, f], bilinear, with the edge pixels repeated beyond the
    /// borders (OpenCV `warpAffine`).
    public func warped(inverse: [Double], size: PixelSize) -> PixelBuffer {
        precondition(inverse.count == 6, "an affine map has six coefficients")
        return try! withNativeImage { src in
            try nativeProduce("affine warp", width: size.width, height: size.height) { dst in
                inverse.withUnsafeBufferPointer { cvk_warp_affine(src, dst, $0.baseAddress!) }
            }
        }
    }
}
