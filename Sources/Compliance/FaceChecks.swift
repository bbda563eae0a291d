import FaceKit
import Foundation
import ImageKit

/// The figures the per-face checks judge, measured on a `FaceSample`. Public so that the
/// guidance can show them and the evaluation can choose limits from them.
public struct FaceFigures: Sendable, Codable, Hashable {
    public var roll: Double
    /// Nil when the pose fit failed.
    public var yaw: Double?
    public var pitch: Double?
    public var eyeOpening: Double
    /// How far apart the lips are: the inner-lip landmarks' gap over the mouth's width, or 0
    /// when the pixels in that gap are lip (`lipsDrawnApart` then keeps the landmarks' gap).
    public var mouthOpening: Double
    /// The landmarks' gap when the landmark fit drew closed lips apart: the pixels between the
    /// inner-lip points are redder than the lips' outline (`ComplianceLimits.lipGapRedness`).
    /// Nil otherwise.
    public var lipsDrawnApart: Double? = nil
    /// The light ratio of the face halves in stops, log₂(left half / right half) over
    /// mirrored skin points: positive when the person's right half (image left) is the darker.
    public var lightBalance: Double
    /// Median L* of the face skin.
    public var skinLightness: Double
    /// The scene's reference lightness: L* of the brightest large area around the head (the
    /// station's light backdrop, a white collar) under the same light as the face, which the
    /// skin's own tone does not move (nil: not measured). See `SceneChecks.sceneLightness`.
    public var sceneLightness: Double?
    public var clippedShare: Double
    public var hotSpotShare: Double
    public var glareShare: Double
    public var redEyeShare: Double
    /// Focus: the share of the inner face's neighbour differences a further blur removes, at
    /// the sample's fixed face width, in the worst direction (1 sharp, 0 fully blurred).
    public var sharpness: Double
    /// Motion: on the eye areas, the worst direction's focus figure over the best's (1 as
    /// sharp along every direction; a smear along one direction lowers it, a defocus hardly does).
    public var steadiness: Double
}

/// The checks on the face itself: pose, eyes, mouth, light, exposure, highlights, glare,
/// red eye, focus. Cheap enough for every analysed frame (see `kiosk bench checks`): they
/// work on the face scaled to a fixed size, wherever it came from.
public struct FaceChecks: Sendable {
    public var limits: ComplianceLimits

    public init(limits: ComplianceLimits = .standard) { self.limits = limits }

    /// The figures of the face with `landmarks` in `image` (any size: a reduced camera
    /// frame, the full frame or the finished photo). Nil when the face lies outside it.
    public func figures(_ image: RGBImage, landmarks: FaceLandmarks, sceneLightness: Double? = nil) -> FaceFigures? {
        guard let sample = FaceSample(image, landmarks: landmarks) else { return nil }
        let l = sample.landmarks
        let w = sample.rgb.width, h = sample.rgb.height
        // The pose against the line of sight to the face: a camera whose axis passes through
        // the nose, so a face off the frame's centre that looks into the lens reads as frontal.
        let pose = try? HeadPose(landmarks: landmarks, camera: PoseCamera(
            focalLength: Double(max(image.width, image.height)), principalPoint: landmarks.noseTip))

        let skin = FaceRegions.skin(l, width: w, height: h)
        let balance = lightBalance(sample, skin: skin)
        let skinMedian = median(sample.lightness(skin))
        let hotShare = hotSpots(sample, skin, skinLightness: skinMedian)
        let focus = focus(sample)
        let lipsDrawnApart = l.mouthOpenness > 0 && gapHoldsLip(sample) ? l.mouthOpenness : nil

        return FaceFigures(
            roll: l.rollDegrees, yaw: pose?.yaw, pitch: pose?.pitch,
            eyeOpening: min(l.rightEyeAspectRatio, l.leftEyeAspectRatio),
            mouthOpening: lipsDrawnApart == nil ? l.mouthOpenness : 0, lipsDrawnApart: lipsDrawnApart,
            lightBalance: balance, skinLightness: skinMedian, sceneLightness: sceneLightness,
            clippedShare: clippedShare(sample, skin),
            hotSpotShare: hotShare, glareShare: max(glare(sample, l.rightEye), glare(sample, l.leftEye)),
            redEyeShare: max(redEye(sample, l.rightEye), redEye(sample, l.leftEye)),
            sharpness: focus.sharpness, steadiness: focus.steadiness)
    }

