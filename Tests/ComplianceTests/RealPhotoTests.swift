import Compliance
import DataCache
import FaceKit
import Foundation
import ImageKit
import PhotoStandard
import Testing

/// The checks on finished photos made by the standardiser from the real test faces.
@Suite(.enabled(if: DataCache.standard.isPopulated, "\(DataCache.standard.missingMessage)"))
struct RealPhotoTests {
    static func standardized(_ name: String) throws -> (photo: StandardPhoto, source: RGBImage, face: DetectedFace) {
        let source = try ImageFile.read(DataCache.standard.face(name))
        let face = try #require(ComplianceChecker().mainFace(try FaceDetector().detect(in: source)))
        return (try Standardizer().standardize(source, landmarks: face.landmarks), source, face)
    }

    @Test func finishedPhotoMeetsTheFileAndGeometryClauses() throws {
        let (photo, source, _) = try Self.standardized("obama.jpg")
        let report = try ComplianceChecker().check(photo: photo.jpeg, detector: FaceDetector(), source: source)
        for id in [CheckID.fileSize, .fileColour, .fileFormat, .fileDensity, .fileQuality, .fileBytes, .backgroundColour,
                   .oneFace, .eyeLine, .faceWidth, .centring, .headTop, .strayObject, .roll, .sharpness, .evenLight,
                   .exposure, .redEye, .glassesGlare, .clothingColour] {
            #expect(report[id]?.verdict == .pass, "\(id.rawValue): \(String(describing: report[id]))")
        }
        // Obama smiles with his teeth showing: the lips are not closed.
        #expect(report[.mouthClosed]?.verdict == .fail)
        #expect(report[.mouthClosed]?.hint?.chinese.contains("闭") == true)
        // The source frame adds the backdrop (the Oval Office: not a plain backdrop).
        #expect(report[.backdropUniformity]?.verdict == .warn)
        #expect(report[.makeUp]?.verdict == .notChecked)
    }

    @Test func reportForAJustStandardisedPhotoAgreesWithTheFileCheck() throws {
        let (photo, source, face) = try Self.standardized("obama.jpg")
        let checker = ComplianceChecker()
        let detector = try FaceDetector()
        let scan = try detector.scan(source, rule: checker.people)
        #expect(scan.sure.first == face)
        let direct = try checker.check(photo: photo.jpeg, detector: detector, source: source, sourceScan: scan)
        let fromFile = try checker.check(photo: photo.jpeg, detector: FaceDetector())
        for id in [CheckID.fileBytes, .fileQuality, .backgroundColour, .eyeLine, .faceWidth, .mouthClosed, .evenLight, .roll] {
            #expect(direct[id]?.verdict == fromFile[id]?.verdict, "\(id.rawValue)")
        }
    }

    @Test func tiltedHeadFailsRollAndSaysWhichShoulder() throws {
        let (photo, _, _) = try Self.standardized("biden.jpg")
        let report = try ComplianceChecker().check(photo: photo.jpeg, detector: FaceDetector())
        let roll = try #require(report[.roll])
        #expect(roll.verdict == .fail)
        #expect((roll.value ?? 0) > 10)
        #expect(report.verdict == .fail)
    }

    /// Without its camera frame a photo's background is the spec's colour, not the scene the
    /// face was lit in (the light blue reads as a dim scene by the panel's limit): the exposure
    /// is then judged by the skin's own limits, so a darker skin in good light passes, and the
    /// frame, when given, still judges the scene.
    @Test func aFinishedPhotoAloneJudgesTheExposureByTheSkinAlone() throws {
        let (photo, source, _) = try Self.standardized("biden.jpg")
        let alone = try ComplianceChecker().check(photo: photo.jpeg, detector: FaceDetector())
        let skin = try #require(alone[.exposure]?.value)
        #expect(skin < ComplianceLimits.standard.dimSceneFaceDarkness.fail, "a skin the dim-scene limit would fail")
        #expect(alone[.exposure]?.verdict == .pass)
        let withFrame = try ComplianceChecker().check(photo: photo.jpeg, detector: FaceDetector(), source: source)
        #expect(withFrame[.exposure]?.value == skin)
    }

    /// A light falling off towards the image's left darkens the person's right cheek; the
    /// check names that side, and the opposite for the mirror image.
    @Test func unevenLightNamesTheDarkSide() throws {
        let source = try ImageFile.read(DataCache.standard.face("obama.jpg"))
        let face = try #require(ComplianceChecker().mainFace(try FaceDetector().detect(in: source)))
        let centre = FaceGeometry(face.landmarks).centreX, width = FaceGeometry(face.landmarks).faceWidth
        var darkLeftOfImage = source
        darkLeftOfImage.withUnsafeMutableRows { p, stride in
            for y in 0..<source.height {
                for x in 0..<source.width {
                    let t = min(1, max(-1, (Double(x) - centre) / (0.3 * width)))
                    let gain = pow(2, 0.6 * t)  // 1.2 stops from cheek to cheek in light, ~2.2 in sRGB codes
                    for c in 0..<3 { p[y * stride + 3 * x + c] = UInt8(min(255, Double(p[y * stride + 3 * x + c]) * gain)) }
                }
            }
        }
        let result = try #require(FaceChecks().check(darkLeftOfImage, landmarks: face.landmarks))
        let light = try #require(result.results.first { $0.id == .evenLight })
        #expect(light.verdict == .fail)
        #expect(result.figures.lightBalance > 0, "the person's right cheek is the darker one")
        #expect(light.hint?.english.contains("right cheek") == true)
        #expect(light.hint?.chinese.hasPrefix("右脸") == true)
    }

    /// A PNG is read and its pixels checked, but the file clauses cannot pass.
    @Test func pngIsCheckedButFailsTheFormat() throws {
        let bytes = try [UInt8](Data(contentsOf: DataCache.standard.astronaut))
        let report = try ComplianceChecker().check(photo: bytes, detector: FaceDetector())
        #expect(report[.fileFormat]?.verdict == .fail)
        #expect(report[.fileSize]?.verdict == .fail)
        #expect(report[.fileDensity]?.verdict == .notChecked)
        #expect(report[.oneFace]?.verdict == .pass)
        #expect(report[.eyesOpen] != nil)
    }

    /// The per-frame subset works on the guidance's reduced analysis frame with its landmarks.
    @Test func perFrameChecksRunOnAReducedFrame() throws {
        let source = try ImageFile.read(DataCache.standard.face("obama3.jpg"))
        let small = source.resized(to: PixelSize(width: 480, height: source.height * 480 / source.width), filter: .area)
        let faces = try FaceDetector().detect(in: small)
        let face = try #require(ComplianceChecker().mainFace(faces))
        let results = ComplianceChecker().frameChecks(small, landmarks: face.landmarks,
                                                      faces: faces.map { FaceBox(rect: $0.box, score: $0.score) })
        let ids = Set(results.map(\.id))
        for id in [CheckID.oneFace, .framing, .roll, .yaw, .pitch, .eyesOpen, .mouthClosed, .evenLight, .exposure,
                   .clippedHighlights, .hotSpots, .glassesGlare, .redEye, .sharpness, .clothingColour] {
            #expect(ids.contains(id), "\(id.rawValue) missing")
        }
        #expect(results.first { $0.id == .oneFace }?.verdict == .pass)
        #expect(results.first { $0.id == .eyesOpen }?.verdict != .fail)
    }
}
