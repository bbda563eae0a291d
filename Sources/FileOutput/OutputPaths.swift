#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The checks a command makes on its outputs before it does any work, so that a mistake on
/// the command line costs nothing and destroys nothing: an output that is an input, two
/// outputs that are one file, an output that is a folder or a device, and a folder that is
/// missing, read-only or not writable by this user.
public enum OutputPaths {
    /// Refuses outputs that cannot or must not be written.
    ///
    /// Two paths are the same file when they reach the same inode (through symbolic links,
    /// `..` or a hard link) or, for a file that does not exist yet, when their folders
    /// resolve to the same place. With `creatingFolders` a missing folder is accepted when
    /// it can be made (its nearest existing parent is a writable folder); the caller makes it.
    public static func check(outputs: [NamedPath], inputs: [NamedPath] = [], creatingFolders: Bool = false) throws(FileOutputError) {
        for (index, output) in outputs.enumerated() {
            if let input = inputs.first(where: { sameFile(output.path, $0.path) }) {
                throw FileOutputError(output, .sameAsInput(other: input))
            }
            if let other = outputs[..<index].first(where: { sameFile(output.path, $0.path) }) {
                throw FileOutputError(output, .sameAsOutput(other: other))
            }
            try checkTarget(output)
            try checkFolder(of: output, folder: PathParts(output.path).folder, creating: creatingFolders)
        }
    }

    /// Refuses a folder that files are to be written into: one that is a file, or that is not
    /// writable, or (unless `creating`) missing; and one that is the same as an input (a
    /// recording made into the folder being replayed).
    public static func check(folder: NamedPath, inputs: [NamedPath] = [], creating: Bool) throws(FileOutputError) {
        if let input = inputs.first(where: { sameFile(folder.path, $0.path) }) {
            throw FileOutputError(folder, .sameFolderAsInput(other: input))
        }
        try checkFolder(of: folder, folder: folder.path, creating: creating)
    }

    /// Makes the folder and the folders above it that are missing (as `mkdir -p`).
    public static func createFolder(_ folder: NamedPath) throws(FileOutputError) {
        var made = folder.path.hasPrefix("/") ? "" : "."
        for part in folder.path.split(separator: "/") where part != "." {
            made += "/" + part
            if mkdir(made, 0o777) != 0 {
                let code = errno
                guard code == EEXIST else { throw FileOutputError(folder, .init(errno: code, folder: made)) }
                guard FileStatus(following: made)?.isFolder == true else {
                    throw FileOutputError(folder, .notAFolder(path: made))
                }
            }
        }
    }

    /// Makes the folder if it is missing and proves it can take files: a probe file is
    /// created and removed in it (the only test that also holds for root, network disks and
    /// read-only mounts), and at least `minimumFreeBytes` must be free on its disk.
    public static func prepareFolder(_ folder: NamedPath, minimumFreeBytes: Int64) throws(FileOutputError) {
        try check(folder: folder, creating: true)
        try createFolder(folder)
        let probe = try TemporaryFile(in: folder.path, for: "probe", reporting: folder)
        probe.discard()
        if let free = freeBytes(folder.path), free < minimumFreeBytes {
            throw FileOutputError(folder, .tooLittleSpace(available: free, needed: minimumFreeBytes))
        }
    }

    /// Bytes available to this user on the disk that holds `path`, nil when it cannot be read.
    public static func freeBytes(_ path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// Whether the two paths name one file: the same inode when both exist, else the same
    /// resolved location.
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        if let x = FileStatus(following: a), let y = FileStatus(following: b) { return x.identity == y.identity }
        return resolved(a) == resolved(b)
    }

    /// The path with its symbolic links and `..` resolved as far as it exists; a last part
    /// that does not exist yet is appended to its resolved folder.
    static func resolved(_ path: String) -> String {
        if let real = realPath(path) { return real }
        let parts = PathParts(path)
        return (realPath(parts.folder) ?? parts.folder) + "/" + parts.name
    }

    /// The output itself: if it exists it must be an ordinary file (renaming over a folder
    /// fails, and over a device as root would replace the device).
    private static func checkTarget(_ output: NamedPath) throws(FileOutputError) {
        if output.path.hasSuffix("/") { throw FileOutputError(output, .isFolder) }
        guard let status = FileStatus(following: output.path) else { return }
        if status.isFolder { throw FileOutputError(output, .isFolder) }
        if !status.isRegular { throw FileOutputError(output, .notRegularFile) }
    }

    /// The folder files go in: it exists (or, when `creating`, can be made) and this user may
    /// create files in it.
    private static func checkFolder(of output: NamedPath, folder: String, creating: Bool) throws(FileOutputError) {
        var existing = folder
        while true {
            if let status = FileStatus(following: existing) {
                guard status.isFolder else { throw FileOutputError(output, .notAFolder(path: existing)) }
                break
            }
            guard creating || existing != folder else {
                // Say which part is a file when one is, else that the folder is missing.
                let above = firstNonFolderAbove(folder)
                throw FileOutputError(output, above.map { .notAFolder(path: $0) } ?? .folderMissing(folder: folder))
            }
            let parent = PathParts(existing).folder
            guard parent != existing else { break }
            existing = parent
        }
        if access(existing, W_OK | X_OK) != 0 {
            throw FileOutputError(output, .init(errno: errno, folder: existing))
        }
    }

    /// The nearest existing part above `folder` when it is not a folder.
    private static func firstNonFolderAbove(_ folder: String) -> String? {
        var path = folder
        while true {
            if let status = FileStatus(following: path) { return status.isFolder ? nil : path }
            let parent = PathParts(path).folder
            if parent == path { return nil }
            path = parent
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

/// A path split into the folder it is in and its last part, without touching the disk.
struct PathParts {
    var folder: String
    var name: String

    init(_ path: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if let slash = trimmed.lastIndex(of: "/") {
            folder = slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
            name = String(trimmed[trimmed.index(after: slash)...])
        } else {
            folder = "."
            name = String(trimmed)
        }
    }
}

/// What `stat` says about a path (following symbolic links).
struct FileStatus {
    var identity: [UInt64]
    var mode: mode_t

    init?(following path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        identity = [UInt64(info.st_dev), UInt64(info.st_ino)]
        mode = info.st_mode
    }

    var isFolder: Bool { mode & S_IFMT == S_IFDIR }
    var isRegular: Bool { mode & S_IFMT == S_IFREG }
}