    /// The results for `figures`.
    public func results(_ f: FaceFigures) -> [CheckResult] {
        let l = limits
        var out: [CheckResult] = []
        func add(_ id: CheckID, _ clause: String, _ value: Double, _ unit: String, _ limit: Limit, _ hint: Hint,
                 detail: String? = nil) {
            out.append(CheckResult(id: id, clause: clause, value: value, unit: unit, limit: limit.description,
                                   verdict: limit.verdict(value), hint: hint, detail: detail))
        }
        let tiltSide = f.roll > 0 ? ("左", "left") : ("右", "right")
        add(.roll, "head roll (tilt)", abs(f.roll), "°", l.roll,
            Hint("请把头摆正，不要向\(tiltSide.0)肩歪头", "Hold your head upright: it leans towards your \(tiltSide.1) shoulder"))
        if let yaw = f.yaw, let pitch = f.pitch {
            let turn = yaw > 0 ? ("左", "left") : ("右", "right")
            add(.yaw, "head yaw (turn)", abs(yaw), "°", l.yaw,
                Hint("请正对镜头，脸不要转向\(turn.0)边", "Face the camera straight on: you are turned to your \(turn.1)"))
            add(.pitch, "head pitch (nod)", abs(pitch), "°", l.pitch,
                pitch > 0 ? Hint("请稍微低头，下巴不要抬高", "Lower your chin a little")
                    : Hint("请稍微抬头，平视镜头", "Lift your chin a little and look level into the lens"))
        } else {
            for (id, clause) in [(CheckID.yaw, "head yaw (turn)"), (.pitch, "head pitch (nod)")] {
                out.append(CheckResult(id: id, clause: clause, value: nil, unit: "°", limit: "", verdict: .notChecked,
                                       detail: "the head-pose fit failed on these landmarks"))
            }
        }
        add(.eyesOpen, "both eyes open", f.eyeOpening, "EAR", l.eyeOpening,
            Hint("请自然睁大双眼，看向镜头", "Open both eyes naturally and look into the lens"))
        add(.mouthClosed, "lips closed", f.mouthOpening, "ratio", l.mouthOpening,
            Hint("请自然闭上嘴唇，不要露齿", "Close your lips naturally, no teeth showing"),
            detail: f.lipsDrawnApart.map {
                String(format: "the landmarks set the lips %.2f apart, but between them is lip, not teeth or the mouth's inside", $0)
            })
        // The person's own sides: the right cheek is on the image's left.
        let dark = f.lightBalance > 0 ? ("右", "right", "left") : ("左", "left", "right")
        add(.evenLight, "even light on both face halves", abs(f.lightBalance), "stops", l.lightImbalance,
            Hint("\(dark.0)脸偏暗（阴阳脸）：请在\(dark.0)侧补光，或让两侧灯光一样亮",
                 "Your \(dark.1) cheek is darker (yin-yang face): add light on your \(dark.1) or even out the two lights"),
            detail: "darker: the person's \(dark.1) cheek (image \(dark.2))")
        let (darkVerdict, brightVerdict) = exposure(f)
        out.append(CheckResult(
            id: .exposure, clause: "face exposure", value: f.skinLightness, unit: "L*",
            limit: "too dark: \(l.faceDarkness), or \(l.dimSceneFaceDarkness) with the scene \(l.sceneDarkness); "
                + "too bright: \(l.faceBrightness), or \(l.brightSceneFaceBrightness) with the scene \(l.sceneBrightness)",
            verdict: max(darkVerdict, brightVerdict),
            hint: darkVerdict > brightVerdict ? Hint("脸部太暗：请打开或调亮灯光", "Your face is too dark: turn the lights up")
                : Hint("脸部太亮：请调暗灯光或后退一点", "Your face is too bright: turn the lights down or move back")))
        add(.clippedHighlights, "no clipped highlights", f.clippedShare, "share", l.clippedShare,
            Hint("脸部有过曝发白的地方：请调暗灯光", "Parts of your face are burnt out white: turn the lights down"))
        add(.hotSpots, "no light spots on the face", f.hotSpotShare, "share", l.hotSpotShare,
            Hint("脸上有反光亮斑：请用吸油纸擦脸，或让灯光更柔和", "Shiny spots on your face: blot your skin or soften the light"))
        add(.glassesGlare, "no glare on glasses", f.glareShare, "share", l.glareShare,
            Hint("眼镜反光：请把眼镜稍微下倾或调整灯光角度", "Your glasses reflect the light: tilt them down slightly or move the lights"))
        add(.redEye, "no red eye", f.redEyeShare, "share", l.redEyeShare,
            Hint("红眼：请关闭闪光灯或开亮室内灯后重拍", "Red eye: switch off the flash or brighten the room and retake"))
        add(.sharpness, "sharp focus", f.sharpness, "grad/contrast", l.sharpness,
            Hint("照片模糊：请保持不动，让镜头重新对焦", "The photo is blurred: hold still and let the camera focus"))
        add(.motionBlur, "no motion blur", f.steadiness, "worst/best direction", l.steadiness,
            Hint("照片有拖影：拍照时请保持不动", "The photo is smeared by movement: hold still while the photo is taken"))
        return out
    }

