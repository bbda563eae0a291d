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

    @Argument(help: "Evaluation set folders (default: the project's set in the test-data cache, then the shared station frames).")
    var sets: [String] = []

    @Option(help: "Only this path: plate or no-plate.")
    var path: String?

    @Option(help: "Write every photo into this folder, named <case>.<path>.jpg.")
    var photos: String?

    @Option(help: "Write every outcome as JSON to this file.")
    var json: String?

    @Option(help: "A JSON file of limits per set and path (scripts/matte-eval/limits.json): exit 1 when a figure breaks one.")
    var limits: String?

    @Option(help: "Only cases whose name contains this text.")
    var only: String?

    @Option(help: "The person network for the no-plate path (ONNX), or `none` for grabCut alone (default: u2netp.onnx in the data cache's models/).")
    var network: String?

    func run() throws {
        let folders = sets.isEmpty ? [DataCache.standard.matteEvaluation, DataCache.stationFrames]
            : sets.map { URL(fileURLWithPath: $0) }
        let paths: [MatteEvaluation.Path] = switch path {
        case nil: MatteEvaluation.Path.allCases
        case "plate": [.plate]
        case "no-plate": [.noPlate]
        case let other?: throw ValidationError("--path is plate or no-plate, not \(other)")
        }
        let photoFolder = photos.map { URL(fileURLWithPath: $0) }
        if let photoFolder { try FileManager.default.createDirectory(at: photoFolder, withIntermediateDirectories: true) }
        var standardizer = Standardizer()
        if network != "none" {
            let file = network.map { URL(fileURLWithPath: $0) } ?? PersonNetwork.defaultFile(models: DataCache.standard.models)
            standardizer.segmenter.network = try PersonNetwork(file: file)
        }
        let evaluation = MatteEvaluation(standardizer: standardizer, detector: try FaceDetector(models: .defaults()))
        let pinned = try limits.map { try JSONDecoder().decode(MatteLimits.File.self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
        var broken: [String] = []
        var all: [MatteEvaluation.Outcome] = []
        for folder in folders {
            var set = try EvaluationSet(folder: folder)
            if let only { set.cases = set.cases.filter { $0.name.contains(only) } }
            let outcomes = try evaluation.run(set, paths: paths, photos: photoFolder) { o in
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
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(all).write(to: URL(fileURLWithPath: json))
        }
        if pinned != nil {
            for line in broken { print("LIMIT BROKEN: \(line)") }
            print(broken.isEmpty ? "matte evaluation: every pinned limit holds" : "matte evaluation: \(broken.count) limit(s) broken")
            if !broken.isEmpty { throw ExitCode.failure }
        }
    }
}
