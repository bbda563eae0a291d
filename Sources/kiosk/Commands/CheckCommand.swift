import ArgumentParser
import Compliance
import FaceKit
import Foundation
import ImageKit
import LiveStation
import PhotoStandard

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a finished photo against every clause of the registration-photo standard.",
        discussion: """
            Prints each clause with the measured value, its limit, pass / warn / fail and what to \
            do. Exit status: 0 every check passes (warnings allowed); 1 at least one check fails; \
            2 a file could not be read or a face model is missing.
            """
    )

    @Argument(help: "The finished photo (the JPEG as it will be uploaded).")
    var photo: String

    @Option(help: "The camera frame the photo was cut from: also checks the backdrop, the people in view and the framing.")
    var source: String?

    @Option(help: ArgumentHelp("The station's clean plate (its empty backdrop, same camera and light): the exposure is judged against the backdrop as the station judges it. Needs --source.", valueName: "frame"))
    var plate: String?

    @Option(help: ArgumentHelp("What the station's backdrop read, L* from 0 to 100: the backdropReference of the station's report. The exposure is judged against it as the station did.", valueName: "L*"))
    var backdropReference: Double?

    func validate() throws {
        if plate != nil && source == nil {
            throw ValidationError("--plate needs --source: the plate is measured around the face found in the camera frame.")
        }
        if plate != nil && backdropReference != nil {
            throw ValidationError("Give --plate or --backdrop-reference, not both: each sets what the station's backdrop read.")
        }
        if let value = backdropReference, !(0...100).contains(value) {
            throw ValidationError("--backdrop-reference is \(value); it is an L* from 0 to 100 (the report's backdropReference).")
        }
    }

    @OptionGroup var output: JSONOption

    @OptionGroup var background: BackgroundOption

    @OptionGroup var settings: SettingsOption

    func run() throws {
        let station = try settings.load(failing: 2)
        let bytes: [UInt8]
        let frame: RGBImage?, plateImage: RGBImage?
        do {
            // The same checks as every image input: a folder, FIFO or device is named as such.
            bytes = try [UInt8](ImageFile.contents(of: URL(fileURLWithPath: photo)))
            frame = try source.map { try ImageFile.read(URL(fileURLWithPath: $0)) }
            plateImage = try plate.map { try ImageFile.read(URL(fileURLWithPath: $0)) }
        } catch {
            throw CommandFailure(status: 2, "\(error)")
        }
        if let frame, let plateImage, frame.size != plateImage.size {
            throw CommandFailure(status: 2, "the plate is \(plateImage.width)×\(plateImage.height) and the source frame "
                + "\(frame.width)×\(frame.height): a plate is a frame of the same camera at the same size")
        }
        var checker = ComplianceChecker(spec: background.spec(for: station), limits: station.checks)
            .atStation(backdropReference: backdropReference)
        let report: ComplianceReport
        do {
            let detector = try FaceDetector(models: station.faces.models)
            let sourceScan = try frame.map { try detector.scan($0, rule: checker.people) }
            if let frame, let plateImage, let person = sourceScan.flatMap({ checker.mainFace($0.sure) }) {
                checker = checker.atStation(plate: plateImage, frame: frame.size, landmarks: person.landmarks)
            }
            report = try checker.check(photo: bytes, detector: detector, source: frame, sourceScan: sourceScan)
        } catch let error as ComplianceError {
            throw CommandFailure(status: 2, "\(photo): \(error)")
        } catch {
            throw CommandFailure(status: 2, "\(error)")
        }
        if output.json {
            print(String(decoding: try report.json(), as: UTF8.self))
        } else {
            print(ReportText(report, title: photo).text)
        }
        if report.verdict == .fail { throw CommandFailure.verdict(1) }
    }
}

/// The report as a person reads it at a glance: the verdict first, then what to fix, then
/// every clause in one line each.
struct ReportText {
    var report: ComplianceReport
    var title: String

    init(_ report: ComplianceReport, title: String) {
        self.report = report
        self.title = title
    }

    /// The verdict and what to change, without the list of clauses.
    var summary: String {
        var lines: [String] = []
        let verdict = report.verdict
        lines.append("\(title): \(verdict.rawValue.uppercased()) (\(report.failures.count) fail, "
            + "\(report.warnings.count) warn, \(report.results.count) clauses, standard \(report.spec))")
        if let reference = report.backdropReference {
            lines.append(String(format: "Exposure judged against the station's recorded backdrop (L* %.1f).", reference))
        }
        let toFix = report.failures + report.warnings
        if !toFix.isEmpty {
            lines.append("")
            lines.append("What to change:")
            var said = Set<Hint>()
            for result in toFix {
                // Several file or geometry clauses share one hint: say it once.
                guard let hint = result.hint, said.insert(hint).inserted else { continue }
                lines.append("  \(result.verdict == .fail ? "✗" : "!") \(hint.chinese)")
                lines.append("    \(hint.english)")
            }
        }
        return lines.joined(separator: "\n")
    }

    var text: String {
        var lines = [summary, ""]
        for result in report.results {
            let mark = switch result.verdict {
            case .pass: "ok  "
            case .warn: "WARN"
            case .fail: "FAIL"
            case .notChecked: " -- "
            }
            let value = result.value.map { Self.format($0) + (result.unit.isEmpty ? "" : " \(result.unit)") } ?? ""
            var line = "\(mark) \(result.clause.padding(toLength: 38, withPad: " ", startingAt: 0)) \(value)"
            if !result.limit.isEmpty && result.verdict != .pass { line += "  [\(result.limit)]" }
            if let detail = result.detail, result.verdict != .pass { line += "  (\(detail))" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e7 { return String(Int(x)) }
        return String(format: abs(x) < 1 ? "%.3f" : "%.1f", x)
    }
}

/// What `kiosk standardize --report` writes: the standardiser's report with the compliance
/// report beside its keys under `compliance`.
struct StandardizeOutput: Encodable {
    var report: StandardizeReport
    var compliance: ComplianceReport

    private enum Key: String, CodingKey { case compliance }

    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(compliance, forKey: .compliance)
    }
}