    /// The exposure's verdicts, too dark and too bright: the one rule for the checks and the
    /// guidance. Too dark when the skin is below `faceDarkness` whatever the scene, or below
    /// `dimSceneFaceDarkness` while the scene's reference (`sceneLightness`, the light backdrop
    /// around the head) is below `sceneDarkness` too: a dark skin in good light has a light
    /// backdrop beside it, a dim light darkens both. Too bright above `faceBrightness`, or above
    /// `brightSceneFaceBrightness` while the reference is above `sceneBrightness`.
    public func exposure(_ f: FaceFigures) -> (dark: Verdict, bright: Verdict) {
        let l = limits
        var dark = l.faceDarkness.verdict(f.skinLightness), bright = l.faceBrightness.verdict(f.skinLightness)
        if let scene = f.sceneLightness {
            dark = max(dark, min(l.dimSceneFaceDarkness.verdict(f.skinLightness), l.sceneDarkness.verdict(scene)))
            bright = max(bright, min(l.brightSceneFaceBrightness.verdict(f.skinLightness), l.sceneBrightness.verdict(scene)))
        }
        return (dark, bright)
    }

    /// Figures and results in one call (nil figures: the face is outside the image).
    public func check(_ image: RGBImage, landmarks: FaceLandmarks, sceneLightness: Double? = nil)
        -> (figures: FaceFigures, results: [CheckResult])? {
        figures(image, landmarks: landmarks, sceneLightness: sceneLightness).map { ($0, results($0)) }
    }

    /// The light ratio of the two face halves in stops: every skin pixel on the person's right
    /// half is compared with its mirror image on the left half (the mirror fitted to the
    /// landmarks' symmetric pairs), and the figure is the median log₂ ratio. A lamp to one
    /// side moves every pair, so the figure grows with the imbalance on any skin; what
    /// differs between the halves for another reason (hair over one cheek, a hand, a shadow
    /// of the glasses) moves only some pairs, which the median weighs no more than their
    /// number. Symmetric features (a beard, spectacle frames) pair with themselves.
    private func lightBalance(_ sample: FaceSample, skin: RegionMask) -> Double {
        guard let mirror = FaceRegions.mirror(sample.landmarks) else { return 0 }
        let smooth = sample.rgb.gaussianBlurred(sigma: 1.5).lab()
        let w = sample.rgb.width, h = sample.rgb.height
        let faceWidth = sample.landmarks.points[1].distance(to: sample.landmarks.points[15])
        var ratios: [Float] = []
        smooth.withUnsafeRows { p, stride in
            skin.forEach { x, y in
                let m = mirror.apply(Point2D(x: Double(x) + 0.5, y: Double(y) + 0.5))
                // The person's right half (image left), clear of the midline.
                guard m.x - Double(x) > 0.16 * faceWidth else { return }
                let mx = Int(m.x), my = Int(m.y)
                guard mx >= 0, my >= 0, mx < w, my < h, skin.contains(mx, my) else { return }
                let right = luminance(lightness: Double(p[y * stride + 3 * x]))
                let left = luminance(lightness: Double(p[my * stride + 3 * mx]))
                ratios.append(Float(log2(max(1e-4, left) / max(1e-4, right))))
            }
        }
        return median(ratios)
    }

