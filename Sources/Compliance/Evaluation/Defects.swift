import FaceKit
import Foundation
import ImageKit
import PhotoStandard

/// A defect applied to a real photo by construction, of known kind and strength, for
/// measuring how well the checks catch it.
public enum Defect: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Light falling off from one side: the person's `darkSide` cheek is `stops` darker.
    case lightGradient(stops: Double, darkSideRight: Bool)
    /// The whole frame turned about the eyes (a tilted head).
    case rotation(degrees: Double)
    /// Gaussian blur of `sigma` face widths (defocus).
    case blur(sigma: Double)
    /// Horizontal Gaussian smear of `sigma` face widths (motion blur).
    case motionBlur(sigma: Double)
    /// Exposure changed by `stops` in linear light.
    case exposure(stops: Double)
    /// The clothing below the chin recoloured: light blue near the background, or mid blue.
    case blueClothes(nearBackground: Bool)
    /// Another person's face pasted beside the head.
    case secondFace
    /// A specular hot spot of `size` face widths (Gaussian sigma) on the forehead.
    case hotSpot(size: Double)
    /// A glare patch over one eye covering `coverage` of the eye's width.
    case glare(coverage: Double)
    /// Red pupils.
    case redEye
    /// A shadow cast on the backdrop beside the head, `stops` deep at its centre (applied to a
    /// finished photo's background, through its matte).
    case backdropShadow(stops: Double)

    /// The checks that catch this defect: it counts as caught when one of them fails.
    public var targets: [CheckID] {
        switch self {
        case .lightGradient: [.evenLight]
        case .rotation: [.roll]
        case .blur, .motionBlur: [.sharpness]
        // Overexposure shows as a bright face or as burnt-out highlights.
        case .exposure: [.exposure, .clippedHighlights]
        case .blueClothes: [.clothingColour]
        case .secondFace: [.oneFace]
        // A hot spot bright enough burns out.
        case .hotSpot: [.hotSpots, .clippedHighlights]
        case .glare: [.glassesGlare]
        case .redEye: [.redEye]
        case .backdropShadow: [.backdropShadow]
        }
    }

    /// True for the defects whose strength adds to what the original already shows (see
    /// `ComplianceEvaluation.rejectable(_:on:)`).
    public var addsToOriginal: Bool {
        switch self {
        case .rotation, .lightGradient: true
        default: false
        }
    }

    /// Whether a reviewer would reject a photo with this defect at this strength; the
    /// weaker ones are borderline and count neither as defects nor as clean photos.
    public var rejectable: Bool {
        switch self {
        case let .lightGradient(stops, _): stops >= 1
        case let .rotation(degrees): abs(degrees) >= 7
        case let .blur(sigma): sigma >= 0.015
        case let .motionBlur(sigma): sigma >= 0.02
        case let .exposure(stops): stops <= -2 || stops >= 1.5
        case .blueClothes, .secondFace, .redEye: true
        case let .backdropShadow(stops): stops >= 1
        case let .hotSpot(size): size >= 0.05
        case let .glare(coverage): coverage >= 0.6
        }
    }

    /// The kind, without the strength: a row of the evaluation table.
    public var kind: String {
        switch self {
        case .lightGradient: "light gradient (yin-yang)"
        case .rotation: "head tilt (rotation)"
        case .blur: "defocus blur"
        case .motionBlur: "motion blur"
        case let .exposure(stops): stops < 0 ? "underexposure" : "overexposure"
        case .blueClothes: "blue clothes"
        case .secondFace: "second face"
        case .hotSpot: "hot spot on the face"
        case .glare: "glare on the eye (glasses)"
        case .redEye: "red eye"
        case .backdropShadow: "shadow on the backdrop"
        }
    }

    public var description: String {
        switch self {
        case let .lightGradient(stops, right): "light gradient \(stops) stops, \(right ? "right" : "left") cheek dark"
        case let .rotation(degrees): "rotation \(degrees)°"
        case let .blur(sigma): "blur σ \(sigma) face widths"
        case let .motionBlur(sigma): "motion blur σ \(sigma) face widths"
        case let .exposure(stops): "exposure \(stops > 0 ? "+" : "")\(stops) stops"
        case let .blueClothes(near): near ? "light-blue clothes" : "mid-blue clothes"
        case .secondFace: "second face"
        case let .hotSpot(size): "hot spot σ \(size) face widths"
        case let .glare(coverage): "glare over \(coverage) eye widths"
        case .redEye: "red eye"
        case let .backdropShadow(stops): "backdrop shadow \(stops) stops"
        }
    }

    /// Every defect and strength of the evaluation set that is made on a camera frame.
    public static let all: [Defect] = [0.5, 1.0, 1.5, 2.0].flatMap { s in [true, false].map { lightGradient(stops: s, darkSideRight: $0) } }
        + [-12.0, -7, -3, 3, 7, 12].map { rotation(degrees: $0) }
        + [0.006, 0.015, 0.025, 0.04].map { blur(sigma: $0) }
        + [0.02, 0.04].map { motionBlur(sigma: $0) }
        + [-2.5, -2, -0.7, 0.7, 1.5, 2].map { exposure(stops: $0) }
        + [blueClothes(nearBackground: true), blueClothes(nearBackground: false), secondFace]
        + [0.03, 0.06].map { hotSpot(size: $0) }
        + [0.35, 0.8].map { glare(coverage: $0) }
        + [redEye]

    /// The backdrop defects, made on a finished photo (a person on a plain backdrop).
    public static let backdrop: [Defect] = [0.5, 1, 1.5].map { backdropShadow(stops: $0) }
}

