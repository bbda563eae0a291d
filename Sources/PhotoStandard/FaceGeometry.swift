import FaceKit
import ImageKit

/// The measurements of a face that the spec's geometry is written in.
public struct FaceGeometry: Hashable, Sendable, Codable {
    /// Height of the eye line (the midpoint of the two eye centres).
    public var eyeLine: Double
    /// Face width at cheek level: the distance from jaw landmark 1 to jaw landmark 15.
    ///
    /// Points 1 and 15 are the first contour points below the ear, level with the cheekbones
    /// and just under the eyes: where a reviewer lays a ruler across the face. Points 0 and 16
    /// sit on the ears' edge at eye height and depend on hair and ear shape; points 3–13 run
    /// down to the narrower jaw.
    public var faceWidth: Double
    /// The midpoint of jaw points 1 and 15: the centre the photo is balanced on.
    public var centreX: Double
    /// The lowest point of the chin.
    public var chinY: Double
    /// The top of the eyebrows: above it lies forehead and hair.
    public var browTop: Double

    public init(eyeLine: Double, faceWidth: Double, centreX: Double, chinY: Double, browTop: Double) {
        self.eyeLine = eyeLine
        self.faceWidth = faceWidth
        self.centreX = centreX
        self.chinY = chinY
        self.browTop = browTop
    }

    public init(_ landmarks: FaceLandmarks) {
        let p = landmarks.points
        eyeLine = landmarks.eyeMidpoint.y
        faceWidth = p[1].distance(to: p[15])
        centreX = (p[1].x + p[15].x) / 2
        chinY = landmarks.chin.y
        browTop = (landmarks.rightBrow + landmarks.leftBrow).map(\.y).min() ?? eyeLine
    }
}

extension FaceGeometry {
    /// The same face in a window of the image scaled by `scale` (window pixels = (image − origin) × scale).
    public func inWindow(_ window: PixelRect, scale: Double) -> FaceGeometry {
        FaceGeometry(eyeLine: (eyeLine - Double(window.y)) * scale, faceWidth: faceWidth * scale,
                     centreX: (centreX - Double(window.x)) * scale, chinY: (chinY - Double(window.y)) * scale,
                     browTop: (browTop - Double(window.y)) * scale)
    }

    /// The middle of the face, from the brows to the chin: surely the person, so the component
    /// of a mask that covers most of it is the person.
    public var coreRect: PixelRect {
        let half = faceWidth * 0.3
        return PixelRect(x: Int(centreX - half), y: Int(browTop), width: max(1, Int(2 * half)),
                         height: max(1, Int(chinY - browTop)))
    }

    /// Backdrop that a seated person cannot cover: beside the head (beyond 1.4 face widths
    /// from its centre, above the chin) and well above the eyes (1.6 face widths, above any
    /// hair). The plate is matched to the frame there.
    public var backdropReference: [PixelRect] {
        let w = faceWidth
        let top = Int(eyeLine - 1.6 * w), chin = Int(chinY)
        let left = Int(centreX - 1.4 * w), right = Int(centreX + 1.4 * w)
        let far = 100_000
        return [PixelRect(x: -far, y: -far, width: 2 * far, height: top + far),
                PixelRect(x: -far, y: -far, width: left + far, height: chin + far),
                PixelRect(x: right, y: -far, width: far, height: chin + far)]
    }

    /// Marks, in `mask` (these coordinates), what every seated person has whatever its colour:
    /// the middle of the face, the forehead and crown above it (the skull rises at least 0.45
    /// face widths above the brows), the neck below the chin and the chest below that, which
    /// skin on a beige wall, a white collar on a pale wall or a shirt the colour of the plate
    /// would otherwise cut away.
    public func addBodyCore(to mask: inout GrayImage) {
        let w = faceWidth, width = mask.width, height = mask.height
        mask.withUnsafeMutableRows { p, stride in
            // The pixels of a rectangle (edges truncated as Int does) that lie in the mask.
            func fill(x0: Double, x1: Double, y0: Double, y1: Double) {
                let left = max(0, Int(x0)), top = max(0, Int(y0))
                for y in top..<max(top, min(height, Int(y1))) {
                    for x in left..<max(left, min(width, Int(x1))) { p[y * stride + x] = 255 }
                }
            }
            let face = coreRect
            fill(x0: Double(face.x), x1: Double(face.maxX), y0: Double(face.y), y1: Double(face.maxY))
            // The crown narrows as it curves: full core width up to 0.3 face widths above the
            // brows, then a narrower cap up to 0.42.
            fill(x0: centreX - 0.3 * w, x1: centreX + 0.3 * w, y0: browTop - 0.3 * w, y1: browTop)
            fill(x0: centreX - 0.18 * w, x1: centreX + 0.18 * w, y0: browTop - 0.42 * w, y1: browTop)
            // The neck from just above the chin, the chest below 0.6 face widths under it.
            let chestTop = chinY + 0.6 * w
            fill(x0: centreX - 0.22 * w, x1: centreX + 0.22 * w, y0: chinY - 0.05 * w, y1: chestTop)
            fill(x0: centreX - 0.45 * w, x1: centreX + 0.45 * w, y0: chestTop, y1: Double(height))
        }
    }
}
