import CVision
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
/// the origin is the nose bridge (landmark 27).
///
/// The values are rounded mean adult proportions (eye corners ±45 mm and ±15 mm, eyes
/// 20 mm / 12 mm behind the bridge; nose tip 45 mm below and 18 mm in front of it; mouth
/// corners ±25 mm at 75 mm; chin 120 mm below the eye line), not any one person, so the
/// angles carry a few degrees of person-to-person bias, the same for every photo of one
/// person. Points on the jaw contour are left out: their 2-D position slides along the
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
        ModelPoint(landmark: 27, x: 0, y: 0, z: 0),  // nose bridge
        ModelPoint(landmark: 30, x: 0, y: 45, z: -18),  // nose tip
        ModelPoint(landmark: 31, x: -13, y: 52, z: 0),  // right nostril wing
        ModelPoint(landmark: 35, x: 13, y: 52, z: 0),  // left nostril wing
        ModelPoint(landmark: 36, x: -45, y: 2, z: 20),  // right eye, outer corner
        ModelPoint(landmark: 39, x: -15, y: 2, z: 12),  // right eye, inner corner
        ModelPoint(landmark: 42, x: 15, y: 2, z: 12),  // left eye, inner corner
        ModelPoint(landmark: 45, x: 45, y: 2, z: 20),  // left eye, outer corner
        ModelPoint(landmark: 48, x: -25, y: 78, z: 12),  // right mouth corner
        ModelPoint(landmark: 54, x: 25, y: 78, z: 12),  // left mouth corner
        ModelPoint(landmark: 8, x: 0, y: 122, z: 5),  // chin
    ]
}
