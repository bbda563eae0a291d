import Crypto
import _CryptoExtras
import Foundation
import SyncWire

/// A person allowed to decide on uploaded photos through the review pages. Reviewers are not
/// stations: they sign in with a name and a password (`kiosk-server reviewer add`).
public struct Reviewer: Sendable, Hashable {
    public var name: String
    public var password: ReviewerPassword
    public var createdAt: Date

    public init(name: String, password: ReviewerPassword, createdAt: Date) {
        self.name = name
        self.password = password
        self.createdAt = createdAt
    }
}

/// A reviewer's password as the server keeps it: PBKDF2-HMAC-SHA-256 with a random salt,
/// never the password itself. Stored as `pbkdf2-sha256$ROUNDS$SALT$KEY` (base64).
public struct ReviewerPassword: Sendable, Hashable, CustomStringConvertible {
    /// OWASP's floor for PBKDF2-SHA-256 (and the least `_CryptoExtras` accepts).
    public static let rounds = 210_000
    /// The shortest password `reviewer add` takes.
    public static let minimumLength = 10

    public let rounds: Int
    public let salt: Data
    public let key: Data

    /// Derives the stored form of `password` under a new random salt.
    public init(hashing password: String) throws(CentralStoreError) {
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        self.init(rounds: Self.rounds, salt: salt, key: try Self.derive(password, salt: salt, rounds: Self.rounds))
    }

    private init(rounds: Int, salt: Data, key: Data) {
        self.rounds = rounds
        self.salt = salt
        self.key = key
    }

    /// Reads the stored form; nil when it is not one.
    public init?(stored text: String) {
        let parts = text.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= Self.rounds,
              let salt = Data(base64Encoded: parts[2]), let key = Data(base64Encoded: parts[3]), key.count == 32 else { return nil }
        self.init(rounds: rounds, salt: salt, key: key)
    }

    /// The stored form.
    public var description: String { "pbkdf2-sha256$\(rounds)$\(salt.base64EncodedString())$\(key.base64EncodedString())" }

    /// Whether `password` derives the kept key (compared in constant time).
    public func matches(_ password: String) -> Bool {
        guard let candidate = try? Self.derive(password, salt: salt, rounds: rounds), candidate.count == key.count else { return false }
        return constantTimeEqual(candidate, key)
    }

    private static func derive(_ password: String, salt: Data, rounds: Int) throws(CentralStoreError) -> Data {
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(from: Data(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, rounds: rounds)
            return key.withUnsafeBytes { Data($0) }
        } catch {
            throw .unavailable("the password cannot be hashed: \(error)")
        }
    }
}

extension Reviewer {
    /// The token a review form of session `id` carries for this reviewer (against cross-site
    /// requests: another site can make the browser send the password, not read this token).
    /// An HMAC under the reviewer's password key: it changes with the password and needs no
    /// server-side state.
    public func formToken(session id: UUID) -> String {
        let message = Data("review-form\n\(name)\n\(id.uuidString.lowercased())".utf8)
        return HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: password.key)).hexString
    }

    /// Whether `token` is this reviewer's form token for session `id`.
    public func acceptsFormToken(_ token: String, session id: UUID) -> Bool {
        constantTimeEqual(Data(token.utf8), Data(formToken(session: id).utf8))
    }
}

/// Equal bytes, compared in a time that does not depend on where they differ.
private func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
    a.count == b.count && zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
}
