import DataCache
import FaceKit
import Foundation
import ImageKit
import Testing

@Suite(.enabled(if: cache.isPopulated, Comment(rawValue: cache.missingMessage)))
struct FaceTrackerTests {
    @Test func keepsTheFaceOnAPannedAndZoomedPhoto() throws {
        let detector = try FaceDetector()
        let photo = try ImageFile.read(cache.face("obama.jpg"))
        let sequence = PanZoomSequence(photo: photo, frameCount: 60)
        let agreement = try TrackingAgreement.measure(sequence, tracker: FaceTracker(detector: detector), detector: detector)
        print("agreement", agreement)
        #expect(agreement.bothFound == sequence.frameCount)
        #expect(agreement.disagreements.isEmpty)
        #expect(agreement.meanLandmarkDifference < 0.05)
    }
}
