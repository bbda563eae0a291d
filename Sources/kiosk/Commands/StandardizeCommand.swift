import ArgumentParser
import Compliance
import FaceKit
import FileOutput
import Foundation
import ImageKit
import LiveStation
import PhotoStandard

struct StandardizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "standardize",
        abstract: "Turn a portrait into the finished 480×640 registration photo on the standard background.",
        discussion: """
            Exit status: 0 the photo was written; 1 this picture cannot give a spec photo (the reason \
            is printed, nothing is written); 2 the input or plate could not be read, or an output \
            cannot be written. Outputs are checked before any work: -o, --report and --matte must \
            each be a file of its own, none of them the input, the plate or the settings file (also \
            through links), in a folder that exists and is writable. Every file is written whole or \
            not at all: on a full or read-only disk the message says so and the previous file stays.
            """
    )

    @Argument(help: "The portrait to standardise (JPEG or PNG).")
    var input: String

    @Option(name: .shortAndLong, help: "Where to write the finished JPEG.")
    var output: String

    @Option(help: "A frame of the empty backdrop taken with the same camera settings (clean plate).")
    var plate: String?

    @Option(help: "Where to write a JSON report: geometry measured on the result, matte figures, encoding.")
    var report: String?

    @Option(help: "Also write the person's matte (white = person) as a grey JPEG, for inspection.")
    var matte: String?

    @OptionGroup var background: BackgroundOption

    @OptionGroup var settings: SettingsOption

    func run() throws {
        try OutputFiles.check(outputs: outputs, inputs: [NamedPath(input, name: "the input")]
            + (plate.map { [NamedPath($0, name: "--plate")] } ?? []) + OutputFiles.config(settings.config))
        let station = try settings.load(failing: 2)
        let image: RGBImage, plateImage: RGBImage?
        do {
            image = try ImageFile.read(URL(fileURLWithPath: input))
            plateImage = try plate.map { try ImageFile.read(URL(fileURLWithPath: $0)) }
        } catch {
            throw CommandFailure(status: 2, "\(error)")
        }
        let standardizer: Standardizer
        do { standardizer = try station.standardizer(spec: background.spec(for: station)) } catch {
            throw CommandFailure(status: 2, "\(error)")
        }
        let photo: StandardPhoto
        let compliance: ComplianceReport
        do {
            let detector = try FaceDetector(models: station.faces.models, options: station.faces.detection)
            (photo, compliance) = try ComplianceChecker(spec: standardizer.spec, limits: station.checks)
                .standardizeAndCheck(image, plate: plateImage, detector: detector, standardizer: standardizer)
        } catch let problem as FramingProblem {
            throw CommandFailure(status: 1, "no photo: \(problem)")
        } catch let StandardizeError.framing(problem) {
            throw CommandFailure(status: 1, "no photo: \(problem)")
        } catch let error as StandardizeError {
            if case .plateSizeMismatch = error { throw CommandFailure(status: 2, "\(error)") }
            throw CommandFailure(status: 1, "no photo: \(error)")
        } catch {
            throw CommandFailure(status: 1, "no photo: \(error)")
        }
        try OutputFiles.write(photo.jpeg, to: NamedPath(output, name: "-o"))
        if let matte {
            let jpeg: [UInt8]
            do { jpeg = try JPEG.encode(photo.alpha.grayImage(), options: .init(quality: 90)) } catch {
                throw CommandFailure(status: 1, "the matte could not be encoded: \(error)")
            }
            try OutputFiles.write(jpeg, to: NamedPath(matte, name: "--matte"))
        }
        if let report {
            try OutputFiles.writeJSON(StandardizeOutput(report: photo.report, compliance: compliance),
                                      to: NamedPath(report, name: "--report"))
        }
        let g = photo.report.geometry
        print("wrote \(output): \(photo.jpeg.count) bytes, quality \(photo.report.encoding.quality); "
            + String(format: "head top %.0f, eye line %.0f, face width %.0f, centre %+.0f px",
                     g.headTop, g.eyeLine, g.faceWidth, g.centreOffset))
        for violation in photo.report.violations { print("warning: \(violation)") }
        print(ReportText(compliance, title: output).summary)
    }

    /// The files this command writes, named as on the command line.
    private var outputs: [NamedPath] {
        [NamedPath(output, name: "-o")] + [report.map { NamedPath($0, name: "--report") },
                                           matte.map { NamedPath($0, name: "--matte") }].compactMap { $0 }
    }
}
