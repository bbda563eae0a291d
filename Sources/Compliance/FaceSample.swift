import FaceKit
import Foundation
import ImageKit
import PhotoStandard

/// The face cut from a frame or photo and scaled so that its cheek width (jaw points 1–15)
/// is a fixed number of pixels, with its landmarks moved along.
///
/// Every face check measures on this patch, so a limit means the same for a face 90 pixels
/// wide in a camera frame and 240 pixels wide in the finished photo, and the checks cost the
/// same small amount whatever the frame's size.
struct FaceSample {
    /// The cheek width of the patch, in pixels: enough for pupils of 4–5 pixels' radius.
    static let faceWidth = 128.0

    var rgb: RGBImage
    var lab: LabImage
    var landmarks: FaceLandmarks
    /// Patch pixels per source pixel.
    var scale: Double

    /// Nil when the face is degenerate or lies outside the image.
    init?(_ image: RGBImage, landmarks source: FaceLandmarks) {
        let p = source.points
        let width = p[1].distance(to: p[15])
        guard width > 4 else { return nil }
        let box = source.boundingBox
        // The landmarks reach from the brows to the chin; the margin takes in the forehead
        // above the brows and a little around the cheeks.
        let margin = Int(0.15 * width)
        let region = PixelRect(x: box.x - margin, y: box.y - 2 * margin, width: box.width + 2 * margin,
                               height: box.height + 3 * margin).intersection(image.bounds)
        guard region.width > 4, region.height > 4 else { return nil }
        let scale = Self.faceWidth / width
        let size = PixelSize(width: max(1, Int((Double(region.width) * scale).rounded())),
                             height: max(1, Int((Double(region.height) * scale).rounded())))
        let crop = image.cropped(to: region)
        rgb = crop.resized(to: size, filter: scale < 1 ? .area : .bilinear)
        lab = rgb.lab()
        let sx = Double(size.width) / Double(region.width), sy = Double(size.height) / Double(region.height)
        landmarks = FaceLandmarks(points: p.map {
            Point2D(x: ($0.x - Double(region.x)) * sx, y: ($0.y - Double(region.y)) * sy)
        })
        self.scale = sx
    }

    /// The L* values of the pixels inside `mask`.
    func lightness(_ mask: RegionMask) -> [Float] { values(mask, channel: 0) }

    /// The a* values (green to red) of the pixels inside `mask`.
    func redness(_ mask: RegionMask) -> [Float] { values(mask, channel: 1) }

    private func values(_ mask: RegionMask, channel: Int) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(mask.count)
        lab.withUnsafeRows { p, stride in
            mask.forEach { x, y in out.append(p[y * stride + 3 * x + channel]) }
        }
        return out
    }
}

/// A set of pixels of a patch, row spans of a polygon (or several) minus others.
struct RegionMask {
    let width: Int
    let height: Int
    private(set) var bits: [Bool]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        bits = Array(repeating: false, count: width * height)
    }

    /// The inside of `polygon` (even–odd rule, pixel centres).
    static func polygon(_ polygon: [Point2D], width: Int, height: Int) -> RegionMask {
        var mask = RegionMask(width: width, height: height)
        mask.fill(polygon, with: true)
        return mask
    }

    /// A disc around `centre`.
    static func disc(_ centre: Point2D, radius: Double, width: Int, height: Int) -> RegionMask {
        var mask = RegionMask(width: width, height: height)
        let y0 = max(0, Int(centre.y - radius)), y1 = min(height - 1, Int(centre.y + radius) + 1)
        let x0 = max(0, Int(centre.x - radius)), x1 = min(width - 1, Int(centre.x + radius) + 1)
        guard y0 <= y1, x0 <= x1 else { return mask }
        for y in y0...y1 {
            for x in x0...x1 {
                let dx = Double(x) + 0.5 - centre.x, dy = Double(y) + 0.5 - centre.y
                if dx * dx + dy * dy <= radius * radius { mask.bits[y * width + x] = true }
            }
        }
        return mask
    }

    /// Sets (or clears) the pixels inside `polygon`.
    mutating func fill(_ polygon: [Point2D], with value: Bool) {
        guard polygon.count >= 3 else { return }
        let ys = polygon.map(\.y)
        let y0 = max(0, Int(ys.min()!.rounded(.down))), y1 = min(height - 1, Int(ys.max()!.rounded(.up)))
        guard y0 <= y1 else { return }
        for y in y0...y1 {
            let cy = Double(y) + 0.5
            var crossings: [Double] = []
            for i in polygon.indices {
                let a = polygon[i], b = polygon[(i + 1) % polygon.count]
                if (a.y <= cy) != (b.y <= cy) { crossings.append(a.x + (cy - a.y) / (b.y - a.y) * (b.x - a.x)) }
            }
            crossings.sort()
            for pair in stride(from: 0, to: crossings.count - 1, by: 2) {
                let x0 = max(0, Int((crossings[pair] - 0.5).rounded(.up)))
                let x1 = min(width - 1, Int((crossings[pair + 1] - 0.5).rounded(.down)))
                if x0 <= x1 { for x in x0...x1 { bits[y * width + x] = value } }
            }
        }
    }

    var count: Int { bits.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// These pixels without those of `other` (of the same size).
    func subtracting(_ other: RegionMask) -> RegionMask {
        var out = self
        for i in bits.indices where other.bits[i] { out.bits[i] = false }
        return out
    }

    func contains(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height && bits[y * width + x] }

    func forEach(_ body: (Int, Int) -> Void) {
        for y in 0..<height {
            for x in 0..<width where bits[y * width + x] { body(x, y) }
        }
    }
}

