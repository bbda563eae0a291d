import ImageKit

/// A point in image pixel coordinates (sub-pixel; x to the right, y down).
public struct Point2D: Hashable, Sendable, Codable, CustomStringConvertible {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    public static func + (a: Point2D, b: Point2D) -> Point2D { Point2D(x: a.x + b.x, y: a.y + b.y) }
    public static func - (a: Point2D, b: Point2D) -> Point2D { Point2D(x: a.x - b.x, y: a.y - b.y) }
    public static func * (a: Point2D, s: Double) -> Point2D { Point2D(x: a.x * s, y: a.y * s) }

    /// Euclidean distance to `other`.
    public func distance(to other: Point2D) -> Double { ((x - other.x) * (x - other.x) + (y - other.y) * (y - other.y)).squareRoot() }

    /// The mean of `points` (the origin for none).
    public static func centroid(_ points: some Collection<Point2D>) -> Point2D {
        guard !points.isEmpty else { return Point2D(x: 0, y: 0) }
        let sum = points.reduce(Point2D(x: 0, y: 0), +)
        return sum * (1.0 / Double(points.count))
    }

    public var description: String { "(\(x.formatted1), \(y.formatted1))" }
}

extension Double {
    var formatted1: String { String(format: "%.1f", self) }
}

/// The 68 facial landmarks in the iBUG 300-W order that dlib's predictor produces.
///
/// "Right" and "left" are the person's own: the person's right eye is on the image's
/// left side in an unmirrored photo.
public struct FaceLandmarks: Hashable, Sendable, Codable {
    public static let count = 68

    /// The 68 points in iBUG order.
    public let points: [Point2D]

    public init(points: [Point2D]) {
        precondition(points.count == Self.count, "\(points.count) landmarks, expected 68")
        self.points = points
    }

    /// Jaw line from the person's right ear to the left ear (0–16).
    public var jaw: ArraySlice<Point2D> { points[0...16] }
    public var rightBrow: ArraySlice<Point2D> { points[17...21] }
    public var leftBrow: ArraySlice<Point2D> { points[22...26] }
    /// Bridge (27–30) and lower nose (31–35).
    public var nose: ArraySlice<Point2D> { points[27...35] }
    /// The person's right eye (36–41), on the image's left.
    public var rightEye: ArraySlice<Point2D> { points[36...41] }
    /// The person's left eye (42–47), on the image's right.
    public var leftEye: ArraySlice<Point2D> { points[42...47] }
    /// Outer lip contour (48–59).
    public var outerLips: ArraySlice<Point2D> { points[48...59] }
    /// Inner lip contour (60–67).
    public var innerLips: ArraySlice<Point2D> { points[60...67] }
    /// The lowest point of the chin (8).
    public var chin: Point2D { points[8] }
    public var noseTip: Point2D { points[30] }

    public var rightEyeCenter: Point2D { Point2D.centroid(rightEye) }
    public var leftEyeCenter: Point2D { Point2D.centroid(leftEye) }
    /// Midpoint between the eye centres.
    public var eyeMidpoint: Point2D { (rightEyeCenter + leftEyeCenter) * 0.5 }
    public var interEyeDistance: Double { rightEyeCenter.distance(to: leftEyeCenter) }

    /// The same points moved by `offset` and scaled by `scale` about the origin.
    public func transformed(scale: Double, offset: Point2D = Point2D(x: 0, y: 0)) -> FaceLandmarks {
        FaceLandmarks(points: points.map { Point2D(x: $0.x * scale + offset.x, y: $0.y * scale + offset.y) })
    }
}
