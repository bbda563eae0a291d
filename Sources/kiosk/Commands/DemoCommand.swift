import ArgumentParser
import Compliance
import DataCache
import FaceKit
import FileOutput
import Foundation
import ImageKit
import LiveStation
import PhotoStandard

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show what the station does, on the bundled test portraits, without a camera.",
        discussion: """
            For each portrait: find the face, cut the person out, place the head by the standard, \
            put the light-blue background behind, encode 480×640 at 300 dpi inside 20–40 KB, and \
            check every clause. Writes each photo and its report (JSON) to the output folder.
            Exit status: 0 at least one photo was made; 1 none; 2 the test portraits or face models \
            are missing, or the output folder cannot take the photos. The folder is checked before \
            any work (it must be a folder, or be creatable, and writable; two portraits must not \
            share a name, and no photo may be written over an input); each file is written whole \
            or not at all, and a disk that fills up stops the demo with the reason.
            """
    )

    @Option(name: .shortAndLong, help: "Folder for the photos it makes.")
    var output = "out/demo"

    @Argument(help: "Photos to use instead of the test portraits.")
    var photos: [String] = []

    func run() throws {
        let cache = DataCache.standard
        let inputs = photos.isEmpty ? cache.facePhotos : photos.map { URL(fileURLWithPath: $0) }
        guard !inputs.isEmpty else { throw CommandFailure(status: 2, cache.missingMessage) }
        let folder = URL(fileURLWithPath: output)
        let targets = inputs.map { input in
            let name = input.deletingPathExtension().lastPathComponent
            // Named by their portrait, so that two portraits of one name are told apart.
            return (photo: NamedPath(folder.appendingPathComponent("\(name)-480x640.jpg").relativePath, name: "the photo of \(input.relativePath),"),
                    report: NamedPath(folder.appendingPathComponent("\(name)-report.json").relativePath, name: "the report of \(input.relativePath),"))
        }
        do throws(FileOutputError) {
            // The folder first, so that a file in its place is reported as -o, not per photo.
            try OutputPaths.check(folder: NamedPath(output, name: "-o"), creating: true)
            try OutputPaths.check(outputs: targets.flatMap { [$0.photo, $0.report] }, inputs: inputs.map { NamedPath($0.relativePath) },
                                  creatingFolders: true)
            try OutputPaths.createFolder(NamedPath(output, name: "-o"))
        } catch {
            throw OutputFiles.failure(error)
        }
        let detector: FaceDetector, standardizer: Standardizer
        do {
            detector = try FaceDetector()
            standardizer = try StationConfiguration.standard.standardizer(spec: .diplomaBlue)
        } catch {
            throw CommandFailure(status: 2, "\(error)")
        }
        let checker = ComplianceChecker(spec: standardizer.spec)
        print("Photo Kiosk demo: \(inputs.count) portrait(s) → \(folder.path)")
        if photos.isEmpty {
            print("The test portraits are official photos, not taken at a station: where a check fails, its hint")
            print("is what the station would ask the student to change before taking the photo.")
        }
        print("")
        var written = 0
        for (input, target) in zip(inputs, targets) {
            let image: RGBImage, photo: StandardPhoto, report: ComplianceReport
            do {
                image = try ImageFile.read(input)
                (photo, report) = try checker.standardizeAndCheck(image, detector: detector, standardizer: standardizer)
            } catch {
                print("\(input.lastPathComponent): no photo — \(error)\n")
                continue
            }
            // A file that cannot be written (a full disk) ends the demo: the next would fail too.
            try OutputFiles.write(photo.jpeg, to: target.photo)
            try OutputFiles.writeJSON(StandardizeOutput(report: photo.report, compliance: report), to: target.report)
            written += 1
            let g = photo.report.geometry
            print("\(input.lastPathComponent) (\(image.size)) → \(URL(fileURLWithPath: target.photo.path).lastPathComponent): "
                + "\(photo.jpeg.count) bytes, quality \(photo.report.encoding.quality), 300 dpi; "
                + String(format: "head top %.0f px, eye line %.0f px, face width %.0f px, centre %+.0f px",
                         g.headTop, g.eyeLine, g.faceWidth, g.centreOffset))
            print(ReportText(report, title: "checks").summary.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            print("")
        }
        print("\(written) of \(inputs.count) portrait(s) gave a photo. Open them in \(folder.path).")
        print("The live station (camera or replayed frames on this terminal): kiosk run --source replay:FOLDER@15")
        if written == 0 { throw CommandFailure.verdict(1) }
    }
}
