import CVision
import FaceKit
import Foundation
import ImageKit
import PhotoStandard

/// Checks of what surrounds the face: how many people, whether the photo can be cut, the
/// clothing against the background colour, and (with the person's mask) the backdrop.
public struct SceneChecks: Sendable {
    public var spec: PhotoSpec
    public var limits: ComplianceLimits

    public init(spec: PhotoSpec = .diplomaBlue, limits: ComplianceLimits = .standard) {
        self.spec = spec
        self.limits = limits
    }

    /// The rule for who is the person and which other faces count (`PeopleRule`), with
    /// these limits' numbers.
    public var people: PeopleRule {
        PeopleRule(minimumScore: limits.minimumFaceScore, otherFaceRatio: limits.otherFaceMinimumRatio,
                   marginalScore: limits.marginalFaceScore)
    }

    /// Exactly one person in view, counted by `people` around the person's face `main` (nil:
    /// nobody was found).
    public func oneFace(_ faces: [FaceBox], main: PixelRect?) -> CheckResult {
        let count = people.count(faces, main: main)
        let verdict: Verdict = count == 1 ? .pass : .fail
        let hint = count == 0 ? Hint("没有检测到人脸：请正对镜头坐好", "No face found: sit facing the camera")
            : Hint("画面中有\(count)个人：请只留一人在镜头前", "\(count) people in view: only the person photographed, please")
        return CheckResult(id: .oneFace, clause: "one face only", value: Double(count), unit: "faces",
                           limit: "exactly 1 (faces ≥ \(Limit.format(limits.otherFaceMinimumRatio)) × the main face's width)",
                           verdict: verdict, hint: hint)
    }

    /// Whether the spec photo can be cut from the source frame by scale and shift alone, by
    /// the one framing estimate (`CropSolver.problem`); `headTop` and `edgesClear` come from
    /// the person's mask when there is one.
    public func framing(_ landmarks: FaceLandmarks, frame: PixelSize, headTop: Double? = nil,
                        edgesClear: (left: Bool, right: Bool)? = nil) -> CheckResult {
        let problem = CropSolver(spec: spec).problem(landmarks, frame: frame, headTop: headTop, edgesClear: edgesClear)
        return CheckResult(id: .framing, clause: "face size and position allow the crop", value: FaceGeometry(landmarks).faceWidth,
                           unit: "px face width", limit: "the crop solver finds a scale and shift (\(spec.name))",
                           verdict: problem == nil ? .pass : .fail,
                           hint: problem.map { Hint($0.chinese, $0.english) }, detail: problem?.rawValue)
    }

    /// Clothing below the chin against the background colour: too close in colour (the cut
    /// and the reviewer lose the outline), or blue at all (the notice forbids blue clothes).
    ///
    /// Measured in two boxes on the shoulders, left and right of the collar, from 0.35 to 0.85
    /// face widths below the chin. Pixels within ΔE 4 of the background colour are left out:
    /// on a finished photo that is the replaced background showing past narrow shoulders.
    /// Nil when the boxes lie outside the image (a photo cut at the chin).
    public func clothing(_ image: RGBImage, landmarks: FaceLandmarks) -> CheckResult? {
        let face = FaceGeometry(landmarks)
        let w = face.faceWidth
        let boxes = [-1.0, 1.0].map { side in
            PixelRectD(x: face.centreX + side * (side < 0 ? 0.95 : 0.35) * w, y: face.chinY + 0.35 * w,
                       width: 0.6 * w, height: 0.5 * w).pixels(in: image.bounds)
        }.filter { $0.width * $0.height >= 16 }
        guard !boxes.isEmpty else { return nil }
        let background = Self.lab(spec.background)
        var distances: [Float] = [], blue = 0
        for box in boxes {
            // A reduced copy: colour statistics need no fine detail.
            let step = max(1, Int(w / 64))
            let lab = image.cropped(to: box).resized(to: PixelSize(width: max(1, box.width / step),
                                                                   height: max(1, box.height / step)), filter: .area).lab()
            lab.withUnsafeRows { p, stride in
                for y in 0..<lab.height {
                    for x in 0..<lab.width {
                        let i = y * stride + 3 * x
                        let (l, a, b) = (p[i], p[i + 1], p[i + 2])
                        let d = ((l - background.l) * (l - background.l) + (a - background.a) * (a - background.a)
                            + (b - background.b) * (b - background.b)).squareRoot()
                        if d < 4 { continue }
                        distances.append(d)
                        let hue = atan2(Double(b), Double(a)) * 180 / .pi
                        if l >= 25 && a * a + b * b >= 225 && hue <= -60 && hue >= -160 { blue += 1 }
                    }
                }
            }
        }
        guard !distances.isEmpty else { return nil }
        let distance = median(distances)
        let blueShare = Double(blue) / Double(distances.count)
        let verdict = max(limits.clothingDistance.verdict(distance), limits.clothingBlueShare.verdict(blueShare))
        return CheckResult(
            id: .clothingColour, clause: "clothing differs from the background", value: distance, unit: "ΔE",
            limit: "distance \(limits.clothingDistance); blue share \(limits.clothingBlueShare)", verdict: verdict,
            hint: Hint("衣服颜色与背景太接近或为蓝色：请换一件非蓝色、颜色较深的衣服",
                       "Your clothes are blue or too close to the background colour: wear a darker, non-blue top"),
            detail: String(format: "blue share %.2f", blueShare))
    }

