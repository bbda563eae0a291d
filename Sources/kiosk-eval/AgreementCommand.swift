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

    @OptionGroup var evaluation: EvaluationOptions
    @OptionGroup var person: NetworkOption

    @OptionGroup var parallel: JobsOption

    func run() throws {
        let folders = evaluation.folders(default: [DataCache.standard.matteEvaluation, DataCache.stationFrames])
        let workers = try parallel.workers {
            GuidanceAgreement(detector: try FaceDetector(), standardizer: try person.standardizer(), checker: ComplianceChecker())
        }
        let pinned = try evaluation.pinned(AgreementLimits.File.self)
        var broken: [String] = []
        var all: [GuidanceAgreement.Outcome] = []
        var table: [String] = []
        for folder in folders {
            var set = try EvaluationSet(folder: folder)
            set.cases = set.cases.filter { evaluation.includes($0.name) }
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
        try evaluation.write(all)
        try evaluation.finish("guidance agreement", broken: broken)
    }
}
