import Crypto
import Foundation

/// The last four characters of a Chinese ID number (身份证后四位): three digits and a check
/// character, a digit or X. A station holds it only long enough to hash it and never stores
/// or shows it; the centre keeps it to send with the roster.
public struct IDTail: Sendable, Hashable {
    /// The four characters, X upper-case.
    public let text: String

    /// The tail, or nil when it is not three digits and a digit or X (a lower-case x is read
    /// as X, as the keypad may type it).
    public init?(_ typed: String) {
        let upper = typed.uppercased()
        let scalars = Array(upper.unicodeScalars)
        guard scalars.count == 4, scalars.prefix(3).allSatisfy({ ("0"..."9").contains($0) }),
              ("0"..."9").contains(scalars[3]) || scalars[3] == "X" else { return nil }
        text = upper
    }

    /// What a tail must look like, for messages.
    public static let rule = "the last 4 characters of the ID number: 3 digits, then a digit or X"
}

/// The station's secret salt for ID tails: 32 random bytes made once per store.
///
/// A tail has only 11,000 possible values, so its hash protects it only as long as this key
/// is kept from whoever holds the hashes; see docs/station-store.md.
public struct IDTailKey: Sendable, Hashable {
    public let bytes: [UInt8]

    public static let byteCount = 32

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// A new random key.
    public static func random() -> IDTailKey {
        var generator = SystemRandomNumberGenerator()
        return IDTailKey(bytes: (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) })!
    }

    /// The stored form of `tail`: HMAC-SHA-256 under this key.
    public func hash(_ tail: IDTail) -> IDTailHash {
        let code = HMAC<SHA256>.authenticationCode(for: Data(tail.text.utf8), using: SymmetricKey(data: bytes))
        return IDTailHash(bytes: Array(code))!
    }
}

/// An ID tail as the roster stores it (32 bytes of HMAC-SHA-256).
public struct IDTailHash: Sendable, Hashable {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Whether `other` is the same hash, in time that does not depend on where they differ,
    /// so that timing tells nothing about a stored tail.
    public func matches(_ other: IDTailHash) -> Bool {
        var difference: UInt8 = 0
        for (a, b) in zip(bytes, other.bytes) { difference |= a ^ b }
        return difference == 0 && bytes.count == other.bytes.count
    }
}
