import DataCache
import FaceKit
import Foundation
import ImageKit
import Testing

let cache = DataCache.standard
let portraits = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"]

/// One detector for the whole test run: loading the 68-point model takes about a second.
let sharedDetector = Result { try FaceDetector() }

func photo(_ name: String) throws -> RGBImage { try ImageFile.read(cache.face(name)) }

func onlyFace(in image: RGBImage, _ options: FaceDetectionOptions = .init()) throws -> DetectedFace {
    let faces = try sharedDetector.get().detect(in: image, options: options)
    try #require(faces.count == 1, "expected one face, found \(faces.count)")
    return faces[0]
}

/// Deterministic pseudo-random bytes (a linear congruential generator), so the no-face
/// images are the same on every run.
struct SeededBytes {
    var state: UInt64
    mutating func next() -> UInt8 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
}

@Suite(.enabled(if: cache.isPopulated, Comment(rawValue: cache.missingMessage)))
struct FaceDetectionTests {
    @Test(arguments: portraits + ["obama_partial_face.jpg", "obama_partial_face2.jpg"])
    func findsTheOneFaceInEachPortrait(_ name: String) throws {
        let face = try onlyFace(in: try photo(name))
        #expect(face.score > 0)
        #expect(face.box.width > 150 && face.box.width < 400)
    }

    @Test func findsNoFaceOnAPlainBackdrop() throws {
        // The light-blue registration backdrop, lit a little unevenly from the top.
        let backdrop = RGBImage(width: 640, height: 480) { _, y in
            let shade = UInt8(235 - y / 40)
            return [shade - 70, shade - 20, shade]
        }
        #expect(try sharedDetector.get().detect(in: backdrop, options: .init(upsampling: 1)).isEmpty)
    }

    @Test func findsNoFaceOnAPlasterWall() throws {
        // Beige plaster: blotches of a few tens of pixels plus fine grain.
        var random = SeededBytes(state: 7)
        let blotches = GrayImage(width: 640, height: 480) { _, _ in [random.next()] }.gaussianBlurred(sigma: 9)
        let wall = RGBImage(width: 640, height: 480) { x, y in
            let v = Int(blotches[x, y]) - 128
            let grain = Int(random.next() % 16)
            return [UInt8(clamping: 200 + 3 * v + grain), UInt8(clamping: 185 + 3 * v + grain),
                    UInt8(clamping: 160 + 3 * v + grain)]
        }
        #expect(try sharedDetector.get().detect(in: wall, options: .init(upsampling: 1)).isEmpty)
    }

    @Test func findsNoFaceInNoise() throws {
        var random = SeededBytes(state: 42)
        let noise = RGBImage(width: 640, height: 480) { _, _ in [random.next(), random.next(), random.next()] }
        #expect(try sharedDetector.get().detect(in: noise, options: .init(upsampling: 1)).isEmpty)
    }

    @Test func searchesOnlyTheRegionItIsGiven() throws {
        let image = try photo("obama.jpg")
        let whole = try onlyFace(in: image)
        let below = PixelRect(x: 0, y: whole.box.maxY, width: image.width, height: image.height - whole.box.maxY)
        #expect(try sharedDetector.get().detect(in: image, options: .init(region: below)).isEmpty)
        let around = PixelRect(x: whole.box.x - 60, y: whole.box.y - 60, width: whole.box.width + 120,
                               height: whole.box.height + 120)
        let inRegion = try onlyFace(in: image, .init(region: around))
        #expect(inRegion.box.overlap(with: whole.box) > 0.8)
    }

    @Test func aRegionOutsideTheImageIsAClearError() throws {
        let image = try photo("obama.jpg")
        #expect(throws: FaceError.self) {
            try sharedDetector.get().detect(in: image, options: .init(region: PixelRect(x: 5000, y: 0, width: 10, height: 10)))
        }
    }

    @Test func theMinimumFaceSizeSkipsSmallerFacesAndKeepsLargerOnes() throws {
        let image = try photo("obama.jpg")  // face box about 260 px
        let full = try onlyFace(in: image)
        #expect(try sharedDetector.get().detect(in: image, options: .init(minimumFaceSize: 320)).isEmpty)
        let reduced = try onlyFace(in: image, .init(minimumFaceSize: 200))
        #expect(reduced.box.overlap(with: full.box) > 0.7)
        #expect(reduced.landmarks.rightEyeCenter.distance(to: full.landmarks.rightEyeCenter) < 4)
    }

    @Test func upsamplingFindsAFaceSmallerThanTheSearchWindow() throws {
        let image = try photo("obama.jpg")
        let small = image.resized(to: PixelSize(width: image.width / 5, height: image.height / 5), filter: .area)
        // The face is now about 52 px, below dlib's 80-pixel window (its smallest boxes
        // measure about 73 px).
        #expect(try sharedDetector.get().detect(in: small).isEmpty)
        let face = try onlyFace(in: small, .init(upsampling: 1))
        #expect(face.box.width > 40 && face.box.width < 70)
    }

    @Test func aMissingModelNamesTheFileAndTheFetchCommand() {
        func message(_ change: (inout FaceModels) -> Void, _ load: (FaceModels) throws -> Void) -> String {
            var models = FaceModels.standard
            change(&models)
            do { try load(models) } catch { return "\(error)" }
            return "loaded a model that does not exist"
        }
        let detector = message({ $0.landmarks68 = URL(fileURLWithPath: "/nonexistent/shape_predictor_68_face_landmarks.dat") },
                               { _ = try FaceDetector(models: $0) })
        #expect(detector.contains("/nonexistent/shape_predictor_68_face_landmarks.dat"))
        #expect(detector.contains("scripts/fetch-test-data.sh"))
        let encoder = message({ $0.descriptor = URL(fileURLWithPath: "/nonexistent/dlib_face_recognition_resnet_model_v1.dat") },
                              { _ = try FaceEncoder(models: $0) })
        #expect(encoder.contains("/nonexistent/dlib_face_recognition_resnet_model_v1.dat"))
        #expect(encoder.contains("scripts/fetch-test-data.sh"))
    }
}
