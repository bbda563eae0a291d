import Foundation
import Testing

/// The systemd units in `systemd/`, read by systemd's own `systemd-analyze verify`, which
/// names unknown keys and bad values (and exits 0 all the same: any output is a fault here).
@Suite("The systemd units")
struct UnitFileTests {
    static let analyzer = "/usr/bin/systemd-analyze"

    /// Runs `systemd-analyze ARGS` and returns what it printed.
    func analyze(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.analyzer)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// A copy of the unit whose program is one that exists here (verify checks the path).
    func installedCopy(of unit: String, replacing program: String, in folder: URL) throws -> URL {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("systemd/\(unit)"), encoding: .utf8)
        let copy = folder.appendingPathComponent(unit)
        try text.replacingOccurrences(of: "ExecStart=\(program) ", with: "ExecStart=/bin/true ").write(to: copy, atomically: true, encoding: .utf8)
        return copy
    }

    @Test(.enabled(if: runs(needing: analyzer)),
          arguments: [("photo-kiosk.service", "/usr/local/bin/kiosk"), ("kiosk-server.service", "/usr/local/bin/kiosk-server")])
    func theUnitVerifiesWithoutAWord(unit: String, program: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = try installedCopy(of: unit, replacing: program, in: folder)
        #expect(try String(contentsOf: copy, encoding: .utf8).contains("ExecStart=/bin/true "), "the unit no longer starts \(program)")
        let result = try analyze(["verify", copy.path])
        #expect(result.status == 0 && result.output.isEmpty, "\(result.output)")

        // The same check finds a fault when there is one.
        let broken = folder.appendingPathComponent("broken-\(unit)")
        try String(contentsOf: copy, encoding: .utf8).replacingOccurrences(of: "ProtectSystem=strict", with: "ProtectSystem=stricter")
            .write(to: broken, atomically: true, encoding: .utf8)
        #expect(try !analyze(["verify", broken.path]).output.isEmpty)
    }

    @Test func theStationWaitsForTheDaemonsReadinessAndIsWatched() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("systemd/photo-kiosk.service"), encoding: .utf8)
        for line in ["Type=notify", "WatchdogSec=", "Restart=on-failure", "ProtectSystem=strict", "ReadWritePaths=/var/lib/photo-kiosk",
                     "NoNewPrivileges=yes", "SupplementaryGroups=video", "User=kiosk"] {
            #expect(text.contains(line), "photo-kiosk.service lacks \(line)")
        }
    }
}
