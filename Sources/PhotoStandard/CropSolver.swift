import FaceKit
import Foundation
import ImageKit

/// How the finished photo is cut from the camera frame: output = source × scale + offset.
/// Only a uniform scale and a shift: the solver never rotates or mirrors.
public struct CropPlan: Hashable, Sendable, Codable {
    /// Output pixels per source pixel.
    public var scale: Double
    /// Where the source origin lands in the output.
    public var offsetX: Double
    public var offsetY: Double

    /// The source region the output covers (it may reach past the frame's top or sides, which
    /// the backdrop colour fills).
    public func sourceRegion(_ spec: PhotoSpec) -> (x: Double, y: Double, width: Double, height: Double) {
        (-offsetX / scale, -offsetY / scale, Double(spec.width) / scale, Double(spec.height) / scale)
    }
}

/// Why no spec photo can be cut from this frame, phrased for the student in front of the camera.
public enum FramingProblem: String, Error, Hashable, Sendable, Codable, CustomStringConvertible, CaseIterable {
    /// No face was found.
    case noFace
    /// More than one face of similar size.
    case severalPeople
    /// The hair reaches the top edge of the frame.
    case headCutOff
    /// The face is so large in the frame that the photo would run past its bottom.
    case tooClose
    /// The face is so small that the photo would need more enlargement than allowed.
    case tooFar
    /// The frame ends above where the photo's bottom edge (the shoulders) must be.
    case shouldersMissing
    /// The person is so far to one side that the frame edge would show in the photo.
    case offCentre
    /// Hair or headwear reaches so far above the eyes that head top and eye line cannot both fit.
    case headTooTall

    /// What the guidance says, in Chinese.
    public var chinese: String {
        switch self {
        case .noFace: "没有检测到人脸，请正对镜头。"
        case .severalPeople: "画面中有多人，请只留一人在镜头前。"
        case .headCutOff: "头顶超出画面，请稍微坐低或把镜头调高。"
        case .tooClose: "离镜头太近，请向后退一点。"
        case .tooFar: "离镜头太远，请向前靠近一点。"
        case .shouldersMissing: "肩膀没有完整拍到，请坐高一点或稍微后退。"
        case .offCentre: "请移到画面中间。"
        case .headTooTall: "头发或头饰过高，请摘下帽子或头饰，整理头发。"
        }
    }

    /// What the guidance says, in English.
    public var english: String {
        switch self {
        case .noFace: "No face found: please face the camera."
        case .severalPeople: "More than one person in view: only one person, please."
        case .headCutOff: "The top of your head is out of the picture: sit a little lower or raise the camera."
        case .tooClose: "You are too close: move back a little."
        case .tooFar: "You are too far away: come a little closer."
        case .shouldersMissing: "Your shoulders are not in the picture: sit up straighter or move back a little."
        case .offCentre: "Please move to the middle of the picture."
        case .headTooTall: "Your hair or headwear is too high: take off hats or ornaments and smooth your hair."
        }
    }

    public var description: String { "\(chinese) \(english)" }
}

/// What the solver knows about the person in the source frame (source pixels).
public struct FramingInput: Hashable, Sendable, Codable {
    public var face: FaceGeometry
    /// The top of the hair, from the matte.
    public var headTop: Double
    public var frameWidth: Double
    public var frameHeight: Double
    /// Whether the person stays clear of the frame's left / right edge, so that the photo may
    /// reach past it (the backdrop colour fills the rest).
    public var leftEdgeClear: Bool
    public var rightEdgeClear: Bool

    public init(face: FaceGeometry, headTop: Double, frameWidth: Double, frameHeight: Double,
                leftEdgeClear: Bool, rightEdgeClear: Bool) {
        self.face = face
        self.headTop = headTop
        self.frameWidth = frameWidth
        self.frameHeight = frameHeight
        self.leftEdgeClear = leftEdgeClear
        self.rightEdgeClear = rightEdgeClear
    }
}

/// Chooses scale and offset so that head top, eye line, face width and centring land inside
/// the spec's ranges, as close to the preferred values as the frame allows.
public struct CropSolver: Sendable {
    public var spec: PhotoSpec
    /// How many pixels of deviation from each preferred value cost as much as one another:
    /// the head top range is the narrowest (60 px), so it is held tightest.
    public var headTopSlack = 15.0
    public var eyeLineSlack = 25.0
    public var faceWidthSlack = 30.0
    /// Candidate scales tried across the face-width range.
    public var scaleSteps = 120

    public init(spec: PhotoSpec) { self.spec = spec }