/// Applies defects to a frame whose face is known.
struct DefectPainter {
    var frame: RGBImage
    var landmarks: FaceLandmarks
    /// Another face to paste (an RGB crop around it).
    var donor: RGBImage

    /// The frame with `defect`, or nil when this frame cannot carry it (no room beside the
    /// head for a second face).
    func apply(_ defect: Defect) -> RGBImage? {
        let face = FaceGeometry(landmarks)
        let w = face.faceWidth
        switch defect {
        case let .lightGradient(stops, right):
            // The person's right cheek is on the image's left: darken that side.
            let direction = right ? 1.0 : -1.0
            return Self.linearGain(frame) { x, _ in
                let t = min(1, max(-1, (Double(x) - face.centreX) / (0.3 * w))) * direction
                return pow(2, stops / 2 * t)
            }
        case let .rotation(degrees):
            let eyes = landmarks.eyeMidpoint
            return frame.rotated(degrees: degrees, about: (eyes.x, eyes.y))
        case let .blur(sigma):
            return frame.gaussianBlurred(sigma: sigma * w)
        case let .motionBlur(sigma):
            return frame.gaussianBlurred(sigma: sigma * w, sigmaY: 0.01)
        case let .exposure(stops):
            return Self.linearGain(frame) { _, _ in pow(2, stops) }
        case let .blueClothes(near):
            return recolourClothes(near: near)
        case .secondFace:
            return pasteFace()
        case let .hotSpot(size):
            let p = landmarks.points
            // Between and just above the brows, where forehead shine sits.
            let centre = Point2D(x: (p[21].x + p[22].x) / 2, y: (p[21].y + p[22].y) / 2 - 0.1 * w)
            return Self.addLight(frame, centre: centre, sigma: size * w, peak: 1.5)
        case let .glare(coverage):
            let eye = Array(landmarks.rightEye)
            let eyeWidth = eye[0].distance(to: eye[3])
            return Self.addLight(frame, centre: landmarks.rightEyeCenter, sigma: coverage * eyeWidth / 2, peak: 3)
        case .redEye:
            var out = frame
            for eye in [landmarks.rightEye, landmarks.leftEye] {
                let points = Array(eye)
                let radius = 0.2 * points[0].distance(to: points[3])
                let centre = Point2D.centroid(points)
                out.drawCircle(center: (centre.x, centre.y), radius: radius,
                               color: DrawColor(red: 205, green: 35, blue: 40), filled: true)
            }
            return out
        case .backdropShadow:
            return nil
        }
    }

