import FileOutput
import Foundation
import ScratchDisk
import Testing

@Suite("Output paths")
struct OutputPathsTests {
    /// A folder with `input.jpg`, a link to it, a hard link to it and a subfolder.
    private func setUp() throws -> URL {
        let folder = try temporaryFolder("paths")
        try Data("input".utf8).write(to: folder.appendingPathComponent("input.jpg"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.jpg").path, withDestinationPath: "input.jpg")
        try FileManager.default.linkItem(at: folder.appendingPathComponent("input.jpg"), to: folder.appendingPathComponent("hard.jpg"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        return folder
    }

    @Test func anOutputThatIsTheInputIsRefusedHoweverItIsNamed() throws {
        let folder = try setUp()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = NamedPath(folder.appendingPathComponent("input.jpg").path, name: "the input")
        for name in ["input.jpg", "link.jpg", "hard.jpg", "sub/../input.jpg", "./sub/../input.jpg"] {
            let output = NamedPath(folder.path + "/" + name, name: "-o")
            #expect(throws: FileOutputError(output, .sameAsInput(other: input)), "\(name)") {
                try OutputPaths.check(outputs: [output], inputs: [input])
            }
        }
        #expect(!OutputPaths.sameFile(folder.path + "/other.jpg", input.path))
        try OutputPaths.check(outputs: [NamedPath(folder.path + "/other.jpg")], inputs: [input])
    }

    @Test func twoOutputsThatAreOneFileAreRefused() throws {
        let folder = try setUp()
        defer { try? FileManager.default.removeItem(at: folder) }
        let photo = NamedPath(folder.path + "/new.jpg", name: "-o")
        let report = NamedPath(folder.path + "/sub/../new.jpg", name: "--report")
        let error = try #require(throws: FileOutputError.self) { try OutputPaths.check(outputs: [photo, report]) }
        #expect(error == FileOutputError(report, .sameAsOutput(other: photo)))
        #expect(error.description == "cannot use --report \(report.path): it is the same file as -o \(photo.path); give each output its own file")
    }

    @Test func foldersDevicesAndMissingFoldersAreRefusedInWords() throws {
        let folder = try setUp()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [(String, FileOutputError.Reason, String)] = [
            (folder.path + "/sub", .isFolder, "it is a folder, not a file; give a file name inside it"),
            (folder.path + "/sub/", .isFolder, "it is a folder"),
            ("/dev/null", .notRegularFile, "not a regular file"),
            (folder.path + "/missing/photo.jpg", .folderMissing(folder: folder.path + "/missing"), "mkdir -p \(folder.path)/missing"),
            (folder.path + "/input.jpg/photo.jpg", .notAFolder(path: folder.path + "/input.jpg"), "is a file, not a folder"),
            (folder.path + "/input.jpg/deeper/photo.jpg", .notAFolder(path: folder.path + "/input.jpg"), "is a file, not a folder"),
        ]
        for (path, reason, words) in cases {
            let error = try #require(throws: FileOutputError.self, "\(path)") { try OutputPaths.check(outputs: [NamedPath(path)]) }
            #expect(error.reason == reason, "\(path)")
            #expect(error.description.contains(words), "\(error)")
            #expect(error.description.contains(path), "\(error)")
        }
        // A missing folder is fine when the command makes it, not when its parent is a file.
        try OutputPaths.check(outputs: [NamedPath(folder.path + "/new/deeper/photo.jpg")], creatingFolders: true)
        #expect(throws: FileOutputError.self) {
            try OutputPaths.check(outputs: [NamedPath(folder.path + "/input.jpg/new/photo.jpg")], creatingFolders: true)
        }
    }

    @Test func aReadOnlyDiskIsRefusedBeforeAnyWork() throws {
        let disk = try ScratchDisk(size: "64k")
        defer { disk.unmount() }
        try disk.remount(readOnly: true)
        let output = NamedPath(disk.folder.appendingPathComponent("photo.jpg").path, name: "-o")
        #expect(throws: FileOutputError(output, .readOnly)) { try OutputPaths.check(outputs: [output]) }
        #expect(throws: FileOutputError(output, .readOnly)) {
            try OutputPaths.check(outputs: [output], creatingFolders: true)
        }
    }

    @Test func createFolderMakesEveryMissingLevelAndSaysWhichPartIsAFile() throws {
        let folder = try setUp()
        defer { try? FileManager.default.removeItem(at: folder) }
        try OutputPaths.createFolder(NamedPath(folder.path + "/a/b/c"))
        try OutputPaths.createFolder(NamedPath(folder.path + "/a/b/c"))
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: folder.path + "/a/b/c", isDirectory: &isFolder) && isFolder.boolValue)
        #expect(throws: FileOutputError(NamedPath(folder.path + "/input.jpg/x"), .notAFolder(path: folder.path + "/input.jpg"))) {
            try OutputPaths.createFolder(NamedPath(folder.path + "/input.jpg/x"))
        }
    }

    @Test func prepareFolderNeedsAWritableFolderWithFreeSpace() throws {
        let disk = try ScratchDisk(size: "64k")
        defer { disk.unmount() }
        let photos = NamedPath(disk.folder.appendingPathComponent("photos").path, name: "the photo folder")
        // Made when missing; the probe file leaves nothing behind.
        try OutputPaths.prepareFolder(photos, minimumFreeBytes: 10_000)
        #expect(try FileManager.default.contentsOfDirectory(atPath: photos.path).isEmpty)
        // 64 KB is less than the 5 MB a station wants.
        let error = try #require(throws: FileOutputError.self) { try OutputPaths.prepareFolder(photos, minimumFreeBytes: 5_000_000) }
        guard case let .tooLittleSpace(available, needed) = error.reason else {
            Issue.record("expected too little space, got \(error)")
            return
        }
        #expect(available <= 65536 && needed == 5_000_000)
        #expect(error.description.contains("at least 5 MB needed"), "\(error)")
        try disk.remount(readOnly: true)
        #expect(throws: FileOutputError(photos, .readOnly)) { try OutputPaths.prepareFolder(photos, minimumFreeBytes: 0) }
    }
}
