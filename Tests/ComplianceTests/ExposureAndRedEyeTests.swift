@testable import Compliance
import DataCache
import FaceKit
import Foundation
import ImageKit
import Testing

/// Exposure is judged against the scene's reference (the light backdrop), so a dark skin in
/// good light passes and a dim scene fails, against the backdrop the station recorded when it
/// knows it; red eye needs a red pupil inside a ring that is
/// not red, so a reddish cast over the whole eye (tinted lenses) is not red eye.
struct ExposureRuleTests {
    static func figures(skin: Double, scene: Double?) -> FaceFigures {
        FaceFigures(roll: 0, yaw: 0, pitch: 0, eyeOpening: 0.3, mouthOpening: 0, lightBalance: 0, skinLightness: skin,
                    sceneLightness: scene, clippedShare: 0, hotSpotShare: 0, glareShare: 0, redEyeShare: 0, sharpness: 0.35, steadiness: 0.9)
    }

    @Test func aDarkSkinInABrightSceneIsNotTooDark() {
        let limits = ComplianceLimits.standard
        let skin = limits.dimSceneFaceDarkness.fail - 6
        #expect(skin > limits.faceDarkness.warn)
        #expect(FaceChecks().exposure(Self.figures(skin: skin, scene: limits.sceneDarkness.warn + 5)).dark == .pass)
    }

    @Test func theSameSkinInADimSceneIsTooDark() {
        let limits = ComplianceLimits.standard
        let skin = limits.dimSceneFaceDarkness.fail - 6
        #expect(FaceChecks().exposure(Self.figures(skin: skin, scene: limits.sceneDarkness.fail - 5)).dark == .fail)
    }

    @Test func aSkinBelowTheFloorIsTooDarkWhateverTheScene() {
        let limits = ComplianceLimits.standard
        for scene in [nil, 30.0, 95.0] {
            #expect(FaceChecks().exposure(Self.figures(skin: limits.faceDarkness.fail - 3, scene: scene)).dark == .fail)
        }
    }

    @Test func withoutAReferenceOnlyTheFloorJudges() {
        let limits = ComplianceLimits.standard
        #expect(FaceChecks().exposure(Self.figures(skin: limits.dimSceneFaceDarkness.fail - 6, scene: nil)).dark == .pass)
    }

    /// The L* of `lightness` with `stops` more light (negative: less).
    static func lit(_ lightness: Double, stops: Double) -> Double {
        Compliance.lightness(luminance: luminance(lightness: lightness) * pow(2, stops))
    }

    @Test func aStationThatKnowsItsGreyBackdropPassesADarkSkinBesideIt() {
        let grey = 58.0
        let skin = ComplianceLimits.standard.dimSceneFaceDarkness.fail - 3
        // Without the backdrop recorded, a grey wall reads as a dim scene …
        #expect(FaceChecks().exposure(Self.figures(skin: skin, scene: grey)).dark == .fail)
        // … with it, the same frame is lit as the station was set up, and a stop less is dim.
        let station = FaceChecks(limits: .standard.calibrated(backdropReference: grey))
        #expect(station.exposure(Self.figures(skin: skin, scene: grey)).dark == .pass)
        #expect(station.exposure(Self.figures(skin: skin, scene: Self.lit(grey, stops: -1))).dark == .fail)
    }

    @Test func aDarkSkinInABrightenedSceneIsTooBright() {
        let grey = 58.0
        let station = FaceChecks(limits: .standard.calibrated(backdropReference: grey))
        let skin = station.limits.brightSceneFaceBrightness.fail + 1.5
        #expect(skin < station.limits.faceBrightness.warn)
        #expect(station.exposure(Self.figures(skin: skin, scene: grey)).bright == .pass)
        #expect(station.exposure(Self.figures(skin: skin, scene: Self.lit(grey, stops: 1))).bright == .fail)
        // A station that has not recorded its backdrop never calls its scene too bright.
        #expect(FaceChecks().exposure(Self.figures(skin: skin, scene: 100)).bright == .pass)
    }

    @Test func aNearWhiteBackdropThatClipsIsABrightenedScene() {
        let limits = ComplianceLimits.standard
        let white = 97.3
        // A third of a stop more cannot show below L* 100 on this wall …
        #expect(Self.lit(white, stops: limits.sceneBrightening.fail) >= 100)
        let station = FaceChecks(limits: limits.calibrated(backdropReference: white))
        let skin = limits.brightSceneFaceBrightness.fail + 1.5
        #expect(station.exposure(Self.figures(skin: skin, scene: white)).bright == .pass)
        // … but the wall clipping shows that the light rose.
        #expect(station.exposure(Self.figures(skin: skin, scene: 100)).bright == .fail)
        // A backdrop that read clipped already when it was recorded tells nothing.
        let clipped = FaceChecks(limits: limits.calibrated(backdropReference: limits.clippedBackdrop + 0.1))
        #expect(clipped.exposure(Self.figures(skin: skin, scene: 100)).bright == .pass)
    }

    @Test func aBrightSkinIsTooBright() {
        let limits = ComplianceLimits.standard
        #expect(FaceChecks().exposure(Self.figures(skin: limits.faceBrightness.fail + 2, scene: 60)).bright == .fail)
        #expect(FaceChecks().exposure(Self.figures(skin: limits.faceBrightness.warn - 2, scene: 60)).bright == .pass)
    }
}

