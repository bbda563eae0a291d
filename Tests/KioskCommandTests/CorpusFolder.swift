import DataCache
import Foundation
import SettingsCorpus

/// The folder of bad (and unusual) inputs, made at test time with tools other than the
/// program under test: ImageMagick's `convert`, `exiftool`, the shell's `mkfifo` and Python's
/// zlib for a PNG too large to decode.
enum CorpusFolder {
    static func settingsFile(_ index: Int) -> String { "settings/\(index).json5" }

    static func make() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-corpus-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: folder.appendingPathComponent("settings"), withIntermediateDirectories: true)
        // Made once for the whole run, so removed when the test process ends.
        atexit { if let folder = try? corpus.get() { try? FileManager.default.removeItem(at: folder) } }
        try fm.createDirectory(at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
        try fm.createDirectory(at: folder.appendingPathComponent("folder.jpg"), withIntermediateDirectories: true)
        let locked = folder.appendingPathComponent("locked")
        try fm.createDirectory(at: locked, withIntermediateDirectories: true)
        try fm.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked.path)

        let portrait = folder.appendingPathComponent("portrait.jpg")
        try fm.copyItem(at: DataCache.standard.face("obama.jpg"), to: portrait)
        let bytes = try Data(contentsOf: portrait)
        try Data().write(to: folder.appendingPathComponent("empty.jpg"))
        try bytes.prefix(bytes.count / 10).write(to: folder.appendingPathComponent("truncated.jpg"))
        // A JPEG start followed by bytes that are no JPEG at all (a fixed pattern, so the
        // decoder's complaint is the same on every run).
        let garbage = Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
        try garbage.write(to: folder.appendingPathComponent("garbage.jpg"))
        try Data("hello, this is not a photo\n".utf8).write(to: folder.appendingPathComponent("text.jpg"))
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("link.jpg").path, withDestinationPath: "portrait.jpg")
        try fm.createSymbolicLink(atPath: folder.appendingPathComponent("dangling.jpg").path, withDestinationPath: "nowhere.jpg")
        try tool("mkfifo", [folder.appendingPathComponent("pipe.jpg").path])

        // Upright once shown: stored turned the other way, with the tag that turns it back.
        try tool("convert", [portrait.path, "-rotate", "270", folder.appendingPathComponent("orientation6.jpg").path])
        try tool("exiftool", ["-q", "-overwrite_original", "-Orientation#=6", folder.appendingPathComponent("orientation6.jpg").path])
        try tool("convert", [portrait.path, "-rotate", "180", folder.appendingPathComponent("orientation3.jpg").path])
        try tool("exiftool", ["-q", "-overwrite_original", "-Orientation#=3", folder.appendingPathComponent("orientation3.jpg").path])
        try tool("convert", [portrait.path, "-colorspace", "CMYK", folder.appendingPathComponent("cmyk.jpg").path])

        // 9000 × 9000 white RGB, a few hundred kilobytes compressed: refused from its header.
        try tool("python3", ["-c", """
            import struct, sys, zlib
            w = h = 9000
            def chunk(kind, data):
                return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
            packer = zlib.compressobj(9)
            row = b"\\0" + b"\\xff" * (3 * w)
            idat = b"".join(packer.compress(row) for _ in range(h)) + packer.flush()
            with open(sys.argv[1], "wb") as out:
                out.write(b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                          + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
            """, folder.appendingPathComponent("huge.png").path])

        for (index, row) in invalidSettingsRows.enumerated() {
            try Data(row.file.utf8).write(to: folder.appendingPathComponent(settingsFile(index)))
        }
        return folder
    }

    private static func tool(_ name: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(name) \(arguments.prefix(3)) failed"])
        }
    }
}
