import Foundation

/// The built `kiosk-server` run beside the demo: its commands to issue the station's
/// credentials and import the roster, then `serve` on a free loopback port until `stop`.
public final class DemoServer {
    /// The program, found next to the running `kiosk` (the same build).
    public let program: URL
    /// Its data folder: `central.sqlite` and the received photos under `blobs/`.
    public let data: URL
    private let logs: URL
    private var process: Process?
    /// `http://127.0.0.1:PORT` once serving.
    public private(set) var address = ""

    /// Finds the program beside `kiosk`; throws with how to build it when it is not there.
    public init(data: URL, logs: URL) throws {
        let folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        program = folder.appendingPathComponent("kiosk-server")
        guard FileManager.default.isExecutableFile(atPath: program.path) else {
            throw DemoError("no kiosk-server beside kiosk in \(folder.path): build both (`make demo` does, or "
                + "`swift build -c release --product kiosk-server`)")
        }
        self.data = data
        self.logs = logs
    }

    /// The blob of a photo the server received, by its SHA-256 (hex).
    public func photoFile(hash: String) -> URL {
        data.appendingPathComponent("blobs/\(hash.prefix(2))/\(hash).jpg")
    }

    /// Issues a station for `school` and writes its credentials file (mode 600) at `credentials`.
    public func addStation(_ name: String, school: String, credentials: URL) throws {
        try run(["station", "add", name, "--school", school, "--data", data.path, "--secret-file", credentials.path])
    }

    /// Imports a roster CSV file into the server.
    public func importRoster(_ file: URL) throws {
        try run(["roster", "import", file.path, "--data", data.path])
    }

    /// Starts serving on a port the system picks and waits (at most `timeout` seconds) for its
    /// "listening on" line.
    public func start(timeout: Double = 30) throws {
        let out = logs.appendingPathComponent("server.out"), err = logs.appendingPathComponent("server.log")
        let process = try launch(["serve", "--data", data.path, "--host", "127.0.0.1", "--port", "0"], out: out, err: err)
        self.process = process
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline, process.isRunning {
            let printed = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            if let line = printed.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                address = String(line.dropFirst("listening on ".count))
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        throw DemoError("kiosk-server did not start serving within \(Int(timeout)) s; its log: \(err.path)")
    }

    /// Stops the server (SIGTERM, as systemd does) and waits for it to end.
    public func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// Runs one of the server's commands to its end; its output goes to the log folder.
    private func run(_ arguments: [String]) throws {
        let out = logs.appendingPathComponent("server-commands.log")
        let process = try launch(arguments, out: out, err: out)
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let said = (try? String(contentsOf: out, encoding: .utf8))?.split(separator: "\n").last.map(String.init) ?? ""
            throw DemoError("kiosk-server \(arguments.prefix(2).joined(separator: " ")) failed: \(said)")
        }
    }

    private func launch(_ arguments: [String], out: URL, err: URL) throws -> Process {
        for file in Set([out, err]) where !FileManager.default.fileExists(atPath: file.path) {
            FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        let output = try FileHandle(forWritingTo: out), errors = try FileHandle(forWritingTo: err)
        try output.seekToEnd()
        try errors.seekToEnd()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The child has its own copies of the descriptors.
        try output.close()
        try errors.close()
        return process
    }
}
