#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SyncWire

/// The station's identity at the centre, read from its credentials file: `STATION_ID=…` and
/// `STATION_SECRET=…` (the 64 hex digits `kiosk-server station add` issued), one a line,
/// `#` comments allowed. Never taken from the command line, where `ps` would show it.
public struct StationCredentials: Sendable {
    public var stationId: String
    public var secret: StationSecret

    public init(stationId: String, secret: StationSecret) {
        self.stationId = stationId
        self.secret = secret
    }

    /// Why a credentials file cannot be used, with what to do.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Reads the file at `path`, refusing one that others than its owner may read or write
    /// (the secret would be theirs too), a folder, a pipe, or one without both settings.
    public static func read(fileAt path: String) throws(Problem) -> StationCredentials {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw Problem(description: errno == ENOENT
                ? "the credentials file \(path) does not exist; write STATION_ID and STATION_SECRET there (from kiosk-server station add) and chmod 600 it"
                : "the credentials file \(path) cannot be read: \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw Problem(description: "the credentials file \(path) is not a regular file")
        }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw Problem(description: "the credentials file \(path) may be read or written by others (mode \(String(mode, radix: 8))); "
                + "run chmod 600 \(path): it holds the station's secret")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Problem(description: "the credentials file \(path) cannot be read as UTF-8 text; make it readable by this user")
        }
        return try parse(text, file: path)
    }

    /// The credentials in a file's text (`file` names it in messages).
    public static func parse(_ text: String, file: String) throws(Problem) -> StationCredentials {
        var values: [String: String] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw Problem(description: "\(file) line \(index + 1) is not NAME=VALUE")
            }
            let name = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            guard [CredentialsFile.stationIdKey, CredentialsFile.secretKey].contains(name) else {
                throw Problem(description: "\(file) line \(index + 1) names \(name); only STATION_ID and STATION_SECRET go there")
            }
            values[name] = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard let id = values[CredentialsFile.stationIdKey], !id.isEmpty else {
            throw Problem(description: "\(file) has no STATION_ID line; give the id kiosk-server station add printed")
        }
        guard let secretText = values[CredentialsFile.secretKey] else {
            throw Problem(description: "\(file) has no STATION_SECRET line; give the secret kiosk-server station add issued")
        }
        guard let secret = StationSecret(hex: secretText) else {
            throw Problem(description: "\(file): STATION_SECRET is not 64 hex digits; copy it again from the file kiosk-server station add wrote")
        }
        return StationCredentials(stationId: id, secret: secret)
    }
}
