import Crypto
import Foundation

/// How a station proves who it is on every request: an HMAC-SHA-256, under the secret the
/// server issued to the station, over the method, the path with its query, the time and the
/// SHA-256 of the body.
///
/// Why a signature rather than a bearer token: stations sit on school networks where TLS to
/// the centre is not always set up; a signed request travels in clear without giving away the
/// secret, cannot be altered (the body's hash is signed), and goes stale after
/// `allowedClockSkew`. A replay inside that window can only repeat an upload, which the API
/// makes idempotent (photos by hash, records by id).
public struct RequestSignature: Sendable, Hashable {
    /// The header naming the station.
    public static let stationHeader = "X-Kiosk-Station"
    /// The header with the request's time, whole seconds since 1970 (UTC).
    public static let timeHeader = "X-Kiosk-Time"
    /// The header with the hex SHA-256 of the body (of no bytes for a request without one).
    public static let bodyHashHeader = "X-Kiosk-Content-SHA256"
    /// `Authorization: Kiosk-HMAC-SHA256 <hex>`.
    public static let scheme = "Kiosk-HMAC-SHA256"
    /// How far a request's time may be from the server's clock.
    public static let allowedClockSkew: TimeInterval = 300

    public var stationId: String
    public var time: Int64
    public var bodyHash: String
    /// The hex HMAC.
    public var mac: String

    /// Signs a request: the headers to send are `headers`.
    public init(stationId: String, secret: StationSecret, method: String, pathAndQuery: String, body: some DataProtocol, time: Date) {
        let bodyHash = SHA256.hash(data: body).hexString
        let seconds = Int64(time.timeIntervalSince1970.rounded(.down))
        self.stationId = stationId
        self.time = seconds
        self.bodyHash = bodyHash
        self.mac = Self.mac(secret: secret, stationId: stationId, method: method, pathAndQuery: pathAndQuery, time: seconds, bodyHash: bodyHash)
    }

    /// The four headers of a signed request.
    public var headers: [(name: String, value: String)] {
        [(Self.stationHeader, stationId), (Self.timeHeader, String(time)), (Self.bodyHashHeader, bodyHash),
         ("Authorization", "\(Self.scheme) \(mac)")]
    }

    /// Why a request is refused, in words for the station's operator.
    public enum Rejection: Error, Sendable, Hashable, CustomStringConvertible {
        case missing(String)
        case malformed(String)
        case staleTime(secondsOff: Int64)
        case bodyHashMismatch
        case wrongSignature

        public var description: String {
            switch self {
            case .missing(let header): "the request has no \(header) header: sign every request with the station's credentials"
            case .malformed(let header): "the \(header) header does not parse"
            case .staleTime(let off): "the request's time is \(off) s off the server's clock: set the station's clock (timedatectl)"
            case .bodyHashMismatch: "the body does not match its signed hash: it was altered or cut on the way"
            case .wrongSignature: "the signature does not match: check the station's credentials file"
            }
        }
    }

    /// Reads the headers of a request (`header(name)` answers a header's value, any case of name).
    public static func read(header: (String) -> String?) throws(Rejection) -> (stationId: String, time: Int64, bodyHash: String, mac: String) {
        guard let station = header(stationHeader), !station.isEmpty else { throw .missing(stationHeader) }
        guard let timeText = header(timeHeader) else { throw .missing(timeHeader) }
        guard let time = Int64(timeText) else { throw .malformed(timeHeader) }
        guard let bodyHash = header(bodyHashHeader) else { throw .missing(bodyHashHeader) }
        guard bodyHash.count == 64, bodyHash.allSatisfy(\.isHexDigit) else { throw .malformed(bodyHashHeader) }
        guard let authorization = header("Authorization") else { throw .missing("Authorization") }
        let parts = authorization.split(separator: " ")
        guard parts.count == 2, parts[0] == scheme else { throw .malformed("Authorization") }
        return (station, time, bodyHash.lowercased(), String(parts[1]).lowercased())
    }

    /// Checks a request the server received against the station's secret: the time, the
    /// body's hash and the MAC (compared in constant time).
    public static func verify(stationId: String, time: Int64, bodyHash: String, mac: String, secret: StationSecret,
                              method: String, pathAndQuery: String, body: some DataProtocol, now: Date) throws(Rejection) {
        let off = Int64(now.timeIntervalSince1970) - time
        guard abs(off) <= Int64(allowedClockSkew) else { throw .staleTime(secondsOff: off) }
        guard SHA256.hash(data: body).hexString == bodyHash else { throw .bodyHashMismatch }
        let signed = canonical(stationId: stationId, method: method, pathAndQuery: pathAndQuery, time: time, bodyHash: bodyHash)
        guard let given = Data(hex: mac), HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: signed, using: secret.key)
        else { throw .wrongSignature }
    }

    private static func canonical(stationId: String, method: String, pathAndQuery: String, time: Int64, bodyHash: String) -> Data {
        Data([method.uppercased(), pathAndQuery, stationId, String(time), bodyHash].joined(separator: "\n").utf8)
    }

    private static func mac(secret: StationSecret, stationId: String, method: String, pathAndQuery: String, time: Int64, bodyHash: String) -> String {
        let data = canonical(stationId: stationId, method: method, pathAndQuery: pathAndQuery, time: time, bodyHash: bodyHash)
        return Data(HMAC<SHA256>.authenticationCode(for: data, using: secret.key)).hexString
    }
}

/// A station's secret: 32 random bytes the server issues once (`kiosk-server station add`),
/// kept by the station in a file only its user can read, written as 64 hex digits.
public struct StationSecret: Sendable, Hashable {
    private let bytes: [UInt8]

    /// A new random secret.
    public init() { bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) } }

    /// From its 64 hex digits (surrounding white space ignored); nil for anything else.
    public init?(hex: String) {
        let trimmed = hex.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count == 64, let bytes = Data(hex: trimmed) else { return nil }
        self.bytes = Array(bytes)
    }

    /// The HMAC key.
    public var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// The 64 hex digits.
    public var hex: String { bytes.hexString }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex digits (a digest's name in the station's and the server's stores).
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension Data {
    /// From an even number of hex digits; nil for anything else.
    init?(hex: String) {
        guard hex.utf8.count.isMultiple(of: 2) else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(hex.utf8.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}

/// The file that carries a station's credentials from the server (`kiosk-server station add
/// --secret-file F` writes it) to the station (which reads it, mode 600): `STATION_ID=…` and
/// `STATION_SECRET=…`, one a line, `#` comments allowed.
public enum CredentialsFile {
    public static let stationIdKey = "STATION_ID"
    public static let secretKey = "STATION_SECRET"

    /// The file's text for a newly issued station.
    public static func text(stationId: String, secret: StationSecret, name: String, school: String, issuedAt: Date) -> String {
        """
        # Photo Kiosk station credentials for '\(name)' (school \(school)), issued \(ISO8601DateFormatter().string(from: issuedAt)).
        # Keep this file mode 600, owned by the station's user; point the station's sync at it.
        \(stationIdKey)=\(stationId)
        \(secretKey)=\(secret.hex)

        """
    }
}
