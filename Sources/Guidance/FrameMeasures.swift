import FaceKit
import ImageKit
import PhotoStandard

/// The face the analysis follows, in the coordinates of the reduced analysis image.
public struct FaceObservation: Sendable, Hashable {
    public var box: PixelRect
    public var landmarks: FaceLandmarks
    public var measures: FaceMeasures

    public init(box: PixelRect, landmarks: FaceLandmarks, measures: FaceMeasures) {
        self.box = box
        self.landmarks = landmarks
        self.measures = measures
    }
}

/// Everything measured on one frame; the guidance decides from these values alone.
public struct FrameMeasures: Sendable {
    /// Seconds on the loop's clock when the frame was taken.
    public var time: Double
    /// Size of the analysis image the positions refer to.
    public var analysisSize: PixelSize
    /// Full-frame pixels per analysis pixel.
    public var analysisScale: Double
    /// Faces found (the largest is followed).
    public var faceCount: Int
    public var face: FaceObservation?
    /// Why no spec photo could be cut from this frame (nil: a crop is possible).
    public var framing: FramingProblem?
    /// Mean luma (0…255) over the face, or over the frame when there is no face.
    public var exposure: Double
    /// Brightness difference between the two cheeks over the brighter one (−1…1): positive
    /// when the image-left cheek (the person's right) is the brighter one.
    public var lightBalance: Double
    /// Variance of the Laplacian over the face (grey levels²): higher is sharper.
    public var sharpness: Double
    /// How fast the landmarks move, in inter-eye distances per second (nil: no earlier face).
    public var motion: Double?

    public init(time: Double, analysisSize: PixelSize, analysisScale: Double = 1, faceCount: Int = 0,
                face: FaceObservation? = nil, framing: FramingProblem? = nil, exposure: Double = 128,
                lightBalance: Double = 0, sharpness: Double = 0, motion: Double? = nil) {
        self.time = time
        self.analysisSize = analysisSize
        self.analysisScale = analysisScale
        self.faceCount = faceCount
        self.face = face
        self.framing = framing
        self.exposure = exposure
        self.lightBalance = lightBalance
        self.sharpness = sharpness
        self.motion = motion
    }
}
