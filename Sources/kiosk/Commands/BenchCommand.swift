import ArgumentParser
import DataCache
import Foundation
import KioskBenchmarks

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure how fast this machine runs each step of the station (medians in milliseconds).",
        discussion: """
            With no suite named, runs them all. `--list` shows the suites. \
            Exit status: 0 measured; 2 the test data is missing (the message says how to fetch it).
            """
    )

    @Argument(help: "Suites to run, e.g. `image faces`; all when omitted.")
    var suites: [SuiteName] = []

    @Option(parsing: .unconditional, help: "Timed iterations per measurement.")
    var iterations = 30

    @OptionGroup var output: JSONOption

    @Flag(help: "List the suites and exit.")
    var list = false

    @Option(help: "Write the inputs that were timed into this folder, for side-by-side comparisons.")
    var inputs: String?

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
    }

    func run() throws {
        if list {
            for suite in allBenchmarkSuites { print("\(suite.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(suite.summary)") }
            return
        }
        let cache = DataCache.standard
        guard cache.isPopulated else { throw CommandFailure(status: 2, cache.missingMessage) }
        let context = BenchmarkContext(iterations: iterations, dataCache: cache.root,
                                       inputsDirectory: inputs.map { URL(fileURLWithPath: $0) })
        let names = Set(suites.map(\.name))
        let chosen = names.isEmpty ? allBenchmarkSuites : allBenchmarkSuites.filter { names.contains($0.name) }
        var all: [BenchmarkResult] = []
        for suite in chosen {
            if !output.json { print("\(suite.name): \(suite.summary)") }
            let results = try suite.run(context)
            all += results
            if !output.json { results.forEach { print(Self.line($0)) } }
        }
        if output.json { print(String(decoding: try OutputFiles.json(all), as: UTF8.self)) }
    }

    static func line(_ r: BenchmarkResult) -> String {
        let figures = r.figures.sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value.rounded() == $0.value ? String(Int($0.value)) : String(format: "%.2f", $0.value))" }
            .joined(separator: ", ")
        let name = r.name.padding(toLength: 46, withPad: " ", startingAt: 0)
        return String(format: "  %@ median %8.3f ms  (p10 %.3f, p90 %.3f, n=%d)", name, r.medianMilliseconds,
                      r.p10Milliseconds, r.p90Milliseconds, r.iterations) + (figures.isEmpty ? "" : "  " + figures)
    }
}