    public func solve(_ input: FramingInput) -> Result<CropPlan, FramingProblem> {
        let face = input.face
        guard face.faceWidth > 1 else { return .failure(.noFace) }
        let outW = Double(spec.width), outH = Double(spec.height)
        let lowest = spec.faceWidth.minimum / face.faceWidth
        let highest = spec.faceWidth.maximum / face.faceWidth
        if lowest > spec.maximumUpscale { return .failure(.tooFar) }
        let top = min(highest, spec.maximumUpscale)

        var best: (cost: Double, plan: CropPlan)?
        // For each constraint, whether it was the only one failing at some scale: that one
        // is what the student has to change.
        var soleFailure = Set<FramingProblem>()
        var anyFailure = Set<FramingProblem>()
        for step in 0...scaleSteps {
            let s = lowest + (top - lowest) * Double(step) / Double(scaleSteps)
            // Vertical offset interval from the two vertical ranges.
            let low = max(spec.eyeLine.minimum - s * face.eyeLine, spec.headTop.minimum - s * input.headTop)
            let high = min(spec.eyeLine.maximum - s * face.eyeLine, spec.headTop.maximum - s * input.headTop)
            // The photo's bottom edge must lie inside the frame: shoulders cannot be invented.
            let bottomLow = max(low, outH - s * input.frameHeight)
            // Horizontal: centre the face, shifting within the tolerance if a frame edge is near.
            var shiftLow = -spec.centringTolerance, shiftHigh = spec.centringTolerance
            let centred = outW / 2 - s * face.centreX
            if !input.leftEdgeClear { shiftHigh = min(shiftHigh, -centred) }            // tx ≤ 0
            if !input.rightEdgeClear { shiftLow = max(shiftLow, outW - s * input.frameWidth - centred) }

            var failed = Set<FramingProblem>()
            if low > high { failed.insert(.headTooTall) } else if bottomLow > high { failed.insert(.shouldersMissing) }
            if shiftLow > shiftHigh { failed.insert(.offCentre) }
            if !failed.isEmpty {
                anyFailure.formUnion(failed)
                if failed.count == 1 { soleFailure.formUnion(failed) }
                continue
            }
            // Preferred vertical offset: the weighted compromise between eye line and head top.
            let we = 1 / (eyeLineSlack * eyeLineSlack), wh = 1 / (headTopSlack * headTopSlack)
            let wanted = (we * (spec.eyeLine.preferred - s * face.eyeLine)
                + wh * (spec.headTop.preferred - s * input.headTop)) / (we + wh)
            let ty = min(high, max(bottomLow, wanted))
            let tx = centred + min(shiftHigh, max(shiftLow, 0))

            let eye = s * face.eyeLine + ty, head = s * input.headTop + ty, width = s * face.faceWidth
            let cost = pow((eye - spec.eyeLine.preferred) / eyeLineSlack, 2)
                + pow((head - spec.headTop.preferred) / headTopSlack, 2)
                + pow((width - spec.faceWidth.preferred) / faceWidthSlack, 2)
                + pow((tx - centred) / spec.centringTolerance, 2) * 0.1
            if best == nil || cost < best!.cost {
                best = (cost, CropPlan(scale: s, offsetX: tx, offsetY: ty))
            }
        }
        if let best { return .success(best.plan) }
        let reasons = soleFailure.isEmpty ? anyFailure : soleFailure
        for reason in [FramingProblem.headTooTall, .offCentre, .shouldersMissing] where reasons.contains(reason) {
            // The smallest photo (largest scale) still runs past the bottom: the face fills too
            // much of the frame. Otherwise the person merely sits too low.
            if reason == .shouldersMissing && top * input.frameHeight < outH + 1 { return .failure(.tooClose) }
            return .failure(reason)
        }
        return .failure(.tooFar)
    }
}

extension CropSolver {
    /// How the spec photo would be cut for the face with `landmarks` in a frame of `size`, or
    /// why it cannot be: the one framing estimate of the live guidance and the checks.
    ///
    /// `headTop` is the top of the hair in frame rows when a person's mask found it; without
    /// one it is put 0.7 brow-to-chin heights above the brows, about where it sits on short
    /// hair. `edgesClear` says, from a mask, whether the person stays clear of the frame's
    /// left and right edges; without one the shoulders are taken to reach 1.4 face widths to
    /// each side of the face centre.
    public func plan(_ landmarks: FaceLandmarks, frame size: PixelSize, headTop: Double? = nil,
                     edgesClear: (left: Bool, right: Bool)? = nil) -> Result<CropPlan, FramingProblem> {
        let face = FaceGeometry(landmarks)
        let top = headTop ?? face.browTop - 0.7 * (face.chinY - face.browTop)
        if top < 0 { return .failure(.headCutOff) }
        let reach = 1.4 * face.faceWidth
        let clear = edgesClear ?? (face.centreX - reach > 0, face.centreX + reach < Double(size.width))
        return solve(FramingInput(face: face, headTop: top, frameWidth: Double(size.width), frameHeight: Double(size.height),
                                  leftEdgeClear: clear.left, rightEdgeClear: clear.right))
    }

    /// Why no spec photo can be cut (nil: a crop is possible), by `plan`.
    public func problem(_ landmarks: FaceLandmarks, frame size: PixelSize, headTop: Double? = nil,
                        edgesClear: (left: Bool, right: Bool)? = nil) -> FramingProblem? {
        if case let .failure(found) = plan(landmarks, frame: size, headTop: headTop, edgesClear: edgesClear) { return found }
        return nil
    }
}
