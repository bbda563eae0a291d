import DataCache
@testable import FaceKit
import Foundation
import ImageKit
import Testing

@Suite("Working resolution of the search")
struct SearchPlanTests {
    let limit = Double(FaceDetectionOptions.maximumSearchSide)

    @Test func photosThatFitAreSearchedAsAsked() {
        let plain = SearchPlan(longestSide: 1280, scale: 1, upsampling: 0)
        #expect(plain.scale == 1 && plain.upsampling == 0)
        let webcam = SearchPlan(longestSide: 640, scale: 1, upsampling: 1)
        #expect(webcam.scale == 1 && webcam.upsampling == 1)
        // Exactly at the limit: 400 × 4 = 1600.
        let atLimit = SearchPlan(longestSide: 400, scale: 1, upsampling: 2)
        #expect(atLimit.scale == 1 && atLimit.upsampling == 2)
        // The minimum-face reduction alone already fits.
        let reduced = SearchPlan(longestSide: 2000, scale: 0.5, upsampling: 0)
        #expect(reduced.scale == 0.5 && reduced.upsampling == 0)
    }

    @Test func aLargePhotoIsReducedAndItsUpsamplingDropped() {
        for upsampling in 0...3 {
            let plan = SearchPlan(longestSide: 8000, scale: 1, upsampling: upsampling)
            #expect(plan.upsampling == 0)
            #expect(abs(plan.scale - 0.2) < 1e-12)
        }
    }

    @Test func upsamplingIsCountedAgainstTheLimit() {
        // 640 × 8 = 5120 px asked; 2.5 × fits: reduce to 0.625, then double twice.
        let plan = SearchPlan(longestSide: 640, scale: 1, upsampling: 3)
        #expect(plan.upsampling == 2)
        #expect(abs(plan.scale - 0.625) < 1e-12)
    }

    @Test func noPlanGoesOverTheLimitOrEnlargesMoreThanAsked() {
        for side in [1, 79, 400, 401, 640, 1280, 1600, 1601, 1920, 4000, 8000, 9000, 65_535] {
            for upsampling in 0...3 {
                for scale in [1, 0.8, 0.5, 0.1] {
                    let plan = SearchPlan(longestSide: side, scale: scale, upsampling: upsampling)
                    let searched = Double(side) * plan.scale * Double(1 << plan.upsampling)
                    let asked = Double(side) * scale * Double(1 << upsampling)
                    // As large as asked, or as the limit allows, whichever is smaller.
                    #expect(abs(searched - min(asked, limit)) < 1e-6, "\(side) px, \(upsampling)×, \(scale)")
                    #expect(plan.scale <= 1 && plan.upsampling <= upsampling)
                }
            }
        }
    }
}

@Suite(.enabled(if: cache.isPopulated, Comment(rawValue: cache.missingMessage)))
struct LargeInputDetectionTests {
    /// obama.jpg enlarged three times (2730×3411): larger than the working resolution.
    func enlarged() throws -> (image: RGBImage, face: DetectedFace) {
        let original = try photo("obama.jpg")
        let face = try onlyFace(in: original)
        let image = original.resized(to: PixelSize(width: original.width * 3, height: original.height * 3), filter: .bicubic)
        return (image, face)
    }

    @Test func aFaceInALargePhotoIsFoundWithBoxAndLandmarksAtFullResolution() throws {
        let (image, small) = try enlarged()
        let face = try onlyFace(in: image)
        let expected = PixelRect(x: small.box.x * 3, y: small.box.y * 3, width: small.box.width * 3,
                                 height: small.box.height * 3)
        #expect(face.box.overlap(with: expected) > 0.8, "\(face.box) against \(expected)")
        // Landmarks are placed on the full-resolution image: they land where the small
        // photo's landmarks land, enlarged, to within a few of its pixels.
        let eyeError = face.landmarks.rightEyeCenter.distance(
            to: Point2D(x: small.landmarks.rightEyeCenter.x * 3 + 1, y: small.landmarks.rightEyeCenter.y * 3 + 1))
        #expect(eyeError < 3 * 4, "right eye off by \(eyeError) px")
    }

    @Test func upsamplingALargePhotoFindsTheSameFaceInsteadOfExhaustingMemory() throws {
        // Without the working resolution this search would be 21 840 × 27 288 pixels (600
        // megapixels, several GB in dlib's pyramid).
        let (image, _) = try enlarged()
        let plain = try onlyFace(in: image)
        let upsampled = try onlyFace(in: image, .init(upsampling: 3))
        #expect(upsampled.box.overlap(with: plain.box) > 0.9)
    }
}

@Suite(.enabled(if: cache.isPopulated, Comment(rawValue: cache.missingMessage)))
struct OrientedPortraitTests {
    /// The upright `portrait` stored as a camera held that way stores it: pixels turned by
    /// the inverse of `orientation` (ImageKit's tests pin what each turn does), and an Exif
    /// APP1 segment with the Orientation tag right after SOI, as cameras write it.
    static func taggedFile(_ portrait: RGBImage, _ orientation: ImageOrientation) throws -> Data {
        let jpeg = try JPEG.encode(portrait.oriented(orientation.inverse), options: .init(quality: 95))
        // "Exif\0\0", then TIFF little-endian: header, one IFD0 entry (0x0112, SHORT, count 1,
        // value), no next IFD. Segment length 34.
        let app1: [UInt8] = [0xFF, 0xE1, 0x00, 0x22] + Array("Exif\0\0".utf8)
            + [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00]
            + [0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, UInt8(orientation.rawValue), 0x00, 0x00, 0x00]
            + [0x00, 0x00, 0x00, 0x00]
        return Data(jpeg.prefix(2) + app1 + jpeg.dropFirst(2))
    }

    /// Orientation 6 (a phone held upright) and 3 (a camera upside down) gave "no face found"
    /// before the tag was applied; every value must give the upright portrait's face.
    @Test(arguments: ImageOrientation.allCases)
    func theFaceIsFoundInAPortraitStoredInEachOrientation(_ orientation: ImageOrientation) throws {
        let portrait = try photo("obama.jpg")
        let upright = try onlyFace(in: portrait)
        let file = try Self.taggedFile(portrait, orientation)
        let decoded = try ImageFile.decode(file, name: "obama-\(orientation.rawValue).jpg")
        try #require(decoded.size == portrait.size)
        let face = try onlyFace(in: decoded)
        #expect(face.box.overlap(with: upright.box) > 0.85, "orientation \(orientation): \(face.box) vs \(upright.box)")
    }
}
