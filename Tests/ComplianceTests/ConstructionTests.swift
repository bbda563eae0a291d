import Compliance
import DataCache
import FaceKit
import Foundation
import ImageKit
import Testing

/// The evaluation builds defects by construction; these pin that the construction does what
/// the labels assume.
@Suite(.enabled(if: DataCache.standard.isPopulated, "\(DataCache.standard.missingMessage)"))
struct ConstructionTests {
    /// `rotated(degrees:)` turns clockwise on screen, so the measured roll grows by the angle
    /// (the evaluation adds the two to label a tilt).
    @Test func rotationAddsToTheMeasuredRoll() throws {
        let detector = try FaceDetector()
        let photo = try ImageFile.read(DataCache.standard.face("obama.jpg"))
        let small = photo.resized(to: PixelSize(width: 455, height: 568), filter: .area)
        let before = try #require(try detector.detect(in: small).first).landmarks
        let eyes = before.eyeMidpoint
        let turned = small.rotated(degrees: 7, about: (eyes.x, eyes.y))
        let after = try #require(try detector.detect(in: turned).first).landmarks
        #expect(abs(after.rollDegrees - before.rollDegrees - 7) < 1.5)
        #expect(turned.size == small.size)
    }
}