    /// The backdrop behind the person in the source frame, from the person's coarse mask,
    /// in an 8 × 8 grid of cells over the window the photo can show (cells at least half
    /// backdrop count): the spread of the cells' median lightness, and a shadow: the darkest
    /// cell against the median cell, in stops. A plain, evenly lit backdrop measures 0 for
    /// both; on a busy backdrop (`busyBackdrop`) the shadow is reported as not checked.
    public func backdrop(_ image: RGBImage, person: CoarseMask) -> [CheckResult] {
        let mask = person.mask
        let small = image.cropped(to: person.window).resized(to: mask.size, filter: .area).lab()
        let grid = 8
        var cells: [[Float]] = Array(repeating: [], count: grid * grid)
        small.withUnsafeRows { p, stride in
            for y in 0..<mask.height {
                for x in 0..<mask.width where mask[x, y] == 0 {
                    cells[min(grid - 1, grid * y / mask.height) * grid + min(grid - 1, grid * x / mask.width)]
                        .append(p[y * stride + 3 * x])
                }
            }
        }
        let cellArea = mask.width * mask.height / (grid * grid)
        let medians = cells.filter { $0.count * 2 >= cellArea }.map { median($0) }.sorted()
        let spread = medians.isEmpty ? 0 : medians.last! - medians.first!
        let shadow = medians.isEmpty ? 0
            : log2(max(1e-4, luminance(lightness: medians[medians.count / 2])) / max(1e-4, luminance(lightness: medians[0])))
        let busy = spread > limits.busyBackdrop
        return [
            CheckResult(id: .backdropUniformity, clause: "uniform backdrop", value: spread, unit: "L* range",
                        limit: limits.backdropSpread.description, verdict: limits.backdropSpread.verdict(spread),
                        hint: Hint("背景不均匀或有杂物：请使用纯色背景布并移走杂物",
                                   "The backdrop is not plain: use the plain backdrop and clear objects away"),
                        detail: "\(medians.count) backdrop cells"),
            // On a busy backdrop the darkest cell is a dark object, not a shadow: say so
            // rather than blame a shadow.
            busy ? CheckResult(id: .backdropShadow, clause: "no shadow on the backdrop", value: shadow, unit: "stops",
                               limit: limits.backdropShadow.description, verdict: .notChecked,
                               detail: "the backdrop is too busy to tell a shadow from what is on it")
                : CheckResult(id: .backdropShadow, clause: "no shadow on the backdrop", value: shadow, unit: "stops",
                              limit: limits.backdropShadow.description, verdict: limits.backdropShadow.verdict(shadow),
                              hint: Hint("身后背景有阴影：请离背景远一点，或给背景补光",
                                         "Your shadow falls on the backdrop: sit further from it or light it")),
        ]
    }

    /// The scene's reference lightness around the face with `landmarks`: the L* of the
    /// brightest large area of `image` outside the head: the 90th percentile of the medians
    /// of a 12 × 16 grid of cells, cells whose centre lies on the head (from the chin to a
    /// face width above the brows, 0.65 face widths either side of the face's centre) left
    /// out. Under the station's
    /// light this is the plain light backdrop (or a white collar): it tells a scene that is
    /// under- or over-exposed from a dark or light skin in good light, which the skin's
    /// lightness alone cannot. Nil when no cell is left.
    public func sceneLightness(_ image: RGBImage, landmarks: FaceLandmarks) -> Double? {
        let face = FaceGeometry(landmarks)
        let w = face.faceWidth
        let brows = landmarks.points[17...26].map(\.y).min() ?? face.chinY
        let head = PixelRectD(x: face.centreX - 0.65 * w, y: brows - w, width: 1.3 * w, height: face.chinY - brows + w)
        let columns = 12, rows = 16, cell = 4
        let small = image.resized(to: PixelSize(width: columns * cell, height: rows * cell), filter: .area).lab()
        let sx = Double(image.width) / Double(columns), sy = Double(image.height) / Double(rows)
        var medians: [Float] = []
        for row in 0..<rows {
            for column in 0..<columns {
                let cx = (Double(column) + 0.5) * sx, cy = (Double(row) + 0.5) * sy
                if cx > head.x && cx < head.x + head.width && cy > head.y && cy < head.y + head.height { continue }
                var values: [Float] = []
                small.withUnsafeRows { p, stride in
                    for y in row * cell..<(row + 1) * cell {
                        for x in column * cell..<(column + 1) * cell { values.append(p[y * stride + 3 * x]) }
                    }
                }
                medians.append(Float(median(values)))
            }
        }
        guard !medians.isEmpty else { return nil }
        medians.sort()
        return Double(medians[min(medians.count - 1, Int(0.9 * Double(medians.count)))])
    }

    static func lab(_ color: RGBColor) -> (l: Float, a: Float, b: Float) {
        let lab = RGBImage(width: 1, height: 1, elements: [color.r, color.g, color.b]).lab()
        return (lab[0, 0, 0], lab[0, 0, 1], lab[0, 0, 2])
    }
}
