#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The one way the station writes a file: all or nothing.
///
/// The bytes go to a new temporary file in the target's folder (a unique hidden name,
/// created with `O_EXCL`), are synced to the disk, and only then renamed over the target,
/// after which the folder is synced so that the rename survives a power cut. On any error
/// the temporary file is removed and the previous file at the target, if any, is untouched:
/// a full or read-only disk never leaves a truncated photo under the final name.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically. A target that is a symbolic link has the file it
    /// points to replaced (the link stays); an existing target keeps its permissions.
    public static func write(_ bytes: some ContiguousBytes, to path: NamedPath) throws(FileOutputError) {
        let target = resolvedTarget(path.path)
        var mode: mode_t?
        if let status = FileStatus(following: target) {
            if status.isFolder { throw FileOutputError(path, .isFolder) }
            if !status.isRegular { throw FileOutputError(path, .notRegularFile) }
            mode = status.mode & 0o7777
        }
        let folder = PathParts(target).folder
        let file = try TemporaryFile(in: folder, for: PathParts(target).name, reporting: path)
        var failure: Int32 = 0
        if let mode, fchmod(file.descriptor, mode) != 0 { failure = errno }
        if failure == 0 { failure = bytes.withUnsafeBytes { file.write($0) } }
        if failure == 0 { failure = file.finish() }
        if failure == 0, rename(file.path, target) != 0 { failure = errno }
        guard failure == 0 else {
            file.discard()
            throw FileOutputError(path, .init(errno: failure, folder: folder))
        }
        // The rename is in place; syncing the folder makes it last across a power cut.
        // File systems that cannot sync a folder say EINVAL, which is not a failure.
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            let synced = fsync(directory) == 0 ? 0 : errno
            close(directory)
            if synced != 0, synced != EINVAL, synced != EROFS {
                throw FileOutputError(path, .init(errno: synced, folder: folder))
            }
        }
    }

    /// Writes `bytes` to the file at `url` atomically (see `write(_:to:)` with a named path).
    public static func write(_ bytes: some ContiguousBytes, to url: URL) throws(FileOutputError) {
        try write(bytes, to: NamedPath(url.path))
    }

    /// The file a write to `path` replaces: the end of a symbolic link that leads somewhere,
    /// else the path itself.
    private static func resolvedTarget(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK,
              let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }
}

/// A new, uniquely named hidden file beside the target, open for writing.
final class TemporaryFile {
    let path: String
    let descriptor: Int32
    private var isOpen = true

    /// Creates `.NAME.RANDOM.tmp` in `folder` with `O_EXCL`, so that it never reuses or
    /// follows anything already there; errors are reported against `output`.
    init(in folder: String, for name: String, reporting output: NamedPath) throws(FileOutputError) {
        // Keep the temporary name within NAME_MAX (255) whatever the target's length.
        let stem = String(name.utf8.prefix(200)) ?? "file"
        for _ in 0..<100 {
            let candidate = "\(folder)/.\(stem).\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).tmp"
            let fd = posixOpen(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 {
                path = candidate
                descriptor = fd
                return
            }
            let code = errno
            if code != EEXIST { throw FileOutputError(output, .init(errno: code, folder: folder)) }
        }
        throw FileOutputError(output, .system(errno: EEXIST))
    }

    /// Writes all the bytes; the errno of the first failure, else 0.
    func write(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard var next = bytes.baseAddress else { return 0 }
        var left = bytes.count
        while left > 0 {
            let written = posixWrite(descriptor, next, left)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            next += written
            left -= written
        }
        return 0
    }

    /// Syncs and closes the file; the errno of the first failure, else 0. A full disk can
    /// show up only here (delayed allocation, network file systems).
    func finish() -> Int32 {
        let synced = fsync(descriptor) == 0 ? 0 : errno
        isOpen = false
        let closed = close(descriptor) == 0 ? 0 : errno
        return synced != 0 ? synced : closed
    }

    /// Closes (if still open) and removes the file.
    func discard() {
        if isOpen { close(descriptor); isOpen = false }
        unlink(path)
    }
}

// The C functions under names that `TemporaryFile`'s own `write` does not shadow.
private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}

private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
