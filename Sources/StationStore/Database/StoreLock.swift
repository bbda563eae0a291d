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

    /// How long opening waits for a holder that is letting go: the station's previous run
    /// still stopping when systemd starts the next, or a child process that this program is
    /// starting, which shares the lock of a store just closed until it executes.
    static let patience = Duration.seconds(2)

    /// Takes the lock, or fails with `.inUse` when another program still holds it after
    /// `patience`.
    init(folder: String) throws(StoreError) {
        let path = "\(folder)/\(Self.fileName)"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw StoreError(folder: folder, .files(FileOutputError(NamedPath(path), .init(errno: code, folder: folder))))
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: Self.patience)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard clock.now < deadline else {
                close(fd)
                throw StoreError(folder: folder, .inUse)
            }
            usleep(20_000)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
