import ImageKit
import PhotoStandard

/// Where the head should sit in the camera frame so that the spec photo is cut with little
/// enlargement: the photo is planned to span `photoHeightFraction` of the frame height,
/// centred, and the guide is the head (hair top to chin, a little wider than the cheeks) of
/// a face at the spec's preferred measures in that photo.
public struct GuideGeometry: Hashable, Sendable {
    public var spec: PhotoSpec
    public var photoHeightFraction: Double

    public init(spec: PhotoSpec = .diplomaBlue, photoHeightFraction: Double = 0.9) {
        self.spec = spec
        self.photoHeightFraction = photoHeightFraction
    }

    /// The head box in fractions of a frame of `size` (x, y, width, height in 0…1).
    public func headBox(frame size: PixelSize) -> (x: Double, y: Double, width: Double, height: Double) {
        let w = Double(size.width), h = Double(size.height)
        guard w > 0, h > 0 else { return (0, 0, 0, 0) }
        let scale = Double(spec.height) / (photoHeightFraction * h)
        let photoTop = (1 - photoHeightFraction) / 2 * h
        // Chin below the eye line by about 0.9 cheek widths; the head with hair about 1.25
        // cheek widths wide: proportions of an average adult face.
        let top = photoTop + spec.headTop.preferred / scale
        let chin = photoTop + (spec.eyeLine.preferred + 0.9 * spec.faceWidth.preferred) / scale
        let width = 1.25 * spec.faceWidth.preferred / scale
        return ((w - width) / 2 / w, top / h, width / w, (chin - top) / h)
    }
}
