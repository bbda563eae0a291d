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

    @Flag(help: "Use the white background instead of light blue.")
    var white = false

    @Option(help: "Station settings file (JSON5, see kiosk-config/): photo standard, check limits, face models.")
    var config: String?

    func run() throws {
        try OutputFiles.check("standardize", outputs: outputs, inputs: [NamedPath(input, name: "the input")]
            + (plate.map { [NamedPath($0, name: "--plate")] } ?? []) + OutputFiles.config(config))
        let station = try StationConfiguration.loadOrExit(config, command: "standardize", status: 2)
        let image: RGBImage, plateImage: RGBImage?
        do {
            image = try ImageFile.read(URL(fileURLWithPath: input))
            plateImage = try plate.map { try ImageFile.read(URL(fileURLWithPath: $0)) }
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        let standardizer: Standardizer
        do { standardizer = try station.standardizer(spec: white ? .diplomaWhite : nil) } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        let photo: StandardPhoto
        let compliance: ComplianceReport
        do {
            let detector = try FaceDetector(models: station.faces.models, options: station.faces.detection)
            (photo, compliance) = try ComplianceChecker(spec: standardizer.spec, limits: station.checks)
                .standardizeAndCheck(image, plate: plateImage, detector: detector, standardizer: standardizer)
        } catch let problem as FramingProblem {
            printError("no photo: \(problem)")
            throw ExitCode(1)
        } catch let StandardizeError.framing(problem) {
            printError("no photo: \(problem)")
            throw ExitCode(1)
        } catch let error as StandardizeError {
            if case .plateSizeMismatch = error { printError("\(error)"); throw ExitCode(2) }
            printError("no photo: \(error)")
            throw ExitCode(1)
        } catch {
            printError("no photo: \(error)")
            throw ExitCode(1)
        }
        try OutputFiles.write("standardize", photo.jpeg, to: NamedPath(output, name: "-o"))
        if let matte {
            let jpeg: [UInt8]
            do { jpeg = try JPEG.encode(photo.alpha.grayImage(), options: .init(quality: 90)) } catch {
                printError("kiosk standardize: the matte could not be encoded: \(error)")
                throw ExitCode(1)
            }
            try OutputFiles.write("standardize", jpeg, to: NamedPath(matte, name: "--matte"))
        }
        if let report {
            try OutputFiles.writeJSON("standardize", StandardizeOutput(report: photo.report, compliance: compliance),
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

    private func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
