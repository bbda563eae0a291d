#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FileOutput

/// An exclusive lock on a store folder for the life of one program: start-up repair moves
/// files no record names, which is safe only while no other program is saving into it.
final class StoreLock: Sendable {
    private let descriptor: Int32

    static let fileName = "station.lock"

    /// Takes the lock at once or fails: `.inUse` when another program holds it.
    init(folder: String) throws(StoreError) {
        let path = "\(folder)/\(Self.fileName)"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw StoreError(folder: folder, .files(FileOutputError(NamedPath(path), .init(errno: code, folder: folder))))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError(folder: folder, .inUse)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
