import Compliance
import FaceKit
import ImageKit
import PhotoStandard

/// The face the analysis follows, in the coordinates of the reduced analysis image.
public struct FaceObservation: Sendable, Hashable {
    public var box: PixelRect
    public var landmarks: FaceLandmarks

    public init(box: PixelRect, landmarks: FaceLandmarks) {
        self.box = box
        self.landmarks = landmarks
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
    /// People in view by the one rule (`PeopleRule`): 0 when nobody is.
    public var faceCount: Int
    /// The person (nil: nobody in view).
    public var face: FaceObservation?
    /// Why no spec photo could be cut from this frame (nil: a crop is possible): no face,
    /// several people, or the one framing estimate (`CropSolver.problem`).
    public var framing: FramingProblem?
    /// The compliance figures of the person's face on the analysis copy (`FaceChecks.figures`),
    /// nil without a face.
    public var figures: FaceFigures?
    /// The compliance checks of this frame (`ComplianceChecker.frameCheck`), empty without a face.
    public var checks: [CheckResult]
    /// How fast the landmarks move, in inter-eye distances per second (nil: no earlier face).
    public var motion: Double?
    /// The station's recorded backdrop the checks of this frame were calibrated to
    /// (`ComplianceChecker.atStation`), nil without a plate: the guidance holds the exposure to
    /// the same calibrated limits.
    public var backdropReference: Double?

    public init(time: Double, analysisSize: PixelSize, analysisScale: Double = 1, faceCount: Int = 0,
                face: FaceObservation? = nil, framing: FramingProblem? = nil, figures: FaceFigures? = nil,
                checks: [CheckResult] = [], motion: Double? = nil) {
        self.time = time
        self.analysisSize = analysisSize
        self.analysisScale = analysisScale
        self.faceCount = faceCount
        self.face = face
        self.framing = framing
        self.figures = figures
        self.checks = checks
        self.motion = motion
    }
}
