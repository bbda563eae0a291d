import CDlib
import ImageKit

/// The pinhole camera the pose fit assumes.
///
/// Webcams and the station's camera do not report their focal length, so the default is a
/// stated assumption: focal length = image width in pixels (a horizontal field of view of
/// 53°, typical of webcams and of a portrait lens on a cropped frame), principal point at
/// the image centre, no lens distortion. Yaw and pitch change by a few tenths of a degree
/// per 10% error in the focal length for a face that looks near the camera.
public struct PoseCamera: Sendable, Hashable, Codable {
    public var focalLength: Double
    public var principalPoint: Point2D

    public init(focalLength: Double, principalPoint: Point2D) {
        self.focalLength = focalLength
        self.principalPoint = principalPoint
    }

    /// The default camera for an image of `size`.
    public init(imageSize size: PixelSize) {
        self.init(focalLength: Double(size.width),
                  principalPoint: Point2D(x: Double(size.width) / 2, y: Double(size.height) / 2))
    }
}

/// Head orientation in degrees, from a perspective fit of landmarks to a generic 3-D face.
///
/// Signs: `yaw` > 0 when the face turns towards the image's right (the person's own left);
/// `pitch` > 0 when the face tilts up (chin forward); `roll` > 0 clockwise on screen
/// (the image-right eye lower), as `FaceLandmarks.rollDegrees`. Zero is a face looking
/// straight into the camera, so with an off-axis face position the angles include the
/// viewing direction.
public struct HeadPose: Sendable, Hashable, Codable {
    public var yaw: Double
    public var pitch: Double
    public var roll: Double
    /// Root-mean-square distance between the landmarks and the fitted model's projection,
    /// in pixels; large values (relative to the face size) mean the fit is poor.
    public var reprojectionError: Double

    public init(yaw: Double, pitch: Double, roll: Double, reprojectionError: Double) {
        self.yaw = yaw
        self.pitch = pitch
        self.roll = roll
        self.reprojectionError = reprojectionError
    }

    /// Fits `GenericFace.points` to their landmarks by Levenberg–Marquardt (dlib's
    /// `solve_least_squares_lm`) through `camera`.
    public init(landmarks: FaceLandmarks, camera: PoseCamera) throws(FaceError) {
        let model = GenericFace.points.flatMap { [$0.x, $0.y, $0.z] }
        let image = GenericFace.points.flatMap { [landmarks.points[$0.landmark].x, landmarks.points[$0.landmark].y] }
        var pose = [Double](repeating: 0, count: 6)
        var rms = 0.0
        let status = cvk_fit_pose(model, image, Int32(GenericFace.points.count), camera.focalLength,
                                  camera.principalPoint.x, camera.principalPoint.y, &pose, &rms)
        guard status == 0 else { throw .library(operation: "head pose fit", message: lastNativeError()) }
        // The fit's rotation angles (about the camera's x, y, z axes) have the opposite sign
        // to this type's convention for pitch (x) and yaw (y); see `GenericFace`.
        self.init(yaw: -pose[1] * 180 / .pi, pitch: -pose[0] * 180 / .pi, roll: pose[2] * 180 / .pi,
                  reprojectionError: rms)
    }
}

/// A generic adult face as 3-D points, in millimetres, in camera-aligned axes for a face
/// looking into the camera: x towards the image's right, y down, z away from the camera;
/// the origin is on the eye line between the eyes.
///
/// Widths and heights are where dlib's 68-point model puts these landmarks on frontal
/// faces, relative to the outer eye corners taken as 90 mm apart (inner corners 0.44 of
/// that, mouth corners 0.65, nostril wings 0.38; nose tip 0.38 and mouth 0.75 below the
/// eye line, chin 1.38), measured on the test portraits; depths are rounded mean adult
/// proportions (nose tip 20 mm in front of the bridge, outer eye corners 18 mm behind
/// it). It is no one person, so the angles carry a few degrees of person-to-person bias,
/// the same for every photo of one person. Points on the jaw contour are left out: their 2-D position slides along the
/// cheek as the head turns, so they have no fixed 3-D counterpart.
public enum GenericFace {
    /// A landmark index and where that landmark sits on the generic face.
    public struct ModelPoint: Sendable, Hashable {
        public var landmark: Int
        public var x: Double
        public var y: Double
        public var z: Double
    }

    public static let points: [ModelPoint] = [
        ModelPoint(landmark: 27, x: 0, y: -5, z: 0),  // nose bridge
        ModelPoint(landmark: 30, x: 0, y: 34, z: -20),  // nose tip
        ModelPoint(landmark: 31, x: -17, y: 43, z: 0),  // right nostril wing
        ModelPoint(landmark: 35, x: 17, y: 43, z: 0),  // left nostril wing
        ModelPoint(landmark: 36, x: -45, y: 0, z: 18),  // right eye, outer corner
        ModelPoint(landmark: 39, x: -20, y: 0, z: 10),  // right eye, inner corner
        ModelPoint(landmark: 42, x: 20, y: 0, z: 10),  // left eye, inner corner
        ModelPoint(landmark: 45, x: 45, y: 0, z: 18),  // left eye, outer corner
        ModelPoint(landmark: 48, x: -29, y: 68, z: 12),  // right mouth corner
        ModelPoint(landmark: 54, x: 29, y: 68, z: 12),  // left mouth corner
        ModelPoint(landmark: 8, x: 0, y: 124, z: 5),  // chin
    ]
}
