import DataCache
import FaceKit
import Foundation
import ImageKit
import Testing

@Suite(.enabled(if: cache.isPopulated, Comment(rawValue: cache.missingMessage)))
struct MeasureTests {
    @Test(arguments: [-7.0, 4.0, 12.0])
    func rollOnARotatedPhotoMatchesTheRotationWithinOneDegree(_ degrees: Double) throws {
        let image = try photo("obama.jpg")
        let upright = try onlyFace(in: image).landmarks
        let centre = upright.eyeMidpoint
        let turned = try onlyFace(in: image.rotated(degrees: degrees, about: (centre.x, centre.y))).landmarks
        #expect(abs(turned.rollDegrees - upright.rollDegrees - degrees) < 1)
        let camera = PoseCamera(imageSize: image.size)
        let fitted = try HeadPose(landmarks: turned, camera: camera).roll - HeadPose(landmarks: upright, camera: camera).roll
        #expect(abs(fitted - degrees) < 1.5)
    }

    @Test func mirroringReversesYawAndRollAndKeepsPitch() throws {
        let image = try photo("obama2.jpg")  // head turned and tilted a little
        let camera = PoseCamera(imageSize: image.size)
        let pose = try HeadPose(landmarks: try onlyFace(in: image).landmarks, camera: camera)
        let flipped = try HeadPose(landmarks: try onlyFace(in: mirrored(image)).landmarks, camera: camera)
        #expect(abs(pose.yaw + flipped.yaw) < 2)
        #expect(abs(pose.roll + flipped.roll) < 2)
        #expect(abs(pose.pitch - flipped.pitch) < 2)
        #expect(abs(pose.yaw) > 3, "obama2 is not frontal, so the sign test means something")
    }

    @Test func anOpenMouthMeasuresOpenAndAClosedOneClosed() throws {
        let open = try onlyFace(in: try photo("obama2.jpg")).landmarks  // speaking
        let closed = try onlyFace(in: try photo("obama3.jpg")).landmarks
        #expect(open.mouthOpenness > 0.25)
        #expect(closed.mouthOpenness < 0.1)
    }

    @Test(arguments: portraits)
    func openEyesHaveATypicalAspectRatio(_ name: String) throws {
        let lm = try onlyFace(in: try photo(name)).landmarks
        for ratio in [lm.rightEyeAspectRatio, lm.leftEyeAspectRatio] { #expect(ratio > 0.18 && ratio < 0.45) }
    }

    @Test func theLandmarkBoxHoldsEveryPointAndTheEyeMeasuresAgree() throws {
        let image = try photo("obama.jpg")
        let lm = try onlyFace(in: image).landmarks
        let measures = FaceMeasures(landmarks: lm, imageSize: image.size)
        let box = measures.landmarkBox
        for p in lm.points {
            #expect(p.x >= Double(box.x) && p.x <= Double(box.maxX) && p.y >= Double(box.y) && p.y <= Double(box.maxY))
        }
        #expect(measures.chin == lm.points[8])
        #expect(abs(measures.interEyeDistance - measures.rightEyeCenter.distance(to: measures.leftEyeCenter)) < 1e-9)
        #expect(measures.pose != nil)
    }
}

/// The pose fit on landmarks made by projecting the generic face with a known pose: the
/// fit must give that pose back, with the documented signs.
struct PoseFitTests {
    /// Projects `GenericFace` turned so that the nose points `yaw` degrees to the image's
    /// right, `pitch` degrees up, then rolled `roll` degrees clockwise on screen, 600 mm in
    /// front of `camera`.
    static func landmarks(yaw: Double, pitch: Double, roll: Double, camera: PoseCamera) -> FaceLandmarks {
        let (a, b, c) = (yaw * .pi / 180, pitch * .pi / 180, roll * .pi / 180)
        var points = Array(repeating: Point2D(x: 0, y: 0), count: FaceLandmarks.count)
        for m in GenericFace.points {
            // Nose (z < 0, towards the camera) up: turn about x so that −z goes to −y.
            let y1 = m.y * cos(b) + m.z * sin(b), z1 = -m.y * sin(b) + m.z * cos(b)
            // Nose right: turn about y so that −z goes to +x.
            let x2 = m.x * cos(a) - z1 * sin(a), z2 = m.x * sin(a) + z1 * cos(a)
            let x3 = x2 * cos(c) - y1 * sin(c), y3 = x2 * sin(c) + y1 * cos(c)
            let z = z2 + 600
            points[m.landmark] = Point2D(x: camera.principalPoint.x + camera.focalLength * x3 / z,
                                         y: camera.principalPoint.y + camera.focalLength * y3 / z)
        }
        return FaceLandmarks(points: points)
    }

    @Test(arguments: [(0.0, 0.0, 0.0), (20, 0, 0), (-15, 10, 5), (10, -12, -8), (0, 25, 0)])
    func theFitRecoversAKnownPose(_ pose: (Double, Double, Double)) throws {
        let camera = PoseCamera(imageSize: PixelSize(width: 640, height: 480))
        let lm = Self.landmarks(yaw: pose.0, pitch: pose.1, roll: pose.2, camera: camera)
        let fitted = try HeadPose(landmarks: lm, camera: camera)
        #expect(abs(fitted.yaw - pose.0) < 0.1)
        #expect(abs(fitted.pitch - pose.1) < 0.1)
        #expect(abs(fitted.roll - pose.2) < 0.1)
        #expect(fitted.reprojectionError < 0.01)
    }

    @Test func theEyeLineRollHasTheSameSignAsThePoseRoll() {
        let camera = PoseCamera(imageSize: PixelSize(width: 640, height: 480))
        let lm = Self.landmarks(yaw: 0, pitch: 0, roll: 10, camera: camera)
        // Only the eye corners are placed; the eye line runs through them.
        let right = lm.points[36], left = lm.points[45]
        #expect(abs(atan2(left.y - right.y, left.x - right.x) * 180 / .pi - 10) < 0.5)
    }
}
