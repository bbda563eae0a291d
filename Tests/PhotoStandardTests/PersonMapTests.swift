import DataCache
import FaceKit
import ImageKit
import MatteEvaluation
@testable import PhotoStandard
import Testing

/// The live station makes the person network's map during the countdown and the capture
/// uses it (`PersonSegmenter.earlierMap`). These pin what that may cost: a student who moved a
/// little since still gets a photo as good as the network's own pass on the captured frame,
/// scored against the frame's true alpha (made by construction); one who moved more does not
/// get the map at all.
@Suite("A person map made a moment before the capture", .enabled(if: DataCache.standard.isPopulated, "\(DataCache.standard.missingMessage)"))
struct PersonMapTests {
    /// The countdown's frame: the captured scene moved by (dx, dy) pixels, its edges repeated.
    private func moved(_ scene: StationScene, dx: Double, dy: Double) -> (image: RGBImage, landmarks: FaceLandmarks) {
        (scene.image.warped(inverse: [1, 0, -dx, 0, 1, -dy], size: scene.image.size),
         scene.landmarks.transformed(scale: 1, offset: Point2D(x: dx, y: dy)))
    }

    @Test(arguments: [false, true])
    func aMapOfTheCountdownStandsInForTheNetworksPass(shadow: Bool) throws {
        let scene = try StationScene.scene(shadow: shadow)
        let standardizer = try stationStandardizer()
        // The jitter of a student holding still: a few pixels.
        let earlier = moved(scene, dx: 6, dy: -4)
        let map = try #require(try standardizer.segmenter.personMap(earlier.image, face: FaceGeometry(earlier.landmarks)))
        let window = PersonSegmenter.window(FaceGeometry(scene.landmarks), frame: scene.image.bounds)
        #expect(map.probability(over: window, in: scene.image.size, size: map.probability.size) != nil,
                "the map must be used for this capture, or the test shows nothing")
        var forecast = standardizer
        forecast.segmenter.earlierMap = map
        let direct = try standardizer.standardize(scene.image, landmarks: scene.landmarks)
        let withMap = try forecast.standardize(scene.image, landmarks: scene.landmarks)
        let spec = standardizer.spec
        let own = MatteScore(photo: direct, frame: scene.image, trueAlpha: scene.alpha, background: spec.background)
        let score = MatteScore(photo: withMap, frame: scene.image, trueAlpha: scene.alpha, background: spec.background)
        print("shadow \(shadow): network's own pass \(own); countdown's map \(score)")
        #expect(score.personLost < 0.01)
        #expect(score.backdropKept < 0.005)
        #expect(score.matteError < 0.02)
        #expect(score.matteError < own.matteError + 0.005)
        // The head top comes from the coarse mask, so the crop may move by a pixel or two, as
        // between two frames of a live student; it stays inside the spec.
        #expect(withMap.report.violations.isEmpty)
        #expect(abs(withMap.plan.scale / direct.plan.scale - 1) < 0.02)
    }

    @Test func aMapOfAnotherPoseIsNotUsed() throws {
        let scene = try StationScene.scene(shadow: false)
        let standardizer = try stationStandardizer()
        // Leaning well to one side: the face's window moves by a tenth of its width.
        let earlier = moved(scene, dx: 90, dy: 0)
        var forecast = standardizer
        forecast.segmenter.earlierMap = try standardizer.segmenter.personMap(earlier.image, face: FaceGeometry(earlier.landmarks))
        #expect(forecast.segmenter.earlierMap != nil)
        let direct = try standardizer.standardize(scene.image, landmarks: scene.landmarks)
        let withMap = try forecast.standardize(scene.image, landmarks: scene.landmarks)
        #expect(withMap.jpeg == direct.jpeg)
    }

    @Test func overItsOwnWindowTheMapIsItself() throws {
        var plane = FloatPlane(width: 40, height: 50)
        for y in 0..<50 { for x in 0..<40 { plane[x, y] = Float(x) / 40 * Float(y) / 50 } }
        let window = PixelRect(x: 100, y: 60, width: 400, height: 500)
        let map = PersonMap(frame: PixelSize(width: 1280, height: 720), window: window, probability: plane)
        let same = try #require(map.probability(over: window, in: map.frame, size: plane.size))
        for y in 0..<50 { for x in 0..<40 { #expect(abs(same[x, y] - plane[x, y]) < 1e-5) } }
        #expect(map.probability(over: window, in: PixelSize(width: 1920, height: 1080), size: plane.size) == nil,
                "a map of another camera's frame")
        let shifted = PixelRect(x: window.x + 20, y: window.y, width: window.width, height: window.height)
        #expect(map.probability(over: shifted, in: map.frame, size: plane.size) == nil, "moved by 4 % of the window")
    }
}
