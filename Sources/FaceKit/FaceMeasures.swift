import ImageKit

extension FaceLandmarks {
    /// Eye aspect ratio of the person's right eye (image left): the two lid-to-lid heights
    /// over twice the corner-to-corner width (Soukupová & Čech, "Real-Time Eye Blink
    /// Detection using Facial Landmarks", 2016). About 0.25–0.35 open, below ~0.2 closed.
    public var rightEyeAspectRatio: Double { Self.aspectRatio(of: rightEye) }
    /// Eye aspect ratio of the person's left eye (image right); see `rightEyeAspectRatio`.
    public var leftEyeAspectRatio: Double { Self.aspectRatio(of: leftEye) }

    /// Inner-lip opening: the mean of the three gaps between upper and lower inner lip
    /// (61–67, 62–66, 63–65) over the inner mouth width (60–64). 0 for closed lips; about
    /// 0.3 and more when the mouth is clearly open.
    public var mouthOpenness: Double {
        let p = points
        let gaps = p[61].distance(to: p[67]) + p[62].distance(to: p[66]) + p[63].distance(to: p[65])
        let width = p[60].distance(to: p[64])
        return width > 0 ? gaps / (3 * width) : 0
    }

    /// Head roll from the eye line, in degrees: the angle of the line from the person's
    /// right eye centre to the left eye centre against the image's x axis. Positive when
    /// the head leans so that the image-right eye is lower (clockwise as seen on screen).
    public var rollDegrees: Double {
        let r = rightEyeCenter, l = leftEyeCenter
        return atan2Degrees(l.y - r.y, l.x - r.x)
    }

    /// The smallest pixel rectangle that holds all 68 points (brows to chin, ear to ear;
    /// it does not include the forehead or hair).
    public var boundingBox: PixelRect {
        let xs = points.map(\.x), ys = points.map(\.y)
        let x0 = Int(xs.min()!.rounded(.down)), y0 = Int(ys.min()!.rounded(.down))
        let x1 = Int(xs.max()!.rounded(.up)), y1 = Int(ys.max()!.rounded(.up))
        return PixelRect(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
    }

    /// The same points seen in a horizontally mirrored image of `width` pixels: positions
    /// reflected and re-indexed so the person's right eye is still `rightEye`.
    public func mirrored(imageWidth width: Int) -> FaceLandmarks {
        FaceLandmarks(points: Self.mirrorIndex.map { i in
            Point2D(x: Double(width - 1) - points[i].x, y: points[i].y)
        })
    }

    /// For each iBUG index, the index of its mirror partner (jaw 0↔16, brows, eyes, nose
    /// wings, lips; the midline points map to themselves).
    static let mirrorIndex: [Int] = {
        var map = Array(0..<68)
        func pair(_ a: [Int], _ b: [Int]) {
            for (i, j) in zip(a, b) { map[i] = j; map[j] = i }
        }
        pair(Array(0...7), Array((9...16).reversed()))
        pair(Array(17...21), Array((22...26).reversed()))
        pair([31, 32], [35, 34])
        pair([36, 37, 38, 39, 40, 41], [45, 44, 43, 42, 47, 46])
        pair([48, 49, 50, 60, 61, 67, 59, 58], [54, 53, 52, 64, 63, 65, 55, 56])
        return map
    }()

    private static func aspectRatio(of eye: ArraySlice<Point2D>) -> Double {
        let p = Array(eye)
        let width = p[0].distance(to: p[3])
        return width > 0 ? (p[1].distance(to: p[5]) + p[2].distance(to: p[4])) / (2 * width) : 0
    }
}

func atan2Degrees(_ y: Double, _ x: Double) -> Double { atan2(y, x) * 180 / .pi }

/// Everything the station reads off one face, each a documented function of the landmarks
/// (see the `FaceLandmarks` properties of the same names) and, for the pose, the image size.
public struct FaceMeasures: Sendable, Hashable, Codable {
    public var rightEyeCenter: Point2D
    public var leftEyeCenter: Point2D
    public var interEyeDistance: Double
    public var rightEyeAspectRatio: Double
    public var leftEyeAspectRatio: Double
    public var mouthOpenness: Double
    public var chin: Point2D
    /// Roll from the eye line, degrees (`FaceLandmarks.rollDegrees`).
    public var roll: Double
    /// Yaw, pitch and roll from the perspective fit (nil when the fit fails).
    public var pose: HeadPose?
    /// The box around all 68 landmarks.
    public var landmarkBox: PixelRect

    public init(landmarks: FaceLandmarks, imageSize: PixelSize, camera: PoseCamera? = nil) {
        rightEyeCenter = landmarks.rightEyeCenter
        leftEyeCenter = landmarks.leftEyeCenter
        interEyeDistance = landmarks.interEyeDistance
        rightEyeAspectRatio = landmarks.rightEyeAspectRatio
        leftEyeAspectRatio = landmarks.leftEyeAspectRatio
        mouthOpenness = landmarks.mouthOpenness
        chin = landmarks.chin
        roll = landmarks.rollDegrees
        pose = try? HeadPose(landmarks: landmarks, camera: camera ?? PoseCamera(imageSize: imageSize))
        landmarkBox = landmarks.boundingBox
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