    /// Skin pixels that are much brighter than the skin's median and whiter than its colour:
    /// a specular reflection has the light's colour, not the skin's.
    private func hotSpots(_ sample: FaceSample, _ skin: RegionMask, skinLightness: Double) -> Double {
        var chromas: [Float] = []
        sample.lab.withUnsafeRows { p, stride in
            skin.forEach { x, y in
                let i = y * stride + 3 * x
                chromas.append((p[i + 1] * p[i + 1] + p[i + 2] * p[i + 2]).squareRoot())
            }
        }
        let skinChroma = Float(median(chromas))
        let bright = Float(min(skinLightness + limits.hotSpotMargin, 95))
        var hot = 0, index = 0
        sample.lab.withUnsafeRows { p, stride in
            skin.forEach { x, y in
                if p[y * stride + 3 * x] >= bright && chromas[index] <= 0.6 * skinChroma { hot += 1 }
                index += 1
            }
        }
        return Double(hot) / Double(max(1, chromas.count))
    }

    private func clippedShare(_ sample: FaceSample, _ skin: RegionMask) -> Double {
        var clipped = 0, total = 0
        sample.rgb.withUnsafeRows { p, stride in
            skin.forEach { x, y in
                let i = y * stride + 3 * x
                total += 1
                if min(p[i], p[i + 1], p[i + 2]) >= 245 { clipped += 1 }
            }
        }
        return Double(clipped) / Double(max(1, total))
    }

    /// Near-white, colourless pixels in the lens area: L* ≥ 90 and chroma ≤ 12. Eye whites
    /// stay below that in even light; catchlights are a few pixels.
    private func glare(_ sample: FaceSample, _ eye: ArraySlice<Point2D>) -> Double {
        let rect = FaceRegions.lens(eye).pixels(in: sample.lab.bounds)
        guard !rect.isEmpty else { return 0 }
        var bright = 0
        sample.lab.withUnsafeRows { p, stride in
            for y in rect.y..<rect.maxY {
                for x in rect.x..<rect.maxX {
                    let i = y * stride + 3 * x
                    if p[i] >= 90 && p[i + 1] * p[i + 1] + p[i + 2] * p[i + 2] <= 144 { bright += 1 }
                }
            }
        }
        return Double(bright) / Double(rect.width * rect.height)
    }

    /// Saturated red in the pupil disc beyond what the ring around it shows: red well above
    /// green and blue in ratio and by at least 50 levels, and at least 75 levels of red (a
    /// deep red retina in a dim or grey photo stays under 100; a dark brown iris is only 20–40
    /// levels above its green, and the darkest pixels' JPEG colour noise is under 75). A
    /// red-eye pupil glows inside an iris and lids that are not red; a reddish cast that
    /// covers the pupil and its surroundings alike (skin seen through tinted lenses, a red
    /// lens) is not red eye, so the ring's red share (from 1.5 to 2.6 pupil radii) is taken off
    /// the disc's.
    private func redEye(_ sample: FaceSample, _ eye: ArraySlice<Point2D>) -> Double {
        let pupil = FaceRegions.pupil(eye)
        let radius = max(1.5, pupil.radius)
        func share(_ mask: RegionMask) -> Double {
            var red = 0, total = 0
            sample.rgb.withUnsafeRows { p, stride in
                mask.forEach { x, y in
                    let i = y * stride + 3 * x
                    let r = Int(p[i]), g = Int(p[i + 1]), b = Int(p[i + 2])
                    total += 1
                    if r >= 75 && r - max(g, b) >= 50 && 10 * r > 18 * g && 10 * r > 16 * b { red += 1 }
                }
            }
            return Double(red) / Double(max(1, total))
        }
        let w = sample.rgb.width, h = sample.rgb.height
        let disc = RegionMask.disc(pupil.centre, radius: radius, width: w, height: h)
        let ring = RegionMask.disc(pupil.centre, radius: 2.6 * radius, width: w, height: h)
            .subtracting(RegionMask.disc(pupil.centre, radius: 1.5 * radius, width: w, height: h))
        return max(0, share(disc) - share(ring))
    }

