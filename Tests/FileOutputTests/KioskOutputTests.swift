import DataCache
import FileOutput
import Foundation
import ImageKit
import KioskProgram
import ScratchDisk
import Testing

/// Words an output error must never show, besides the program-wide ones: the error's type and
/// the raw errno.
private let dumpWords = KioskProgram.dumpWords + ["FileOutputError", "errno"]

private let dataReady = DataCache.standard.isPopulated

@Suite("kiosk outputs", .enabled(if: dataReady, "\(DataCache.standard.missingMessage)"))
struct KioskOutputTests {
    /// A working folder: `input.jpg` (a portrait), a link and a hard link to it, another
    /// portrait, a subfolder holding a second `input.jpg`, and a settings file.
    private func workFolder() throws -> URL {
        let folder = try temporaryFolder("kiosk")
        let input = folder.appendingPathComponent("input.jpg")
        try FileManager.default.copyItem(at: DataCache.standard.face("obama.jpg"), to: input)
        try FileManager.default.copyItem(at: DataCache.standard.face("biden.jpg"), to: folder.appendingPathComponent("other.jpg"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.jpg").path, withDestinationPath: "input.jpg")
        try FileManager.default.linkItem(at: input, to: folder.appendingPathComponent("hard.jpg"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: DataCache.standard.face("obama2.jpg"), to: folder.appendingPathComponent("sub/input.jpg"))
        try Data("{}\n".utf8).write(to: folder.appendingPathComponent("station.json5"))
        return folder
    }

    /// Each bad output: the arguments, the exit status its help promises, and words the
    /// message must hold. All are refused before any work, so nothing in the folder changes.
    static let refusals: [(arguments: [String], status: Int32, words: [String])] = [
        (["standardize", "input.jpg", "-o", "input.jpg"], 2, ["-o input.jpg", "the same file as the input input.jpg", "another file"]),
        (["standardize", "input.jpg", "-o", "link.jpg"], 2, ["-o link.jpg", "the same file as the input input.jpg"]),
        (["standardize", "input.jpg", "-o", "hard.jpg"], 2, ["-o hard.jpg", "the same file as the input input.jpg"]),
        (["standardize", "input.jpg", "-o", "sub/../input.jpg"], 2, ["-o sub/../input.jpg", "the same file as the input"]),
        (["standardize", "input.jpg", "-o", "out.jpg", "--report", "out.jpg"], 2, ["--report out.jpg", "the same file as -o out.jpg", "its own file"]),
        (["standardize", "input.jpg", "-o", "out.jpg", "--matte", "sub/../out.jpg"], 2, ["--matte sub/../out.jpg", "the same file as -o out.jpg"]),
        (["standardize", "input.jpg", "-o", "out.jpg", "--config", "station.json5", "--report", "station.json5"], 2,
         ["--report station.json5", "the same file as --config station.json5"]),
        (["standardize", "input.jpg", "-o", "out.jpg", "--plate", "other.jpg", "--matte", "other.jpg"], 2,
         ["--matte other.jpg", "the same file as --plate other.jpg"]),
        (["standardize", "input.jpg", "-o", "sub"], 2, ["-o sub", "it is a folder, not a file", "give a file name inside it"]),
        (["standardize", "input.jpg", "-o", "missing/out.jpg"], 2, ["-o missing/out.jpg", "the folder missing does not exist", "mkdir -p missing"]),
        (["standardize", "input.jpg", "-o", "other.jpg/out.jpg"], 2, ["-o other.jpg/out.jpg", "other.jpg is a file, not a folder"]),
        (["standardize", "input.jpg", "-o", "/dev/null"], 2, ["-o /dev/null", "not a regular file"]),
        (["detect", "input.jpg", "--annotate", "input.jpg"], 2, ["--annotate input.jpg", "the same file as the photo input.jpg"]),
        (["detect", "input.jpg", "--compare", "other.jpg", "--annotate", "./other.jpg"], 2, ["the same file as --compare other.jpg"]),
        (["detect", "input.jpg", "--annotate", "sub"], 2, ["--annotate sub", "it is a folder"]),
        (["snapshot", "-d", "pattern:", "-o", "missing/snap.jpg"], 2, ["-o missing/snap.jpg", "the folder missing does not exist"]),
        (["snapshot", "-d", "pattern:", "-o", "sub.jpg/snap.jpg"], 2, ["the folder sub.jpg does not exist"]),
        (["record", "--seconds", "1", "-d", "pattern:", "other.jpg"], 2, ["other.jpg is a file, not a folder"]),
        (["record", "--seconds", "1", "-d", "replay:sub", "./sub"], 2, ["the folder ./sub: it is the same folder as the replayed folder sub", "choose another folder"]),
        (["demo", "-o", "other.jpg", "input.jpg"], 2, ["cannot write -o other.jpg: other.jpg is a file, not a folder"]),
        (["demo", "-o", "out", "input.jpg", "sub/input.jpg"], 2, ["the photo of sub/input.jpg", "the same file as the photo of input.jpg", "its own file"]),
        (["run", "--store", "other.jpg", "--source", "pattern:"], 1, ["station store other.jpg", "other.jpg is a file, not a folder"]),
    ]

    @Test(arguments: 0..<refusals.count)
    func aBadOutputIsRefusedBeforeAnyWorkAndNothingChanges(_ index: Int) throws {
        let (arguments, status, words) = Self.refusals[index]
        let folder = try workFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = try KioskProgram.contents(folder)
        let outcome = try KioskProgram.run(arguments, in: folder)
        #expect(outcome.status == status, "\(arguments): \(outcome)")
        for word in words { #expect(outcome.errors.contains(word), "\(arguments): «\(word)» missing from \(outcome.errors)") }
        #expect(outcome.errors.split(separator: "\n").count == 1, "one line: \(outcome.errors)")
        for word in dumpWords { #expect(!outcome.errors.contains(word), "\(arguments): \(outcome.errors)") }
        #expect(try KioskProgram.contents(folder) == before, "\(arguments) changed the folder")
    }

    @Test func standardizeOnAFullDiskKeepsThePreviousPhoto() throws {
        let old = pattern(12_000, seed: 4)
        let (disk, photoFile) = try scratchDisk(holding: "photo.jpg", old, in: "full")
        defer { disk.unmount() }
        let full = photoFile.deletingLastPathComponent()
        disk.fill()

        let portrait = DataCache.standard.face("obama.jpg").path
        let outcome = try KioskProgram.run(["standardize", portrait, "-o", "full/photo.jpg"], in: disk.folder)
        #expect(outcome.status == 2, "\(outcome)")
        #expect(outcome.errors == "kiosk standardize: cannot write -o full/photo.jpg: the disk is full; "
            + "free some space on that disk or write to another disk\n", "\(outcome)")
        #expect(try contents(photoFile) == old)
        #expect(try FileManager.default.contentsOfDirectory(atPath: full.path) == ["photo.jpg"])

        // With room again the same command replaces the photo with a whole one.
        try disk.freeFiller()
        let again = try KioskProgram.run(["standardize", portrait, "-o", "full/photo.jpg", "--report", "full/report.json"], in: disk.folder)
        #expect(again.status == 0, "\(again)")
        let photo = try contents(photoFile)
        #expect(try JPEG.decode(photo).size == PixelSize(width: 480, height: 640))
        #expect(try FileManager.default.contentsOfDirectory(atPath: full.path).sorted() == ["photo.jpg", "report.json"])
    }

    @Test func snapshotOnAFullDiskKeepsThePreviousPicture() throws {
        let old = pattern(8000, seed: 6)
        let (disk, snap) = try scratchDisk(holding: "snap.jpg", old)
        defer { disk.unmount() }
        disk.fill()
        let outcome = try KioskProgram.run(["snapshot", "-d", "pattern:", "--warmup", "0", "-o", "snap.jpg"], in: disk.folder)
        #expect(outcome.status == 2, "\(outcome)")
        #expect(outcome.errors.contains("cannot write -o snap.jpg: the disk is full"), "\(outcome)")
        #expect(try contents(snap) == old)
        #expect(try disk.names() == ["filler", "snap.jpg"])
    }

    @Test func aRecordingThatFillsTheDiskKeepsWholeFramesOnly() throws {
        let disk = try ScratchDisk(size: "256k")
        defer { disk.unmount() }
        let outcome = try KioskProgram.run(["record", "--seconds", "20", "-d", "pattern:640x480@30", "rec"], in: disk.folder)
        #expect(outcome.status == 2, "\(outcome)")
        #expect(outcome.errors.contains("frames were saved in rec before this"), "\(outcome)")
        #expect(outcome.errors.contains("the disk is full"), "\(outcome)")
        let names = try FileManager.default.contentsOfDirectory(atPath: disk.folder.appendingPathComponent("rec").path).sorted()
        #expect(!names.isEmpty && names.allSatisfy { $0.hasPrefix("frame-") && $0.hasSuffix(".jpg") }, "\(names)")
        for name in names {
            let frame = try contents(disk.folder.appendingPathComponent("rec/\(name)"))
            #expect(try JPEG.decode(frame).size == PixelSize(width: 640, height: 480), "\(name)")
        }
    }

    @Test func aReadOnlyDiskIsRefusedBeforeTheWork() throws {
        let old = pattern(3000, seed: 8)
        let (disk, photo) = try scratchDisk(holding: "photo.jpg", old)
        defer { disk.unmount() }
        try disk.remount(readOnly: true)
        let outcome = try KioskProgram.run(["standardize", DataCache.standard.face("obama.jpg").path, "-o", "photo.jpg"], in: disk.folder)
        #expect(outcome.status == 2, "\(outcome)")
        #expect(outcome.errors == "kiosk standardize: cannot write -o photo.jpg: the disk is read-only; "
            + "remount the disk writable or write to another folder\n", "\(outcome)")
        #expect(outcome.output.isEmpty)
        #expect(try contents(photo) == old)
    }

    @Test func aFolderThisUserMayNotWriteIsRefused() throws {
        // Root may write anywhere, so the program runs as nobody on a 0555 folder.
        let folder = try temporaryFolder("no-write")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        let outcome = try KioskProgram.run(["snapshot", "-d", "pattern:", "-o", folder.path + "/snap.jpg"], in: URL(fileURLWithPath: "/"),
                                asUser: "65534")
        #expect(outcome.status == 2, "\(outcome)")
        #expect(outcome.errors.contains("cannot write -o \(folder.path)/snap.jpg: permission denied; "
            + "write to a folder this user may write to, or ask for write permission on it"), "\(outcome)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func eachCommandsHelpSaysWhatABadOutputGives() throws {
        let folder = try temporaryFolder("help")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (command, words) in [("standardize", "2 the input or plate could not be read, or an output"),
                                 ("detect", "the --annotate file cannot be written"),
                                 ("snapshot", "2 the camera or source cannot be used, or the"),
                                 ("record", "2 the camera or source cannot be used, or the folder"),
                                 ("demo", "or the output folder cannot take the photos"),
                                 ("run", "1 when the settings file, the camera, the face models, the station store")] {
            let help = try KioskProgram.run(["help", command], in: folder)
            let text = help.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(text.contains(words), "\(command): \(help.output)")
        }
    }
}
