import FileOutput
import Foundation
import ScratchDisk
import Testing

/// A new empty folder under the temporary folder, removed by the caller.
func temporaryFolder(_ name: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("file-output-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// Bytes that differ from position to position, so that a partial or shifted write shows.
func pattern(_ count: Int, seed: UInt8) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
}

func contents(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

/// A 64 KB scratch disk holding the file `name` (in `folder` below its root) with the bytes
/// `old`: the previous file that a failed write must leave as it was.
func scratchDisk(holding name: String, _ old: [UInt8], in folder: String? = nil) throws -> (disk: ScratchDisk, file: URL) {
    let disk = try ScratchDisk(size: "64k")
    var place = disk.folder
    if let folder {
        place = place.appendingPathComponent(folder)
        try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
    }
    let file = place.appendingPathComponent(name)
    try AtomicFile.write(old, to: file)
    return (disk, file)
}

@Suite("Atomic file")
struct AtomicFileTests {
    @Test func writesTheBytesAndLeavesNoTemporaryFile() throws {
        let folder = try temporaryFolder("write")
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("photo.jpg")
        try AtomicFile.write(pattern(100_000, seed: 1), to: target)
        #expect(try contents(target) == pattern(100_000, seed: 1))
        try AtomicFile.write(Data(), to: folder.appendingPathComponent("empty"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["empty", "photo.jpg"])
    }

    @Test func replacesTheOldFileAndKeepsItsPermissions() throws {
        let folder = try temporaryFolder("replace")
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("report.json")
        try Data("old".utf8).write(to: target)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: target.path)
        try AtomicFile.write(Data("new".utf8), to: target)
        #expect(try contents(target) == Array("new".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
    }

    @Test func aLinkedTargetHasTheFileItPointsToReplaced() throws {
        let folder = try temporaryFolder("link")
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = folder.appendingPathComponent("real.jpg")
        let link = folder.appendingPathComponent("link.jpg")
        try Data("old".utf8).write(to: real)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        try AtomicFile.write(Data("new".utf8), to: link)
        #expect(try contents(real) == Array("new".utf8))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == real.path)
    }

    @Test func aFolderOrADeviceIsNeverReplaced() throws {
        let folder = try temporaryFolder("folder")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: FileOutputError(NamedPath(folder.path), .isFolder)) {
            try AtomicFile.write(Data("x".utf8), to: folder)
        }
        // As root a rename over /dev/null would replace the device with a file.
        #expect(throws: FileOutputError(NamedPath("/dev/null"), .notRegularFile)) {
            try AtomicFile.write(Data("x".utf8), to: URL(fileURLWithPath: "/dev/null"))
        }
        #expect(FileManager.default.fileExists(atPath: "/dev/null"))
        let missing = folder.appendingPathComponent("no/such/folder/photo.jpg")
        let error = try #require(throws: FileOutputError.self) { try AtomicFile.write(Data("x".utf8), to: missing) }
        #expect(error.reason == .folderMissing(folder: missing.deletingLastPathComponent().path))
        #expect("\(error)".contains("mkdir -p"), "\(error)")
    }

    @Test func onAFullDiskTheOldFileStaysAndNothingIsLeft() throws {
        let old = pattern(20_000, seed: 7)
        let (disk, target) = try scratchDisk(holding: "photo.jpg", old)
        defer { disk.unmount() }
        #expect(disk.fill() > 0)

        let error = try #require(throws: FileOutputError.self) {
            try AtomicFile.write(pattern(300_000, seed: 9), to: NamedPath(target.path, name: "-o"))
        }
        #expect(error.reason == .diskFull)
        #expect(error.description == "cannot write -o \(target.path): the disk is full; free some space on that disk or write to another disk")
        #expect(try contents(target) == old)
        #expect(try disk.names() == ["filler", "photo.jpg"])

        // A new file on the full disk: nothing appears at all.
        #expect(throws: FileOutputError.self) {
            try AtomicFile.write(pattern(10_000, seed: 3), to: disk.folder.appendingPathComponent("new.jpg"))
        }
        #expect(try disk.names() == ["filler", "photo.jpg"])

        // With the space back, the same write succeeds whole.
        try disk.freeFiller()
        try AtomicFile.write(pattern(30_000, seed: 9), to: target)
        #expect(try contents(target) == pattern(30_000, seed: 9))
        #expect(try disk.names() == ["photo.jpg"])
    }

    @Test func onAReadOnlyDiskTheOldFileStays() throws {
        let old = pattern(5000, seed: 2)
        let (disk, target) = try scratchDisk(holding: "report.json", old)
        defer { disk.unmount() }
        try disk.remount(readOnly: true)

        let error = try #require(throws: FileOutputError.self) { try AtomicFile.write(pattern(100, seed: 5), to: target) }
        #expect(error.reason == .readOnly)
        #expect("\(error)".hasSuffix("the disk is read-only; remount the disk writable or write to another folder"), "\(error)")
        #expect(try contents(target) == old)
        #expect(try disk.names() == ["report.json"])
    }
}