    /// Whether the gap between the inner-lip landmarks holds lip: dlib's fit sometimes draws
    /// thin closed lips apart, and then the gap covers the lips while their outline reaches
    /// onto the skin, so the gap reads redder than the outline; parted lips show teeth or the
    /// mouth's inside there, which read less red (`ComplianceLimits.lipGapRedness`). Judged
    /// only on a photo with colour in its lips (`ComplianceLimits.lipColour`).
    private func gapHoldsLip(_ sample: FaceSample) -> Bool {
        let mouth = FaceRegions.mouth(sample.landmarks, width: sample.rgb.width, height: sample.rgb.height)
        guard mouth.gap.count >= 4, mouth.lips.count >= 4 else { return false }
        let lips = median(sample.redness(mouth.lips))
        return lips >= limits.lipColour && median(sample.redness(mouth.gap)) >= lips + limits.lipGapRedness
    }

    /// How much of a region's edge contrast a further blur removes, in each of four directions
    /// (across, down, both diagonals): the no-reference measure of Crété-Roffet et al. ("The
    /// blur effect", 2007), hand-written as no library here offers it. A sharp image loses much
    /// of its neighbour differences when blurred again; an already blurred one hardly changes.
    /// Each direction is blurred along itself only, so a smear in one direction shows there
    /// while detail across it stays. Self-normalising: skin tone, exposure and contrast cancel
    /// in the ratio. At the sample's 128-pixel face width: a slight defocus (a blur under 1 %
    /// of the face width) is lost when the face is reduced further (64 pixels read it as sharp).
    private func directionalSharpness(_ gray: GrayImage, in region: RegionMask) -> [Double] {
        let w = gray.width, h = gray.height
        var values = [Float](repeating: 0, count: w * h)
        gray.withUnsafeRows { p, stride in
            for y in 0..<h { for x in 0..<w { values[y * w + x] = Float(p[y * stride + x]) } }
        }
        let weights: [Float] = (-3...3).map { Float(exp(-Double($0 * $0) / 2)) }
        let norm = weights.reduce(0, +)
        return [(1, 0), (0, 1), (1, 1), (1, -1)].map { dx, dy in
            func at(_ x: Int, _ y: Int) -> Float {
                values[min(h - 1, max(0, y)) * w + min(w - 1, max(0, x))]
            }
            func again(_ x: Int, _ y: Int) -> Float {
                var sum: Float = 0
                for (k, weight) in zip(-3...3, weights) { sum += weight * at(x + k * dx, y + k * dy) }
                return sum / norm
            }
            var total = 0.0, kept = 0.0
            region.forEach { x, y in
                let original = Double(abs(at(x, y) - at(x - dx, y - dy)))
                let reblurred = Double(abs(again(x, y) - again(x - dx, y - dy)))
                total += original
                kept += max(0, original - reblurred)
            }
            return total > 0 ? kept / total : 0
        }
    }

    /// Focus, the worst direction's figure on the inner face (brows to chin), so a smear in any
    /// direction shows too; and steadiness, the worst direction's figure over the best's on
    /// the two eye areas (`FaceRegions.lens`). Lids, lashes, iris rims and catchlights are fine
    /// detail in every direction on every open-eyed face, so their directions differ little
    /// unless the picture is smeared along one; the inner face's texture (brows, lips, the
    /// nose's ridge) has directions of its own. A defocus blurs every direction alike and
    /// leaves steadiness near that of the sharp face.
    private func focus(_ sample: FaceSample) -> (sharpness: Double, steadiness: Double) {
        let gray = sample.rgb.grayscale()
        let w = gray.width, h = gray.height
        let face = directionalSharpness(gray, in: RegionMask.polygon(FaceRegions.features(sample.landmarks), width: w, height: h))
        var eyes = RegionMask(width: w, height: h)
        for eye in [sample.landmarks.rightEye, sample.landmarks.leftEye] {
            let r = FaceRegions.lens(eye)
            eyes.fill([Point2D(x: r.x, y: r.y), Point2D(x: r.x + r.width, y: r.y),
                       Point2D(x: r.x + r.width, y: r.y + r.height), Point2D(x: r.x, y: r.y + r.height)], with: true)
        }
        let eyeFigures = directionalSharpness(gray, in: eyes)
        let best = eyeFigures.max() ?? 0
        return (face.min() ?? 0, best > 0 ? (eyeFigures.min() ?? 0) / best : 0)
    }
}
