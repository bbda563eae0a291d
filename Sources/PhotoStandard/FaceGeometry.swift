import FaceKit

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
