import DataCache
import FaceKit
import Foundation
import ImageKit
import Testing

/// The people search on the shared station frames, whose second person behind the student's
/// shoulder was pasted by their maker (`second_person` in their cases.json): dlib's HOG
/// detector scores those faces below its own threshold, the CNN confirms them.
struct SecondOpinionTests {
    private let rule = PeopleRule()

    private func frame(_ name: String) throws -> RGBImage {
        try ImageFile.read(DataCache.stationFrames.appendingPathComponent("\(name).jpg"))
    }

    @Test(arguments: ["sk_astronaut__secondbehind1", "fr_obama3__secondbehind1"])
    func aFaceHalfHiddenBehindTheShoulderCountsOnceTheCNNConfirmsIt(_ name: String) throws {
        let detector = try sharedDetector.get()
        let image = try frame(name)
        // dlib's own threshold does not find it …
        #expect(rule.count(try detector.faceBoxes(in: image), main: nil) <= 1)
        let faces = try detector.people(in: image, rule: rule)
        let main = try #require(rule.people(faces).main)
        let others = rule.others(faces, main: faces[main].rect)
        // … the marginal search does, below the sure score, and the CNN confirms it.
        #expect(others.count == 1)
        let other = try #require(others.first)
        #expect(faces[other].score < rule.minimumScore && faces[other].confirmed)
    }

    @Test(arguments: ["sk_astronaut__secondbehind1", "fr_obama3__secondbehind1", "fr_biden__clean_b"])
    func oneScanGivesTheSureFacesOfDetectAndTheDeeperOnesOfThePeopleSearch(_ name: String) throws {
        let image = try frame(name)
        let detector = try FaceDetector()
        let scan = try detector.scan(image, rule: rule)
        #expect(scan.sure == (try detector.detect(in: image)))
        #expect(try detector.people(in: image, scan: scan.boxes, rule: rule) == (try detector.people(in: image, rule: rule)))
        #expect(scan.boxes.allSatisfy { $0.score >= rule.marginalScore })
    }

    @Test func theCNNRefusesTheFalseFacesOnThePersonsChinAndCollar() throws {
        // Searched deeper than the station does, the HOG detector finds a face-sized pattern
        // on the student's own chin and collar (score about -0.8) beside the real second face.
        let deep = PeopleRule(minimumScore: 0.3, otherFaceRatio: 0.3, marginalScore: -0.9)
        let faces = try sharedDetector.get().people(in: try frame("fr_biden__secondbehind1"), rule: deep)
        let main = try #require(deep.people(faces).main)
        let unsure = faces.indices.filter { $0 != main && faces[$0].score < 0 }
        #expect(!unsure.isEmpty)
        #expect(unsure.allSatisfy { !faces[$0].confirmed })
        #expect(deep.others(faces, main: faces[main].rect).count == 1)
    }

    @Test(arguments: ["sk_astronaut__clean_a", "fr_biden__clean_b", "fr_obama2__clean_e"])
    func aFrameWithOnePersonHasNobodyElse(_ name: String) throws {
        let faces = try sharedDetector.get().people(in: try frame(name), rule: rule)
        #expect(rule.count(faces, main: rule.people(faces).main.map { faces[$0].rect }) == 1)
    }

    @Test func aMissingModelSaysWhichFileAndWhatToDo() {
        var models = FaceModels.standard
        models.cnnDetector = URL(fileURLWithPath: "/nonexistent/mmod_human_face_detector.dat")
        #expect {
            _ = try CNNFaceDetector(models: models)
        } throws: { error in
            guard case let .missingModel(file, remedy)? = error as? FaceError else { return false }
            return file == models.cnnDetector && remedy.contains("fetch-test-data")
        }
    }

    @Test func aDamagedModelIsNamedWithDlibsReasonOnOneLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("damaged-cnn-\(getpid()).dat")
        try Data("not a network".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var models = FaceModels.standard
        models.cnnDetector = file
        #expect {
            _ = try CNNFaceDetector(models: models)
        } throws: { error in
            // dlib's own message runs over two lines; the doctor and the logs print one.
            guard case let .library(operation, message)? = error as? FaceError else { return false }
            return operation.contains(file.path) && message.contains("deserializing") && !message.contains("\n")
        }
    }
}
