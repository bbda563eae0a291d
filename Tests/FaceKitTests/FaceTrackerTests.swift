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

    @Test func smoothedLandmarksFollowTheFaceThroughTheJump() throws {
        let detector = try sharedDetector.get()
        let image = try photo("obama.jpg")
        let truth = try onlyFace(in: image).landmarks
        let sequence = PanZoomSequence(photo: image, frameCount: 60)
        let tracker = FaceTracker(detector: detector)
        for index in 0..<sequence.frameCount {
            let face = try #require(try tracker.track(sequence.frame(index), at: sequence.time(index)))
            let expected = sequence.project(truth.eyeMidpoint, into: index)
            let scale = sequence.project(truth.leftEyeCenter, into: index).distance(
                to: sequence.project(truth.rightEyeCenter, into: index))
            // Within a fifth of the eye distance on every frame, including the one where the
            // view jumps by 8% of the photo's width (about 50 px in the frame).
            #expect(face.landmarks.eyeMidpoint.distance(to: expected) < 0.2 * scale, "frame \(index)")
        }
    }

    @Test func aFrameWithoutAFaceLosesTheTrackAndTheNextFindsItAgain() throws {
        let tracker = FaceTracker(detector: try sharedDetector.get())
        let frame = try photo("obama.jpg").cropped(to: PixelRect(x: 0, y: 0, width: 910, height: 682))
            .resized(to: PixelSize(width: 640, height: 480), filter: .area)
        let empty = RGBImage(width: 640, height: 480, filledWith: 128)
        #expect(try tracker.track(frame, at: 0)?.source == .fullSearch)
        #expect(try tracker.track(frame, at: 0.033)?.source == .regionSearch)
        #expect(try tracker.track(empty, at: 0.066) == nil)
        #expect(try tracker.track(frame, at: 0.1)?.source == .fullSearch)
    }
}

struct OneEuroFilterTests {
    @Test func aStillNoisySignalIsSteadied() {
        var filter = OneEuroFilter(FaceTrackerOptions().smoothing)
        var random = SeededBytes(state: 3)
        var raw: [Double] = [], smoothed: [Double] = []
        for i in 0..<300 {
            let value = 100 + Double(random.next()) / 255 * 4 - 2  // ±2 px of jitter
            raw.append(value)
            smoothed.append(filter.filter(value, at: Double(i) / 30))
        }
        func deviation(_ v: ArraySlice<Double>) -> Double {
            let mean = v.reduce(0, +) / Double(v.count)
            return (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)).squareRoot()
        }
        #expect(deviation(smoothed[60...]) < deviation(raw[60...]) / 2.5)
    }

    @Test func aMovingSignalIsFollowedWithinAFrameOrTwo() {
        var filter = OneEuroFilter(FaceTrackerOptions().smoothing)
        // 300 px/s, a brisk head movement at 30 fps: 10 px per frame.
        var lastError = 0.0
        for i in 0..<60 {
            let t = Double(i) / 30, value = 300 * t
            lastError = value - filter.filter(value, at: t)
        }
        #expect(lastError < 10, "lags \(lastError) px, one frame's movement")
        #expect(lastError >= 0)
    }

    @Test func theFirstValueAndValuesAfterAResetPassUnchanged() {
        var filter = OneEuroFilter(.init(minimumCutoff: 1, speedCoefficient: 0))
        #expect(filter.filter(5, at: 0) == 5)
        #expect(filter.filter(50, at: 0.1) != 50)
        filter.reset()
        #expect(filter.filter(50, at: 0.2) == 50)
    }
}
