import ArgumentParser
import ComplianceEvaluation
import DataCache
import FaceKit
import Foundation

struct ChecksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checks",
        abstract: "Run the per-frame compliance checks on labelled frames: per defect kind and strength caught (fail), warned or passed, and the clean frames failed.",
        discussion: """
            A set is a folder with cases.json (see Sources/ComplianceEvaluation/ComplianceSet.swift): the project's set \
            that scripts/fetch-test-data.sh builds into the test-data cache (compliance-eval/, made by \
            scripts/compliance-eval/make_set.py), or ../shared/eval/station-frames. Prints one line per frame and a \
            table per split. Only a fail counts as a catch: a warning lets the photo through.
            """
    )

    @OptionGroup var evaluation: EvaluationOptions

    func run() throws {
        let folders = evaluation.folders(default: [DataCache.standard.complianceEvaluation, DataCache.stationFrames])
        let pinned = try evaluation.pinned(ComplianceLimitsFile.Sets.self)
        let checks = ComplianceEvaluation(detector: try FaceDetector(models: .defaults()))
        var broken: [String] = []
        var all: [ComplianceEvaluation.Outcome] = []
        for folder in folders {
            var set = try ComplianceSet(folder: folder)
            set.cases = set.cases.filter { evaluation.includes($0.name) }
            let outcomes = try checks.run(set) { o in print(Self.line(o)) }
            all += outcomes
            let name = folder.lastPathComponent
            for split in Set(outcomes.map(\.split)).sorted() {
                let summary = ComplianceSummary(outcomes.filter { $0.split == split })
                print("\n\(name), \(split):\n\(summary.markdown)\n")
                guard let pinned else { continue }
                guard let limit = pinned[name]?[split] else { continue }
                broken += limit.violations(of: summary).map { "\(name) \(split): \($0)" }
            }
            if let pinned, pinned[name] == nil { broken.append("\(name): no figures pinned") }
        }
        try evaluation.write(all)
        try evaluation.finish("compliance evaluation", broken: broken)
    }

    /// One frame: its label, what happened and the figures the face checks judged.
    static func line(_ o: ComplianceEvaluation.Outcome) -> String {
        let what = o.kind.map { "\($0) \(o.strength.map { String($0) } ?? "") \(o.label.rawValue): \(ComplianceEvaluation.fate(o).rawValue)" }
            ?? "clean: " + (ComplianceEvaluation.falseAlarms(o).isEmpty ? "ok" : "FAILED " + ComplianceEvaluation.falseAlarms(o).map(\.rawValue).joined(separator: ","))
        guard let f = o.figures else { return "\(o.name) \(what) (\(o.faceFound ? "face outside the frame" : "no face"))" }
        return String(format: "%@ %@ | roll %.1f yaw %.1f light %.2f exposure %.1f scene %.1f sharp %.3f steady %.3f red %.2f", o.name, what, f.roll, f.yaw ?? .nan,
                      f.lightBalance, f.skinLightness, f.sceneLightness ?? .nan, f.sharpness, f.steadiness, f.redEyeShare)
    }
}