    /// A shadow on the backdrop of a finished photo: darker by up to `stops` in a Gaussian
    /// patch half a face wide, beside the head on the image's right at ear height, only
    /// where the matte `alpha` says backdrop (the person stands in front of it).
    static func castShadow(_ photo: RGBImage, alpha: FloatPlane, landmarks: FaceLandmarks, stops: Double) -> RGBImage {
        let face = FaceGeometry(landmarks)
        let cx = face.centreX + 0.95 * face.faceWidth, cy = face.eyeLine + 0.3 * face.faceWidth
        let sigma = 0.45 * face.faceWidth
        return linearGain(photo) { x, y in
            let dx = Double(x) - cx, dy = Double(y) - cy
            let depth = exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)) * (1 - Double(alpha[x, y]))
            return pow(2, -stops * depth)
        }
    }

    /// Each pixel multiplied in linear light by `gain(x, y)`.
    static func linearGain(_ image: RGBImage, gain: (Int, Int) -> Double) -> RGBImage {
        var out = image
        out.withUnsafeMutableRows { p, stride in
            for y in 0..<image.height {
                for x in 0..<image.width {
                    let g = gain(x, y)
                    for c in 0..<3 {
                        let i = y * stride + 3 * x + c
                        p[i] = encode(linear[Int(p[i])] * g)
                    }
                }
            }
        }
        return out
    }

    /// A Gaussian spot of white light added in linear light (`peak` at its centre).
    static func addLight(_ image: RGBImage, centre: Point2D, sigma: Double, peak: Double) -> RGBImage {
        var out = image
        let reach = Int(3 * sigma) + 1
        let x0 = max(0, Int(centre.x) - reach), x1 = min(image.width, Int(centre.x) + reach)
        let y0 = max(0, Int(centre.y) - reach), y1 = min(image.height, Int(centre.y) + reach)
        out.withUnsafeMutableRows { p, stride in
            for y in y0..<y1 {
                for x in x0..<x1 {
                    let dx = Double(x) - centre.x, dy = Double(y) - centre.y
                    let add = peak * exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))
                    for c in 0..<3 {
                        let i = y * stride + 3 * x + c
                        p[i] = encode(linear[Int(p[i])] + add)
                    }
                }
            }
        }
        return out
    }

    /// The person's torso below the chin (grabCut from the landmarks) repainted blue, its
    /// shading kept.
    func recolourClothes(near: Bool) -> RGBImage {
        let face = FaceGeometry(landmarks)
        guard let person = try? PersonSegmenter().segment(frame, landmarks: landmarks) else { return frame }
        let target = near ? (l: 68.0, a: -2.0, b: -38.0) : (l: 45.0, a: 8.0, b: -45.0)
        var lab = frame.lab()
        let top = Int(face.chinY + 0.3 * face.faceWidth)
        var sum = 0.0, n = 0.0
        func inPerson(_ x: Int, _ y: Int) -> Bool {
            let mx = Int((Double(x - person.window.x) * person.scale)), my = Int((Double(y - person.window.y) * person.scale))
            return mx >= 0 && my >= 0 && mx < person.mask.width && my < person.mask.height && person.mask[mx, my] != 0
        }
        for y in max(0, top)..<frame.height { for x in 0..<frame.width where inPerson(x, y) { sum += Double(lab[x, y, 0]); n += 1 } }
        let meanL = n > 0 ? sum / n : 50
        for y in max(0, top)..<frame.height {
            for x in 0..<frame.width where inPerson(x, y) {
                lab[x, y, 0] = Float(target.l + 0.5 * (Double(lab[x, y, 0]) - meanL))
                lab[x, y, 1] = Float(target.a)
                lab[x, y, 2] = Float(target.b)
            }
        }
        return lab.rgb()
    }

    /// The donor face (a crop 1.6 times its detection box), scaled so the face is about 0.7
    /// of this face's width, pasted beside the head on the side with more room; nil when
    /// that side has no room for it.
    func pasteFace() -> RGBImage? {
        let face = FaceGeometry(landmarks)
        let size = 1.1 * face.faceWidth
        let room = max(face.centreX, Double(frame.width) - face.centreX) - 0.7 * face.faceWidth
        guard room >= size else { return nil }
        let pasted = donor.resized(to: PixelSize(width: max(8, Int(size)), height: max(8, Int(size * Double(donor.height) / Double(donor.width)))),
                                   filter: .area)
        let right = face.centreX < Double(frame.width) / 2
        let x = right ? min(frame.width - pasted.width, Int(face.centreX + 0.7 * face.faceWidth))
            : max(0, Int(face.centreX - 0.7 * face.faceWidth) - pasted.width)
        let y = max(0, Int(face.eyeLine - 0.6 * face.faceWidth))
        var out = frame
        pasted.withUnsafeRows { src, ss in
            out.withUnsafeMutableRows { dst, ds in
                for row in 0..<min(pasted.height, frame.height - y) {
                    for col in 0..<pasted.width where x + col >= 0 && x + col < frame.width {
                        for c in 0..<3 { dst[(y + row) * ds + 3 * (x + col) + c] = src[row * ss + 3 * col + c] }
                    }
                }
            }
        }
        return out
    }

    /// sRGB code → linear light.
    static let linear: [Double] = (0..<256).map { v in
        let c = Double(v) / 255
        return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
    }

    /// Linear light → sRGB code, clipped.
    static func encode(_ value: Double) -> UInt8 {
        let v = min(1, max(0, value))
        let c = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055
        return UInt8((c * 255).rounded())
    }
}
