import ArgumentParser
import FaceKit
import FileOutput
import Foundation
import ImageKit
import LiveStation

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Find the faces in a photo and print where they are, how the head is turned, and the eyes and mouth.",
        discussion: """
            Exit status: 0 at least one face was found (and, with --compare, the other photo has one \
            too); 1 no face; 2 a file could not be read, the --annotate file cannot be written, or a \
            face model is missing (the message says which and how to get it). --annotate is checked \
            before any work: it must not be the photo, the --compare photo or the settings file (also \
            through links), nor a folder, and its folder must exist and be writable; it is written \
            whole or not at all.
            """
    )

    @Argument(help: "The photo to look at (JPEG or PNG).")
    var image: String

    @OptionGroup var output: JSONOption

    @Option(help: "Write a copy of the photo with the boxes and points drawn on it (JPEG).")
    var annotate: String?

    @Option(help: "Another photo: say whether its main face is the same person as this photo's.")
    var compare: String?

    @Option(parsing: .unconditional, help: "Smallest face to report, in pixels (larger values search faster).")
    var minFace: Int?

    @Option(parsing: .unconditional, help: "Enlarge the photo this many times (0–3) to find faces smaller than 80 pixels (default: 0).")
    var upsample: Int?

    @OptionGroup var settings: SettingsOption

    func validate() throws {
        if let upsample, !(0...3).contains(upsample) { throw ValidationError("--upsample must be 0, 1, 2 or 3") }
        if let minFace, minFace < 1 { throw ValidationError("--min-face must be a positive number of pixels") }
    }

    func run() throws {
        if let annotate {
            try OutputFiles.check(outputs: [NamedPath(annotate, name: "--annotate")],
                                  inputs: [NamedPath(image, name: "the photo")]
                                      + (compare.map { [NamedPath($0, name: "--compare")] } ?? []) + OutputFiles.config(settings.config))
        }
        let station = try settings.load(failing: 2)
        var options = station.faces.detection
        if let minFace { options.minimumFaceSize = minFace }
        if let upsample { options.upsampling = upsample }
        let photo = try readImage(image)
        let other = try compare.map(readImage)
        let detector = try orExit2 { try FaceDetector(models: station.faces.models, options: options) }
        let faces = try orExit2 { try detector.detect(in: photo) }
        var comparison: FaceComparison?
        if let other, let compare {
            comparison = try compareMainFaces(photo, faces, other, name: compare, detector: detector, models: station.faces.models)
        }
        let reports = faces.map { FaceReport(face: $0, imageSize: photo.size) }
        if output.json {
            let result = DetectOutput(image: image, width: photo.width, height: photo.height, faces: reports,
                                      comparison: comparison.map { ComparisonReport(other: compare!, $0) })
            print(String(decoding: try OutputFiles.json(result), as: UTF8.self))
        } else {
            print("\(image): \(photo.size), \(faces.count) face\(faces.count == 1 ? "" : "s")")
            for (i, report) in reports.enumerated() { print(report.text(index: i + 1)) }
            if let comparison, let compare {
                print(String(format: "compared with %@: distance %.3f (threshold %.2f): %@", compare,
                             comparison.distance, comparison.threshold,
                             comparison.isSamePerson ? "same person" : "different people"))
            }
        }
        if let annotate { try writeAnnotated(photo, faces, to: annotate) }
        if faces.isEmpty || (compare != nil && comparison == nil) { throw CommandFailure.verdict(1) }
    }

    private func compareMainFaces(_ photo: RGBImage, _ faces: [DetectedFace], _ other: RGBImage, name: String,
                                  detector: FaceDetector, models: FaceModels) throws -> FaceComparison? {
        let otherFaces = try orExit2 { try detector.detect(in: other) }
        guard let mine = faces.first, let theirs = otherFaces.first else {
            FileHandle.standardError.write(Data("kiosk detect: cannot compare: no face in \(faces.isEmpty ? image : name)\n".utf8))
            return nil
        }
        let encoder = try orExit2 { try FaceEncoder(models: models) }
        return try orExit2 {
            try encoder.descriptor(of: photo, faceBox: mine.box)
                .compared(to: try encoder.descriptor(of: other, faceBox: theirs.box))
        }
    }

    private func writeAnnotated(_ photo: RGBImage, _ faces: [DetectedFace], to path: String) throws {
        var drawn = photo
        for (i, face) in faces.enumerated() { drawn.annotate(face, label: "\(i + 1)") }
        let jpeg = try orExit2 { try JPEG.encode(drawn, options: JPEGEncodeOptions(quality: 92)) }
        try OutputFiles.write(jpeg, to: NamedPath(path, name: "--annotate"))
    }

    private func readImage(_ path: String) throws -> RGBImage {
        try orExit2 { try ImageFile.read(URL(fileURLWithPath: path)) }
    }

    /// A file that cannot be read or a model that cannot run: status 2 with the reason.
    private func orExit2<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            throw CommandFailure(status: 2, "\(error)")
        }
    }
}

/// One face as `kiosk detect` prints it.
struct FaceReport: Encodable {
    var box: PixelRect
    var score: Double
    var measures: FaceMeasures
    var landmarks: [Point2D]

    init(face: DetectedFace, imageSize: PixelSize) {
        box = face.box
        score = face.score
        measures = FaceMeasures(landmarks: face.landmarks, imageSize: imageSize)
        landmarks = face.landmarks.points
    }

    func text(index: Int) -> String {
        let m = measures
        var lines = [String(format: "face %d: box %@, score %.2f, landmark box %@", index, box.description, score,
                            m.landmarkBox.description)]
        lines.append(String(format: "  eyes: right %@ left %@, distance %.1f px; openness (EAR) right %.2f left %.2f",
                            m.rightEyeCenter.description, m.leftEyeCenter.description, m.interEyeDistance,
                            m.rightEyeAspectRatio, m.leftEyeAspectRatio))
        lines.append(String(format: "  mouth openness %.2f; chin %@", m.mouthOpenness, m.chin.description))
        if let pose = m.pose {
            lines.append(String(format: "  head: roll %+.1f° (eye line %+.1f°), yaw %+.1f°, pitch %+.1f° (fit error %.1f px)",
                                pose.roll, m.roll, pose.yaw, pose.pitch, pose.reprojectionError))
        } else {
            lines.append(String(format: "  head: roll %+.1f° (eye line); yaw and pitch could not be fitted", m.roll))
        }
        lines.append("  points: " + landmarks.map(\.description).joined(separator: " "))
        return lines.joined(separator: "\n")
    }
}

struct ComparisonReport: Encodable {
    var other: String
    var distance: Double
    var threshold: Double
    var samePerson: Bool

    init(other: String, _ comparison: FaceComparison) {
        self.other = other
        distance = comparison.distance
        threshold = comparison.threshold
        samePerson = comparison.isSamePerson
    }
}

struct DetectOutput: Encodable {
    var image: String
    var width: Int
    var height: Int
    var faces: [FaceReport]
    var comparison: ComparisonReport?
}
