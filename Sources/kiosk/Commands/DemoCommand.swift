import ArgumentParser
import Compliance
import DataCache
import FaceKit
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
            """
    )

    @Option(name: .shortAndLong, help: "Folder for the photos it makes.")
    var output = "out/demo"

    @Argument(help: "Photos to use instead of the test portraits.")
    var photos: [String] = []

    func run() throws {
        let cache = DataCache.standard
        let inputs = photos.isEmpty ? cache.facePhotos : photos.map { URL(fileURLWithPath: $0) }
        guard !inputs.isEmpty else {
            FileHandle.standardError.write(Data("kiosk demo: \(cache.missingMessage)\n".utf8))
            throw ExitCode(2)
        }
        let detector: FaceDetector, standardizer: Standardizer
        do {
            detector = try FaceDetector()
            standardizer = try StationConfiguration.standard.standardizer(spec: .diplomaBlue)
        } catch {
            FileHandle.standardError.write(Data("kiosk demo: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let folder = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let checker = ComplianceChecker(spec: standardizer.spec)
        print("Photo Kiosk demo: \(inputs.count) portrait(s) → \(folder.path)")
        if photos.isEmpty {
            print("The test portraits are official photos, not taken at a station: where a check fails, its hint")
            print("is what the station would ask the student to change before taking the photo.")
        }
        print("")
        var written = 0
        for input in inputs {
            let name = input.deletingPathExtension().lastPathComponent
            do {
                let image = try ImageFile.read(input)
                let (photo, report) = try checker.standardizeAndCheck(image, detector: detector, standardizer: standardizer)
                let target = folder.appendingPathComponent("\(name)-480x640.jpg")
                try Data(photo.jpeg).write(to: target)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(StandardizeOutput(report: photo.report, compliance: report))
                    .write(to: folder.appendingPathComponent("\(name)-report.json"))
                written += 1
                let g = photo.report.geometry
                print("\(input.lastPathComponent) (\(image.size)) → \(target.lastPathComponent): \(photo.jpeg.count) bytes, "
                    + "quality \(photo.report.encoding.quality), 300 dpi; "
                    + String(format: "head top %.0f px, eye line %.0f px, face width %.0f px, centre %+.0f px",
                             g.headTop, g.eyeLine, g.faceWidth, g.centreOffset))
                print(ReportText(report, title: "checks").summary.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            } catch {
                print("\(input.lastPathComponent): no photo — \(error)")
            }
            print("")
        }
        print("\(written) of \(inputs.count) portrait(s) gave a photo. Open them in \(folder.path).")
        print("The live station (camera or replayed frames on this terminal): kiosk run --source replay:FOLDER@15")
        if written == 0 { throw ExitCode(1) }
    }
}
