import ArgumentParser
import DataCache
import FaceKit
import Foundation
import MatteEvaluation
import PhotoStandard

/// Tooling, not part of the station: measures the standard photo against sets with known truth.
@main
struct KioskEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-eval",
        abstract: "Measure the station's photos against evaluation sets whose truth does not come from the station.",
        subcommands: [MatteCommand.self, ChecksCommand.self, AgreementCommand.self]
    )
}

struct MatteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matte",
        abstract: "Standardise every frame of a set with and without its clean plate and score the photos against the true alpha.",
        discussion: """
            A set is a folder with cases.json (see Sources/MatteEvaluation/EvaluationSet.swift): \
            ../shared/eval/station-frames, or the project's own set that scripts/fetch-test-data.sh builds \
            into the test-data cache (matte-eval/). Prints one line per frame and a table per split.
            """
    )

    @OptionGroup var evaluation: EvaluationOptions
    @OptionGroup var person: NetworkOption
    @OptionGroup var parallel: JobsOption

    /// The `--path` values: the evaluation's paths as a command line spells them.
    enum PathChoice: String, ExpressibleByArgument, CaseIterable {
        case plate
        case noPlate = "no-plate"

        var path: MatteEvaluation.Path { self == .plate ? .plate : .noPlate }
    }

    @Option(help: "Only this path (default: both).")
    var path: PathChoice?

    @Option(help: "Write every photo into this folder, named <case>.<path>.jpg.")
    var photos: String?

    func run() throws {
        let folders = evaluation.folders(default: [DataCache.standard.matteEvaluation, DataCache.stationFrames])
        let paths = path.map { [$0.path] } ?? MatteEvaluation.Path.allCases
        let photoFolder = photos.map { URL(fileURLWithPath: $0) }
        if let photoFolder { try FileManager.default.createDirectory(at: photoFolder, withIntermediateDirectories: true) }
        let workers = try parallel.workers {
            MatteEvaluation(standardizer: try person.standardizer(), detector: try FaceDetector(models: .defaults()))
        }
        let pinned = try evaluation.pinned(MatteLimits.File.self)
        var broken: [String] = []
        var all: [MatteEvaluation.Outcome] = []
        for folder in folders {
            var set = try EvaluationSet(folder: folder)
            set.cases = set.cases.filter { evaluation.includes($0.name) }
            let outcomes = try MatteEvaluation.run(set, workers: workers, paths: paths, photos: photoFolder) { o in
                if let s = o.score {
                    print(String(format: "%@ %@: lost %.2f%% kept %.2f%% mae %.3f band %.3f", o.name, o.path.rawValue,
                                 100 * s.personLost, 100 * s.backdropKept, s.matteError, s.hairBandError))
                } else {
                    print("\(o.name) \(o.path.rawValue): no photo\(o.mustGivePhoto ? "" : " (defect)"): \(o.refusal ?? "")")
                }
            }
            all += outcomes
            for split in Set(outcomes.map(\.set)).sorted() {
                print("\n\(folder.lastPathComponent), \(split.isEmpty ? "all" : split):\n\(MatteSummary.header)")
                for p in paths {
                    let summary = MatteSummary(outcomes.filter { $0.set == split }, path: p)
                    print(summary.row)
                    guard let pinned else { continue }
                    guard let limit = pinned[folder.lastPathComponent]?[p.rawValue] else {
                        broken.append("\(folder.lastPathComponent) \(p.rawValue): no limits pinned")
                        continue
                    }
                    broken += limit.violations(of: summary).map { "\(folder.lastPathComponent) \(split) \(p.rawValue): \($0)" }
                }
            }
        }
        try evaluation.write(all)
        try evaluation.finish("matte evaluation", broken: broken)
    }
}