/// The regions of a face the checks measure, from the 68 landmarks.
enum FaceRegions {
    /// The landmarks that are each other's mirror image across the face's midline.
    static let mirrorPairs: [(Int, Int)] = [
        (0, 16), (1, 15), (2, 14), (3, 13), (4, 12), (5, 11), (6, 10), (7, 9), (17, 26), (18, 25), (19, 24),
        (20, 23), (21, 22), (36, 45), (37, 44), (38, 43), (39, 42), (40, 47), (41, 46), (31, 35), (32, 34),
        (48, 54), (49, 53), (50, 52), (59, 55), (58, 56), (60, 64), (61, 63), (67, 65),
    ]

    /// The affine map that takes each point of the face to its mirror image, fitted by least
    /// squares to the symmetric landmark pairs (both ways). It follows a turned or tilted
    /// head, which a reflection about a fixed vertical line would not.
    static func mirror(_ landmarks: FaceLandmarks) -> AffineMap? {
        let p = landmarks.points
        var from: [Point2D] = [], to: [Point2D] = []
        for (a, b) in mirrorPairs {
            from += [p[a], p[b]]
            to += [p[b], p[a]]
        }
        for i in [8, 27, 28, 29, 30, 33, 51, 57, 62, 66] {
            from.append(p[i])
            to.append(p[i])
        }
        return AffineMap(fitting: from, to: to)
    }

    /// Face skin: inside the jaw line and a forehead band above the brows, without eyes,
    /// brows and mouth.
    static func skin(_ landmarks: FaceLandmarks, width: Int, height: Int) -> RegionMask {
        let p = landmarks.points
        let browToEye = max(2, landmarks.eyeMidpoint.y - (p[17...26].map(\.y).min() ?? 0))
        // The forehead: the brows lifted by one brow-to-eye distance (below the hair line
        // on all but the lowest fringes).
        let forehead = (17...26).reversed().map { Point2D(x: p[$0].x, y: p[$0].y - browToEye) }
        let outline = Array(p[1...15]) + forehead
        var mask = RegionMask.polygon(outline, width: width, height: height)
        let grow = 0.25 * browToEye
        for region in [Array(p[36...41]), Array(p[42...47]), Array(p[48...59])] {
            mask.fill(expanded(region, by: grow), with: false)
        }
        for brow in [Array(p[17...21]), Array(p[22...26])] {
            let band = brow.map { Point2D(x: $0.x, y: $0.y - grow) } + brow.reversed().map { Point2D(x: $0.x, y: $0.y + 1.5 * grow) }
            mask.fill(band, with: false)
        }
        return mask
    }

    /// The lips between their outer and inner outlines, and the gap the inner outline encloses
    /// (the teeth or the mouth's inside when the lips are apart).
    static func mouth(_ landmarks: FaceLandmarks, width: Int, height: Int) -> (lips: RegionMask, gap: RegionMask) {
        let p = landmarks.points
        let gap = RegionMask.polygon(Array(p[60...67]), width: width, height: height)
        return (RegionMask.polygon(Array(p[48...59]), width: width, height: height).subtracting(gap), gap)
    }

