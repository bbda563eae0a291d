import Foundation

/// The built `kiosk` beside the test bundle that links this (`swift build --build-tests`
/// builds every product), run the way an operator runs it: in a folder, with no input.
public enum KioskProgram {
    /// Where the program is: the folder of the running test bundle.
    public static let path = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("kiosk").path

    /// Words no message may show: Foundation's error dumps, Swift's type names and its crash reports.
    public static let dumpWords = ["NSCocoaErrorDomain", "Error Domain", "NSError", "Swift.", "Optional(", "(null)",
                                   "Fatal error", "Stack dump", "Backtrace", "💣"]

    /// How one run ended and what it printed.
    public struct Run: CustomStringConvertible, Sendable {
        /// False when a signal ended it (a crash).
        public var exited: Bool
        public var status: Int32
        public var output: String
        public var errors: String
        public var description: String { "status \(status)\nstdout: \(output.prefix(600))\nstderr: \(errors)" }
    }

    /// The program is missing: the tests were built without it.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "\(KioskProgram.path) is missing: build with `swift build --build-tests` first" }
    }

    /// Runs `kiosk` in `folder` with standard input empty, as `user` (a user id, through
    /// `setpriv`: permissions hold for it, root may write anywhere) when given.
    public static func run(_ arguments: [String], in folder: URL, asUser user: String? = nil) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing() }
        if let user {
            return try execute("/usr/bin/setpriv", ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", path] + arguments, in: folder)
        }
        return try execute(path, arguments, in: folder)
    }

    /// A program that ended with another status than 0: its command line, status and error output.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// Runs any program (a built product, sqlite3, sha256sum…) to its end and gives its
    /// standard output; another status than 0 throws a `Failure` naming it, with its error output.
    @discardableResult
    public static func output(of program: String, _ arguments: [String]) throws -> String {
        let run = try execute(program, arguments, in: nil)
        guard run.exited, run.status == 0 else {
            throw Failure("\(program) \(arguments.joined(separator: " ")): status \(run.status): \(run.errors)")
        }
        return run.output
    }

    /// Runs `program` with standard input empty. Outputs go to files, not pipes, so nothing
    /// blocks however much it prints on either.
    private static func execute(_ program: String, _ arguments: [String], in folder: URL?) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: logs) }
        let out = logs.appendingPathComponent("out"), err = logs.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Run(exited: process.terminationReason == .exit, status: process.terminationStatus,
                   output: String(decoding: try Data(contentsOf: out), as: UTF8.self),
                   errors: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }

    /// Every entry below `folder` with the bytes of each regular file (a FIFO or a folder is
    /// listed, never opened): equal before and after a run means nothing was changed or left behind.
    public static func contents(_ folder: URL) throws -> [String: Data] {
        var entries: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: folder.path)
        while let name = walker?.nextObject() as? String {
            let path = folder.appendingPathComponent(name).path
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            entries[name] = status.st_mode & S_IFMT == S_IFREG ? try Data(contentsOf: URL(fileURLWithPath: path)) : Data()
        }
        return entries
    }
}
