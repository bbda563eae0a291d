#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import SyncWire

/// A file's identity in the store: the SHA-256 of its bytes (64 lower-case hex digits) and
/// its size. Photos are named and referenced by it.
public struct ContentHash: Sendable, Hashable, CustomStringConvertible {
    public let hex: String
    public let size: Int64

    public init(of bytes: [UInt8]) {
        hex = SHA256.hash(data: bytes).hexString
        size = Int64(bytes.count)
    }

    init(hex: String, size: Int64) {
        self.hex = hex
        self.size = size
    }

    /// The hash of the file at `path`, read in blocks; nil when it cannot be read.
    public static func ofFile(atPath path: String) -> ContentHash? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var size: Int64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            size += Int64(count)
        }
        return ContentHash(hex: hasher.finalize().hexString, size: size)
    }

    /// Whether `text` looks like a hash this type makes (64 lower-case hex digits).
    static func isHex(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    public var description: String { "\(hex) (\(size) bytes)" }
}
