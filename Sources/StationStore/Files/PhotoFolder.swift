#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FileOutput
import Foundation

/// The store's content-addressed photo folder: every file is named by the SHA-256 of its
/// bytes (`<64 hex>.jpg`), written with `AtomicFile`, and never changed once there.
struct PhotoFolder {
    let path: String

    static let fileExtension = ".jpg"

    /// Where the file with this content lives.
    func path(of hash: ContentHash) -> String { "\(path)/\(hash.hex)\(Self.fileExtension)" }

    /// Makes `bytes` durable under their hash: when this returns, the file is whole on the
    /// disk and its name is in the folder. A file already there with the same content is kept.
    func store(_ bytes: [UInt8]) throws(FileOutputError) -> ContentHash {
        let hash = ContentHash(of: bytes)
        let target = path(of: hash)
        if ContentHash.ofFile(atPath: target) == hash { return hash }
        try AtomicFile.write(bytes, to: NamedPath(target))
        return hash
    }

    /// The names in the folder, hidden ones included.
    func names() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    }

    /// The hash a file name stands for, or nil for a name the store does not write.
    static func hash(named name: String) -> String? {
        guard name.hasSuffix(fileExtension) else { return nil }
        let stem = name.dropLast(fileExtension.count)
        return ContentHash.isHex(stem) ? String(stem) : nil
    }

    /// Whether a name is one of `AtomicFile`'s temporary files (`.NAME.RANDOM.tmp`).
    static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") && name.hasSuffix(".tmp")
    }

    /// Makes the folder (and its parents) if missing; errors in `FileOutputError`'s words.
    static func create(_ path: String) throws(FileOutputError) {
        var parts: [String] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            parts.append(String(component))
            let prefix = parts.joined(separator: "/")
            guard !prefix.isEmpty else { continue }
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                let code = errno
                throw FileOutputError(NamedPath(path), .init(errno: code, folder: (prefix as NSString).deletingLastPathComponent))
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw FileOutputError(NamedPath(path), .notAFolder(path: path))
        }
    }

    /// Syncs a folder so that renames in it survive a power cut (best effort, as AtomicFile does).
    static func sync(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
