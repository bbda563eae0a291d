import ImageKit

/// The person network's map of one camera frame, over the part of it the segmentation looks
/// at. The live station makes it during the countdown, from a frame of the student holding
/// still, so that the capture does not wait for the network's pass (most of the time from the
/// capture to the review): `PersonSegmenter.earlierMap`.
public struct PersonMap: Sendable {
    /// The size of the frame the map was made on.
    public var frame: PixelSize
    /// The part of that frame the map covers, in frame pixels.
    public var window: PixelRect
    /// The probability (0…1) that each pixel is the person, over `window` at the plane's own
    /// resolution.
    public var probability: FloatPlane

    /// How far a later frame's window may lie from this map's, edge by edge, as a share of its
    /// longer side: a student holding still moves the face's window by a few pixels (the
    /// landmarks' jitter); beyond this the pose may have changed and the network runs again.
    public static let tolerance = 0.03

    public init(frame: PixelSize, window: PixelRect, probability: FloatPlane) {
        self.frame = frame
        self.window = window
        self.probability = probability
    }

    /// The map over `window` of a frame of size `frame`, at `size` (bilinear, the map's edge
    /// carried on over the sliver it does not cover); nil when the frame differs or the window
    /// has moved by more than `tolerance`.
    public func probability(over window: PixelRect, in frame: PixelSize, size: PixelSize) -> FloatPlane? {
        guard frame == self.frame, !window.isEmpty, !self.window.isEmpty, size.width > 0, size.height > 0 else { return nil }
        let moved = max(abs(window.x - self.window.x), abs(window.y - self.window.y),
                        abs(window.maxX - self.window.maxX), abs(window.maxY - self.window.maxY))
        guard Double(moved) <= Self.tolerance * Double(max(window.width, window.height)) else { return nil }
        // Output pixel centre u → frame x = window.x + (u + ½)·sx → map x = (frame x − own x)·kx − ½.
        let sx = Double(window.width) / Double(size.width), kx = Double(probability.width) / Double(self.window.width)
        let sy = Double(window.height) / Double(size.height), ky = Double(probability.height) / Double(self.window.height)
        return probability.warped(inverse: [sx * kx, 0, (Double(window.x - self.window.x) + 0.5 * sx) * kx - 0.5,
                                            0, sy * ky, (Double(window.y - self.window.y) + 0.5 * sy) * ky - 0.5],
                                  size: size)
    }
}
