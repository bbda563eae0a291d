import ArgumentParser
import DataCache
import Foundation
import PhotoStandard

/// What every evaluation takes: the sets, a case filter, the pinned figures to hold the
/// outcome to and a file for every outcome; and how each ends (the broken figures said, exit 1).
struct EvaluationOptions: ParsableArguments {
    @Argument(help: "Evaluation set folders (default: the project's set in the test-data cache, then the shared station frames).")
    var sets: [String] = []

    @Option(help: "Only cases whose name contains this text.")
    var only: String?

    @Option(help: "A JSON file of figures pinned per set and split (scripts/*-eval/limits.json): exit 1 when one breaks.")
    var limits: String?

    @Option(help: "Write every outcome as JSON to this file.")
    var json: String?

    /// The folders to evaluate: the ones named, else `defaults`.
    func folders(default defaults: [URL]) -> [URL] {
        sets.isEmpty ? defaults : sets.map { URL(fileURLWithPath: $0) }
    }

    /// Whether the case `name` is evaluated (`--only`).
    func includes(_ name: String) -> Bool { only.map(name.contains) ?? true }

    /// The pinned figures of `--limits`, decoded as `type`; nil without the option.
    func pinned<T: Decodable>(_ type: T.Type) throws -> T? {
        guard let limits else { return nil }
        do {
            return try JSONDecoder().decode(type, from: Data(contentsOf: URL(fileURLWithPath: limits)))
        } catch {
            throw ValidationError("--limits \(limits): \(error)")
        }
    }

    /// Writes `outcomes` to `--json`, when given.
    func write<T: Encodable>(_ outcomes: T) throws {
        guard let json else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(outcomes).write(to: URL(fileURLWithPath: json))
    }

    /// With `--limits`: says each broken figure of the evaluation `name` and fails when there is one.
    func finish(_ name: String, broken: [String]) throws {
        guard limits != nil else { return }
        for line in broken { print("LIMIT BROKEN: \(line)") }
        print(broken.isEmpty ? "\(name): every pinned figure holds" : "\(name): \(broken.count) pinned figure(s) broken")
        if !broken.isEmpty { throw ExitCode.failure }
    }
}

/// How many frames an evaluation that makes photos works on at once.
struct JobsOption: ParsableArguments {
    @Option(help: "Frames evaluated at once, each with its own face detector and person network; the default is the number of processors here.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
    }

    /// One worker per job, each made by `make` (each its own detector and network).
    func workers<Worker>(_ make: () throws -> Worker) rethrows -> [Worker] {
        try (0..<jobs).map { _ in try make() }
    }
}

/// The person network the standardiser segments with, for the evaluations that make photos.
struct NetworkOption: ParsableArguments {
    @Option(help: "The person network (ONNX), or `none` for grabCut alone (default: u2netp.onnx in the data cache's models/).")
    var network: String?

    /// The network's file, nil for `none`.
    var file: URL? {
        network == "none" ? nil : network.map { URL(fileURLWithPath: $0) } ?? PersonNetwork.defaultFile(models: DataCache.standard.models)
    }

    /// A standardiser with this network.
    func standardizer() throws -> Standardizer {
        var standardizer = Standardizer()
        standardizer.segmenter.network = try file.map { try PersonNetwork(file: $0) }
        return standardizer
    }
}
