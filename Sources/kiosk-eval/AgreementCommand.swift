import ArgumentParser
import Compliance
import DataCache
import FaceKit
import Foundation
import GuidanceEvaluation
import MatteEvaluation
import PhotoStandard

struct AgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "Replay frames through the live guidance and through the capture path, and count where they disagree.",
        discussion: """
            Each frame is held in front of the live analysis for a few seconds of simulated time \
            (does the guidance count down and capture?) and standardised and checked as the station \
            captures it (does the photo pass?). Counts per set and split: the guidance captures a \
            photo that fails (must stay near 0) and the guidance blocks a photo that passes (a false \
            stop). Sets: the project's matte set in the test-data cache (split by person into \
            calibration and report) and ../shared/eval/station-frames (clean and defect frames).
            """
    )

    @Argument(help: "Evaluation set folders (default: the project's set in the test-data cache, then the shared station frames).")
    var sets: [String] = []

    @Option(help: "A JSON file of limits per set and split (scripts/guidance-eval/limits.json): exit 1 when a count breaks one.")
    var limits: String?

    @Option(help: "Only cases whose name contains this text.")
    var only: String?

    @Option(help: "Write every outcome as JSON to this file.")
    var json: String?

    @Option(help: "The person network for frames without a plate (ONNX), or `none` for grabCut alone (default: u2netp.onnx in the data cache's models/).")
    var network: String?

    @Option(help: "Frames evaluated at once (default: the number of processors).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let folders = sets.isEmpty ? [DataCache.standard.matteEvaluation, DataCache.stationFrames]
            : sets.map { URL(fileURLWithPath: $0) }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
        let networkFile = network == "none" ? nil
            : network.map { URL(fileURLWithPath: $0) } ?? PersonNetwork.defaultFile(models: DataCache.standard.models)
        let workers = try (0..<jobs).map { _ in
            var standardizer = Standardizer()
            standardizer.segmenter.network = try networkFile.map { try PersonNetwork(file: $0) }
            return GuidanceAgreement(detector: try FaceDetector(), standardizer: standardizer, checker: ComplianceChecker())
        }
        let pinned = try limits.map { try JSONDecoder().decode(AgreementLimits.File.self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
        var broken: [String] = []
        var all: [GuidanceAgreement.Outcome] = []
        var table: [String] = []
        for folder in folders {
            var set = try EvaluationSet(folder: folder)
            if let only { set.cases = set.cases.filter { $0.name.contains(only) } }
            let outcomes = try GuidanceAgreement.run(set, workers: workers) { o in
                let mark = o.capturesFailure ? "CAPTURES A FAILING PHOTO" : o.falseStop ? "FALSE STOP" : "agree"
                print("\(o.name) [\(o.status)\(o.defect.map { " \($0)" } ?? "")]: guidance \(o.guidanceCaptures ? "captures" : "asks: \(o.guidanceAsks ?? "")"); "
                    + "photo \(o.photoVerdict?.rawValue ?? "none")\(o.failed.isEmpty ? "" : " (\(o.failed.joined(separator: ", ")))")\(o.warned.isEmpty ? "" : " warns \(o.warned.joined(separator: ", "))"): \(mark)")
            }
            all += outcomes
            let name = folder.lastPathComponent
            for split in Set(outcomes.map(\.split)).sorted() {
                let group = outcomes.filter { $0.split == split }
                let summary = AgreementSummary(group)
                table.append(summary.row(set: name, split: split))
                for status in Set(group.map(\.status)).sorted() where !status.isEmpty {
                    table.append(AgreementSummary(group.filter { $0.status == status }).row(set: name, split: "\(split) \(status)"))
                }
                guard let pinned else { continue }
                guard let limit = pinned[name]?[split] else {
                    broken.append("\(name) \(split): no limits pinned")
                    continue
                }
                broken += limit.violations(of: summary).map { "\(name) \(split): \($0)" }
            }
        }
        print("\n" + AgreementSummary.header)
        table.forEach { print($0) }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(all).write(to: URL(fileURLWithPath: json))
        }
        if pinned != nil {
            for line in broken { print("LIMIT BROKEN: \(line)") }
            print(broken.isEmpty ? "guidance agreement: every pinned limit holds" : "guidance agreement: \(broken.count) limit(s) broken")
            if !broken.isEmpty { throw ExitCode.failure }
        }
    }
}
