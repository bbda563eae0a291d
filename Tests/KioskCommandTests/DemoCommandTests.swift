import DataCache
import Foundation
import KioskProgram
import Testing

/// The station's frame the demo replays (made by scripts/fetch-test-data.sh from a test portrait).
private let demoFrame = DataCache.standard.matteEvaluation.appendingPathComponent("feat_anc__s2a_plain_near_white_wall.jpg")

@Suite("kiosk demo")
struct DemoCommandTests {
    /// `kiosk demo` without a terminal, as CI runs it: the built kiosk-server beside kiosk is
    /// started, the scripted student's photo is saved by the station, and the server has it,
    /// read from the server's own files with sqlite3 and sha256sum rather than through the
    /// demo's words.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: demoFrame.path), "\(DataCache.standard.missingMessage)"),
          .timeLimit(.minutes(10)))
    func theDemoSavesTheScriptedStudentsPhotoAndTheServerReceivesIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let run = try KioskProgram.run(["demo", "-o", "out"], in: folder)
        #expect(run.exited && run.status == 0, "\(run)")
        for word in KioskProgram.dumpWords { #expect(!run.output.contains(word) && !run.errors.contains(word), "\(word): \(run)") }
        // Printed, not drawn: the screens and the script's steps as lines.
        #expect(run.output.contains("screen: 请核对") && run.output.contains("step:   the operator takes the fee in cash"), "\(run.output)")

        let runs = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path)
        let site = folder.appendingPathComponent("out/\(try #require(runs.first { $0.hasPrefix("run-") }))")
        let station = site.appendingPathComponent("station-store/station.sqlite").path
        let server = site.appendingPathComponent("server/central.sqlite").path

        // One session on the station, its photo sent, and nothing left in the outbox.
        let hash = try KioskProgram.output(of: "/usr/bin/sqlite3", [station, "SELECT sha256 FROM photo WHERE kind = 'spec'"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(hash.count == 64, "\(hash)")
        #expect(try KioskProgram.output(of: "/usr/bin/sqlite3", [station, "SELECT count(*) FROM outbox WHERE sentAt IS NULL"]) == "0\n")

        // The server: the photo's row and its file, whose bytes hash to the same SHA-256…
        #expect(try KioskProgram.output(of: "/usr/bin/sqlite3", [server, "SELECT count(*) FROM photo WHERE sha256 = '\(hash)'"]) == "1\n")
        let blob = site.appendingPathComponent("server/blobs/\(hash.prefix(2))/\(hash).jpg").path
        #expect(try KioskProgram.output(of: "/usr/bin/sha256sum", [blob]).hasPrefix(hash))
        // …and the session's record for the seated student, naming that photo.
        let records = try KioskProgram.output(of: "/usr/bin/sqlite3", [server, "SELECT studentNumber, content FROM record"])
        #expect(records.hasPrefix("2024000001|") && records.contains(hash) && records.split(separator: "\n").count == 1, "\(records)")

        // The station's credentials file is the station's secret: readable by its owner only.
        let mode = try FileManager.default.attributesOfItem(atPath: site.appendingPathComponent("station.credentials").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // The demo says where the photo is, and it is the station's stored photo.
        #expect(run.output.contains("station-store/photos/\(hash).jpg") && run.output.contains("server/blobs/\(hash.prefix(2))/\(hash).jpg"),
                "\(run.output)")
    }
}
