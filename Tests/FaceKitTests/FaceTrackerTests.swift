import DataCache
import FaceKit
import Foundation
import ImageKit
import Testing

@Suite(.enabled(if: cache.isPopulated, Comment(rawValue: cache.missingMessage)))
struct FaceTrackerTests {
    @Test func trackingAgreesWithFullDetectionOnAPannedAndZoomedPhoto() throws {
        let detector = try sharedDetector.get()
        let sequence = PanZoomSequence(photo: try photo("obama.jpg"), frameCount: 60)
        let agreement = try TrackingAgreement.measure(sequence, tracker: FaceTracker(detector: detector),
                                                      detector: detector)
        #expect(agreement.bothFound == sequence.frameCount)
        #expect(agreement.disagreements.isEmpty)
        #expect(agreement.meanLandmarkDifference < 0.05)
        #expect(agreement.fullSearches < sequence.frameCount / 4, "the region search should carry most frames")
    }

    @Test func landmarksFollowTheFaceThroughTheJump() throws {
        let detector = try sharedDetector.get()
        let image = try photo("obama.jpg")
        let truth = try onlyFace(in: image).landmarks
        let sequence = PanZoomSequence(photo: image, frameCount: 60)
        let tracker = FaceTracker(detector: detector)
        for index in 0..<sequence.frameCount {
            let face = try #require(try tracker.track(sequence.frame(index)))
            let expected = sequence.project(truth.eyeMidpoint, into: index)
            let scale = sequence.project(truth.leftEyeCenter, into: index).distance(
                to: sequence.project(truth.rightEyeCenter, into: index))
            // Within a fifth of the eye distance on every frame, including the one where the
            // view jumps by 8% of the photo's width (about 50 px in the frame).
            #expect(face.landmarks.eyeMidpoint.distance(to: expected) < 0.2 * scale, "frame \(index)")
        }
    }

    @Test func aFaceHoldingStillKeepsOneBoxAndOneSetOfLandmarks() throws {
        let detector = try sharedDetector.get()
        // Grace Hopper over a plain wall, as the live analysis sees it (640 px wide): searched
        // around each new box, dlib's box for her face swung between 84 and 121 px.
        let frame = try ImageFile.read(cache.matteEvaluation.appendingPathComponent("mpl_hopper__s4a_plain.jpg"))
        let copy = frame.resized(to: PixelSize(width: 640, height: frame.height * 640 / frame.width), filter: .area)
        func boxes(_ options: FaceTrackerOptions) throws -> (boxes: Set<PixelRect>, landmarks: Set<[Point2D]>) {
            let tracker = FaceTracker(detector: detector, options: options)
            // Two full searches (every 15 frames) among the region searches.
            let faces = try (0..<31).map { _ in try #require(try tracker.track(copy)) }
            return (Set(faces.map(\.box)), Set(faces.map(\.landmarks.points)))
        }
        let held = try boxes(FaceTrackerOptions(minimumFaceSize: 64))
        #expect(held.boxes.count == 1)
        #expect(held.landmarks.count == 1)
        var moving = FaceTrackerOptions(minimumFaceSize: 64)
        moving.regionHold = 1.01
        #expect(try boxes(moving).boxes.count > 1, "the region moved to every new box makes the box swing on this frame")
    }

    @Test func aFrameWithoutAFaceLosesTheTrackAndTheNextFindsItAgain() throws {
        let tracker = FaceTracker(detector: try sharedDetector.get())
        let frame = try photo("obama.jpg").cropped(to: PixelRect(x: 0, y: 0, width: 910, height: 682))
            .resized(to: PixelSize(width: 640, height: 480), filter: .area)
        let empty = RGBImage(width: 640, height: 480, filledWith: 128)
        #expect(try tracker.track(frame)?.source == .fullSearch)
        #expect(try tracker.track(frame)?.source == .regionSearch)
        #expect(try tracker.track(empty) == nil)
        #expect(try tracker.track(frame)?.source == .fullSearch)
    }
}

struct PeopleRuleTests {
    private let rule = PeopleRule(minimumScore: 0.3, otherFaceRatio: 0.3, marginalScore: -0.4)

    private func face(_ x: Int, width: Int, score: Double) -> FaceBox {
        FaceBox(rect: PixelRect(x: x, y: 100, width: width, height: width), score: score)
    }

    @Test func thePersonIsTheLargestSureFaceAndOnlySureFacesOfAFairSizeCount() {
        let faces = [face(0, width: 60, score: 1.2), face(200, width: 200, score: 0.9), face(500, width: 300, score: 0.1),
                     face(900, width: 50, score: 1.5)]
        let found = rule.people(faces)
        // The 300-px face is a pattern the detector is unsure of; the 50-px face is too far back.
        #expect(found.main == 1)
        #expect(found.others == [0])
        #expect(rule.count(faces, main: faces[1].rect) == 2)
    }

    @Test func withoutASureFaceTheSurestIsThePersonAndNobodyIsAFace() {
        let faces = [face(0, width: 100, score: 0.1), face(200, width: 150, score: 0.2)]
        #expect(rule.people(faces).main == 1)
        #expect(rule.people([]).main == nil)
        #expect(rule.count([], main: nil) == 0)
    }

    @Test func anUnsureFaceCountsOnlyWhenTheCNNConfirmsIt() {
        var faces = [face(200, width: 200, score: 0.9), face(500, width: 120, score: -0.1), face(800, width: 120, score: -0.6)]
        // Above the marginal score, large enough: asked about, and not counted before an answer …
        #expect(rule.unsure(faces, main: faces[0].rect) == [1])
        #expect(rule.others(faces, main: faces[0].rect).isEmpty)
        // … counted once confirmed; below the marginal score a confirmation does not count.
        faces[1].confirmed = true
        faces[2].confirmed = true
        #expect(rule.others(faces, main: faces[0].rect) == [1])
        #expect(rule.unsure(faces, main: faces[0].rect).isEmpty)
    }

    @Test func thePersonsOwnDetectionIsNotCountedAgainWhenTheMainFaceIsGivenByItsLandmarks() {
        let faces = [face(200, width: 200, score: 0.9), face(600, width: 150, score: 0.8)]
        // The landmarks' bounding box is a little off the detection box of the same face.
        let landmarksBox = PixelRect(x: 190, y: 120, width: 215, height: 210)
        #expect(rule.others(faces, main: landmarksBox) == [1])
    }
}