    /// The inner face where focus shows: brows, eyes, nose and mouth.
    static func features(_ landmarks: FaceLandmarks) -> [Point2D] {
        convexHull(Array(landmarks.points[17...67]))
    }

    /// The area a spectacle lens covers around one eye: 1.5 eye widths wide, one high.
    static func lens(_ eye: ArraySlice<Point2D>) -> PixelRectD {
        let points = Array(eye)
        let centre = Point2D.centroid(points)
        let width = points[0].distance(to: points[3])
        return PixelRectD(x: centre.x - 0.75 * width, y: centre.y - 0.5 * width, width: 1.5 * width, height: width)
    }

    /// The pupil of one eye: a disc at the eye's centre, 0.17 eye widths in radius (the pupil
    /// of an eye under studio light is about a third of the iris's diameter of 0.45 widths,
    /// a red-eye pupil is wider).
    static func pupil(_ eye: ArraySlice<Point2D>) -> (centre: Point2D, radius: Double) {
        let points = Array(eye)
        return (Point2D.centroid(points), 0.17 * points[0].distance(to: points[3]))
    }

    static func expanded(_ polygon: [Point2D], by amount: Double) -> [Point2D] {
        let centre = Point2D.centroid(polygon)
        return polygon.map { point in
            let d = point - centre
            let length = max(1e-6, (d.x * d.x + d.y * d.y).squareRoot())
            return point + d * (amount / length)
        }
    }
}

/// A rectangle with fractional corners.
struct PixelRectD {
    var x: Double, y: Double, width: Double, height: Double

    func pixels(in bounds: PixelRect) -> PixelRect {
        PixelRect(x: Int(x.rounded()), y: Int(y.rounded()), width: Int(width.rounded()), height: Int(height.rounded()))
            .intersection(bounds)
    }
}

/// x' = a·x + b·y + c, y' = d·x + e·y + f.
struct AffineMap {
    var a, b, c, d, e, f: Double

    /// The least-squares map taking `from` to `to`; nil when the points are degenerate.
    init?(fitting from: [Point2D], to: [Point2D]) {
        // Normal equations of [x y 1]·(a b c)ᵀ = x' (and the same for y').
        var m = [[Double]](repeating: [0, 0, 0], count: 3)
        var rx = [0.0, 0.0, 0.0], ry = [0.0, 0.0, 0.0]
        for (p, q) in zip(from, to) {
            let v = [p.x, p.y, 1]
            for i in 0..<3 {
                for j in 0..<3 { m[i][j] += v[i] * v[j] }
                rx[i] += v[i] * q.x
                ry[i] += v[i] * q.y
            }
        }
        guard let sx = Self.solve(m, rx), let sy = Self.solve(m, ry) else { return nil }
        (a, b, c, d, e, f) = (sx[0], sx[1], sx[2], sy[0], sy[1], sy[2])
    }

    func apply(_ p: Point2D) -> Point2D { Point2D(x: a * p.x + b * p.y + c, y: d * p.x + e * p.y + f) }

    /// Cramer's rule for a 3 × 3 system.
    private static func solve(_ m: [[Double]], _ r: [Double]) -> [Double]? {
        func det(_ k: [[Double]]) -> Double {
            k[0][0] * (k[1][1] * k[2][2] - k[1][2] * k[2][1]) - k[0][1] * (k[1][0] * k[2][2] - k[1][2] * k[2][0])
                + k[0][2] * (k[1][0] * k[2][1] - k[1][1] * k[2][0])
        }
        let d = det(m)
        guard abs(d) > 1e-9 else { return nil }
        return (0..<3).map { column in
            var k = m
            for row in 0..<3 { k[row][column] = r[row] }
            return det(k) / d
        }
    }
}

/// Luminance Y (0…1) of a CIE L* value.
func luminance(lightness l: Double) -> Double {
    let f = (l + 16) / 116
    return l > 8 ? f * f * f : l / 903.3
}

/// CIE L* of a luminance Y (0…1): the inverse of `luminance(lightness:)`.
func lightness(luminance y: Double) -> Double {
    y > 216.0 / 24389 ? 116 * cbrt(y) - 16 : 903.3 * y
}

/// The median of `values` (0 for none).
func median(_ values: [Float]) -> Double {
    guard !values.isEmpty else { return 0 }
    var v = values
    let mid = v.count / 2
    v.sort()
    return v.count % 2 == 1 ? Double(v[mid]) : Double(v[mid - 1] + v[mid]) / 2
}