@Suite(.enabled(if: DataCache.standard.isPopulated, "\(DataCache.standard.missingMessage)"))
struct SceneReferenceAndRedEyeTests {
    static func face(_ name: String) throws -> (image: RGBImage, landmarks: FaceLandmarks) {
        let image = try ImageFile.read(DataCache.standard.face(name))
        let face = try #require(ComplianceChecker().mainFace(try FaceDetector().detect(in: image)))
        return (image, face.landmarks)
    }

    /// `image` with every pixel for which `inside` holds scaled by `gain` in linear light.
    static func relit(_ image: RGBImage, gain: Double, where inside: (Int, Int) -> Bool = { _, _ in true }) -> RGBImage {
        let table = (0..<256).map { v -> UInt8 in
            let c = Double(v) / 255
            let linear = (c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)) * gain
            let l = min(1, max(0, linear))
            return UInt8((255 * (l <= 0.0031308 ? 12.92 * l : 1.055 * pow(l, 1 / 2.4) - 0.055)).rounded())
        }
        var out = image
        out.withUnsafeMutableRows { p, stride in
            for y in 0..<image.height {
                for x in 0..<image.width where inside(x, y) {
                    for c in 0..<3 { p[y * stride + 3 * x + c] = table[Int(p[y * stride + 3 * x + c])] }
                }
            }
        }
        return out
    }

    @Test(arguments: ["obama.jpg", "biden.jpg"])
    func theSceneReferenceFollowsTheLightNotTheSkin(_ name: String) throws {
        let (image, landmarks) = try Self.face(name)
        let scene = SceneChecks()
        let before = try #require(scene.sceneLightness(image, landmarks: landmarks))
        // 1.5 stops less light on the whole scene lowers the reference by many L* units …
        let dim = try #require(scene.sceneLightness(Self.relit(image, gain: pow(2, -1.5)), landmarks: landmarks))
        #expect(before - dim > 12, "\(name): \(before) -> \(dim)")
        // … a skin half as light (the face's box darkened) leaves it where it was.
        let box = landmarks.boundingBox
        let darkSkin = Self.relit(image, gain: 0.5) { x, y in x >= box.x && x < box.maxX && y >= box.y && y < box.maxY }
        let same = try #require(scene.sceneLightness(darkSkin, landmarks: landmarks))
        #expect(abs(same - before) < 1.5, "\(name): \(before) -> \(same)")
    }

    /// Paints a disc of `colour` of `radius` eye widths over each pupil.
    static func painted(_ image: RGBImage, _ landmarks: FaceLandmarks, radius: Double, colour: (UInt8, UInt8, UInt8),
                        blend: Double = 1) -> RGBImage {
        var out = image
        let p = landmarks.points
        for eye in [Array(p[36...41]), Array(p[42...47])] {
            let centre = Point2D.centroid(eye), r = radius * eye[0].distance(to: eye[3])
            out.withUnsafeMutableRows { q, stride in
                for y in max(0, Int(centre.y - r))...min(image.height - 1, Int(centre.y + r) + 1) {
                    for x in max(0, Int(centre.x - r))...min(image.width - 1, Int(centre.x + r) + 1) {
                        let dx = Double(x) + 0.5 - centre.x, dy = Double(y) + 0.5 - centre.y
                        guard dx * dx + dy * dy <= r * r else { continue }
                        let i = y * stride + 3 * x
                        for (c, v) in [colour.0, colour.1, colour.2].enumerated() {
                            q[i + c] = UInt8((Double(q[i + c]) * (1 - blend) + Double(v) * blend).rounded())
                        }
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: ["obama.jpg", "obama3.jpg", "biden.jpg"])
    func aRedPupilIsRedEye(_ name: String) throws {
        let (image, landmarks) = try Self.face(name)
        let checks = FaceChecks()
        #expect(try #require(checks.figures(image, landmarks: landmarks)).redEyeShare < checks.limits.redEyeShare.warn)
        let red = Self.painted(image, landmarks, radius: 0.16, colour: (190, 30, 35))
        let share = try #require(checks.figures(red, landmarks: landmarks)).redEyeShare
        #expect(share > checks.limits.redEyeShare.fail, "\(name): \(share)")
    }

    @Test(arguments: ["obama.jpg", "biden.jpg"])
    func aDeepRedPupilInADimPhotoIsRedEye(_ name: String) throws {
        let (image, landmarks) = try Self.face(name)
        let checks = FaceChecks()
        let red = Self.painted(image, landmarks, radius: 0.16, colour: (92, 12, 6))
        let share = try #require(checks.figures(red, landmarks: landmarks)).redEyeShare
        #expect(share > checks.limits.redEyeShare.fail, "\(name): \(share)")
    }

    @Test(arguments: ["obama.jpg", "obama3.jpg", "biden.jpg"])
    func aRedCastOverTheWholeEyeIsNotRedEye(_ name: String) throws {
        let (image, landmarks) = try Self.face(name)
        let checks = FaceChecks()
        // A lens tinted red: the pupil, the iris and the lids around them alike.
        let tinted = Self.painted(image, landmarks, radius: 0.75, colour: (200, 40, 40), blend: 0.8)
        let share = try #require(checks.figures(tinted, landmarks: landmarks)).redEyeShare
        #expect(share < checks.limits.redEyeShare.warn, "\(name): \(share)")
    }
}
