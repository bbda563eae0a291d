#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A real `kiosk-server` run for the load benchmark: the built program beside this one, on a
/// fresh data folder, listening on a port the system picks.
final class BenchServerProcess {
    /// Why the benchmark cannot run the server, with what to do.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    let program: String
    let dataFolder: String
    private var server: Process?
    /// `http://127.0.0.1:PORT`, once `start()` returned.
    private(set) var base = ""

    init(dataFolder: String) throws {
        let here = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        program = here.appendingPathComponent("kiosk-server").path
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw Problem(description: "the server benchmark runs the built kiosk-server beside kiosk, and \(program) is missing: "
                + "build both, e.g. swift build -c release --product kiosk --product kiosk-server")
        }
        self.dataFolder = dataFolder
    }

    /// Issues a station of school `school` with `kiosk-server station add`, its credentials file at `file`.
    func addStation(name: String, school: String, credentialsFile file: String) throws {
        let add = Process()
        add.executableURL = URL(fileURLWithPath: program)
        add.arguments = ["station", "add", name, "--school", school, "--data", dataFolder, "--secret-file", file]
        add.standardOutput = FileHandle.nullDevice
        try add.run()
        add.waitUntilExit()
        guard add.terminationStatus == 0 else {
            throw Problem(description: "kiosk-server station add \(name) failed with status \(add.terminationStatus)")
        }
    }

    /// Starts `kiosk-server serve --port 0` and waits for its `listening on …` line; its log
    /// goes to `serve.log` in the data folder.
    func start() throws {
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: program)
        serve.arguments = ["serve", "--data", dataFolder, "--host", "127.0.0.1", "--port", "0"]
        let output = Pipe()
        serve.standardOutput = output
        guard FileManager.default.createFile(atPath: "\(dataFolder)/serve.log", contents: nil) else {
            throw Problem(description: "cannot write \(dataFolder)/serve.log")
        }
        serve.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(dataFolder)/serve.log"))
        try serve.run()
        server = serve
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else {
                throw Problem(description: "kiosk-server serve stopped before it listened; see \(dataFolder)/serve.log")
            }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: "listening on ") else {
            throw Problem(description: "kiosk-server serve printed \"\(text)\" instead of its listening line")
        }
        base = text[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The server's peak resident memory so far (`VmHWM` in /proc/PID/status), in bytes.
    func peakResidentBytes() -> Double? {
        guard let server, let status = try? String(contentsOfFile: "/proc/\(server.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }

    /// The `sha256` of every row of the server's `photo` table, read with the `sqlite3`
    /// program (from outside the server's code), duplicates kept.
    func photoRows() throws -> [String] {
        let query = Process()
        query.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        query.arguments = ["sqlite3", "-readonly", "\(dataFolder)/central.sqlite", "SELECT sha256 FROM photo"]
        let output = Pipe()
        query.standardOutput = output
        try query.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        query.waitUntilExit()
        guard query.terminationStatus == 0 else {
            throw Problem(description: "sqlite3 could not read \(dataFolder)/central.sqlite (status \(query.terminationStatus)); install sqlite3")
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Stops the server with SIGTERM (its graceful stop) and waits for it.
    func stop() {
        guard let server, server.isRunning else { return }
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
    }
}
