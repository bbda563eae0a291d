import Foundation

/// A tiny tmpfs mounted under a new temporary folder, for testing what the station does on
/// a full or read-only disk with a real file system instead of a simulated error.
///
/// Mounting needs root (CAP_SYS_ADMIN). When it is not possible the initialiser throws with
/// the reason, so that a test relying on it fails instead of passing without having run.
public final class ScratchDisk: @unchecked Sendable {
    /// The mount point: the disk's root folder.
    public let folder: URL
    /// The file `fill()` writes to use up the space.
    public var filler: URL { folder.appendingPathComponent("filler") }
    private let base: URL
    private var mounted = false

    /// Why a disk could not be mounted or changed, with the tool's own words.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Mounts a tmpfs of `size` (mount's syntax: "64k", "1m").
    public init(size: String = "64k") throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("scratch-disk-\(getpid())-\(UUID().uuidString)")
        folder = base.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size),mode=0755", "tmpfs", folder.path])
        } catch {
            try? FileManager.default.removeItem(at: base)
            throw Failure(description: "cannot mount a \(size) tmpfs at \(folder.path) (the full-disk tests need root): \(error)")
        }
        mounted = true
    }

    /// Writes the filler file until the disk refuses more; returns how many bytes it took.
    @discardableResult
    public func fill() -> Int {
        let fd = open(filler.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        let block = [UInt8](repeating: 0x5A, count: 4096)
        var total = 0
        while true {
            let n = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            total += n
        }
        return total
    }

    /// Removes the filler file, giving its space back.
    public func freeFiller() throws {
        try FileManager.default.removeItem(at: filler)
    }

    /// Makes the mounted disk read-only (or writable again), as a disk the kernel remounted
    /// read-only after an error would be.
    public func remount(readOnly: Bool) throws {
        try Self.run("/bin/mount", ["-o", "remount,\(readOnly ? "ro" : "rw")", folder.path])
    }

    /// The names in the disk's root folder, hidden ones included (temporary files are hidden).
    public func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    /// Unmounts and removes the temporary folder; safe to call twice.
    public func unmount() {
        if mounted {
            mounted = (try? Self.run("/bin/umount", [folder.path])) == nil
        }
        if !mounted { try? FileManager.default.removeItem(at: base) }
    }

    deinit { unmount() }

    private static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(tool) \(arguments.joined(separator: " ")) failed with status \(process.terminationStatus): "
                + said.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
