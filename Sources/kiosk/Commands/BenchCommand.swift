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

    @Option(help: "Server suite: simulated stations uploading at once.")
    var stations = 50

    @Option(help: "Server suite: photos each station uploads.")
    var photos = 100

    @Option(help: "Server suite: bytes per photo.")
    var size = 30_000

    @Option(help: ArgumentHelp(
        "Server suite: measure PostgreSQL too, after SQLite: postgres://USER@HOST:PORT/DATABASE of a server where USER may "
            + "create databases (a fresh one is made for the run and dropped after), e.g. the one scripts/postgres-test-server.sh starts.",
        valueName: "url"))
    var postgres: String?

    @Option(help: ArgumentHelp("Server suite: the file whose first line is the PostgreSQL password (mode 600), as kiosk-server takes it.",
                               valueName: "file"))
    var postgresPasswordFile: String?

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
        guard stations >= 1, photos >= 1, size >= 1 else { throw ValidationError("--stations, --photos and --size must be at least 1") }
    }

    /// The suites to run, the server suite with its sizes from the options.
    private var chosenSuites: [any BenchmarkSuite] {
        let names = Set(suites.map(\.name))
        return allBenchmarkSuites.filter { names.isEmpty || names.contains($0.name) }.map { suite in
            guard suite is ServerBenchmarks else { return suite }
            return ServerBenchmarks(stations: stations, photos: photos, photoBytes: size,
                                    postgres: postgres.map { BenchPostgres(url: $0, passwordFile: postgresPasswordFile) })
        }
    }

    func run() throws {
        if list {
            for suite in allBenchmarkSuites { print("\(suite.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(suite.summary)") }
            return
        }
        let cache = DataCache.standard
        let chosen = chosenSuites
        // Only the server suite runs without the test data.
        guard cache.isPopulated || chosen.allSatisfy({ $0 is ServerBenchmarks }) else { throw CommandFailure(status: 2, cache.missingMessage) }
        let context = BenchmarkContext(iterations: iterations, dataCache: cache.root,
                                       inputsDirectory: inputs.map { URL(fileURLWithPath: $0) })
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
