import DataCache
import EnrollmentFace
import FaceKit
import Foundation
import IdentityCheck
import ImageKit
import Testing

/// The identity check on real photos from the test-data cache: obama, obama2 and obama3
/// are one person in three photos, biden another.
@Suite("The captured face against the enrollment photo",
       .enabled(if: DataCache.standard.isPopulated, "\(DataCache.standard.missingMessage)"))
struct EnrollmentFaceCheckTests {
    private static let models = FaceModels.defaults(models: DataCache.standard.models)

    /// The photo and its one face's box, found by FaceKit's detector.
    private static func face(_ name: String) throws -> (RGBImage, PixelRect) {
        let image = try ImageFile.read(DataCache.standard.face(name))
        let faces = try FaceDetector(models: models).detect(in: image)
        try #require(faces.count == 1, "\(name): \(faces.count) faces")
        return (image, faces[0].box)
    }

    private static func check(enrolled: String, captured: String) throws -> IdentityCheckResult {
        let checker = try EnrollmentFaceCheck(models: models)
        let (enrollment, enrollmentBox) = try face(enrolled)
        let (capture, captureBox) = try face(captured)
        let descriptor = try checker.descriptor(of: enrollment, face: enrollmentBox)
        return checker.check(captured: capture, face: captureBox, enrollment: descriptor)
    }

    @Test(arguments: ["obama2.jpg", "obama3.jpg"])
    func theSamePersonInAnotherPhotoMatches(_ captured: String) throws {
        let result = try Self.check(enrolled: "obama.jpg", captured: captured)
        print("identity check obama.jpg vs \(captured): \(result.message)")
        #expect(result.verdict == .match)
        #expect(result.threshold == FaceComparison.sameFaceThreshold)
        #expect(try #require(result.distance) < 0.6)
    }

    @Test(arguments: ["obama.jpg", "obama2.jpg", "obama3.jpg"])
    func anotherPersonDoesNotMatchAndTheOperatorIsToldPlainly(_ enrolled: String) throws {
        let result = try Self.check(enrolled: enrolled, captured: "biden.jpg")
        print("identity check \(enrolled) vs biden.jpg: \(result.message)")
        #expect(result.verdict == .noMatch)
        #expect(result.needsOperator)
        #expect(result.message.contains("does NOT match") && result.message.contains("you decide"))
        #expect(try #require(result.distance) >= 0.6)
    }

    @Test func withoutAnEnrollmentFaceOrACapturedFaceTheResultSaysWhy() throws {
        let checker = try EnrollmentFaceCheck(models: Self.models)
        let (capture, box) = try Self.face("obama.jpg")
        #expect(checker.check(captured: capture, face: box, enrollment: nil) == .couldNotCompare(.noEnrollmentFace))
        let descriptor = try checker.descriptor(of: capture, face: box)
        #expect(checker.check(captured: capture, face: nil, enrollment: descriptor) == .couldNotCompare(.noFaceInCapture))
        #expect(IdentityCheckResult.couldNotCompare(.noEnrollmentFace).message
            == "The face was not compared: the roster has no enrollment photo for this student.")
    }

    @Test func missingModelsAreAFaceErrorTheStationCanTurnIntoCouldNotCompare() {
        let nowhere = FaceModels.defaults(models: URL(fileURLWithPath: "/nonexistent"))
        #expect(throws: FaceError.self) { try EnrollmentFaceCheck(models: nowhere) }
    }
}
