import Foundation

/// How the station reaches the centre (`kiosk sync`; docs/sync-api.md, "The station's side").
/// The secret is never here: it is in `credentialsFile`, readable by the station's user alone.
public struct SyncSettings: Codable, Sendable, Hashable {
    /// The server's base address, `http://HOST:PORT` (empty: no server set, the station works offline).
    public var server = ""
    /// The file with `STATION_ID=…` and `STATION_SECRET=…` (64 hex digits), mode 600.
    public var credentialsFile = "/etc/photo-kiosk/station.credentials"
    /// How long one request may take, answer included, before it counts as failed: a server
    /// that hangs must not hang the station.
    public var requestTimeoutSeconds = 20.0
    /// How long a connection may take to open.
    public var connectTimeoutSeconds = 3.0
    /// The first wait after a failure; each further failure doubles it (with jitter)…
    public var firstRetrySeconds = 1.0
    /// …up to this.
    public var longestRetrySeconds = 60.0
    /// While the network is away, how often `GET /v1/health` asks whether it is back.
    public var probeSeconds = 2.0
    /// How often roster changes and review decisions are fetched while nothing fails.
    public var pullSeconds = 60.0

    public init() {}

    public static let standard = SyncSettings()

    /// The first setting that cannot work, or nil (keys relative to `sync`).
    public func invalidSetting() -> (key: String, reason: String, related: [String])? {
        if !server.isEmpty, ServerAddress(server) == nil {
            return ("server", "is \"\(server)\"; it must be http://HOST:PORT or https://HOST:PORT", [])
        }
        let positive: [(String, Double, ClosedRange<Double>)] = [
            ("requestTimeoutSeconds", requestTimeoutSeconds, 0.1...600), ("connectTimeoutSeconds", connectTimeoutSeconds, 0.1...60),
            ("firstRetrySeconds", firstRetrySeconds, 0.01...600), ("longestRetrySeconds", longestRetrySeconds, 0.01...3600),
            ("probeSeconds", probeSeconds, 0.1...600), ("pullSeconds", pullSeconds, 1...86_400),
        ]
        for (key, value, range) in positive where !range.contains(value) {
            return (key, "is \(value); it must be from \(range.lowerBound) to \(range.upperBound) seconds", [])
        }
        if longestRetrySeconds < firstRetrySeconds {
            return ("longestRetrySeconds", "is below firstRetrySeconds; the longest wait cannot be shorter than the first", ["firstRetrySeconds"])
        }
        return nil
    }
}

/// A server's base address: `http` or `https`, a host, an optional port, no path.
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    /// Without a trailing slash.
    public let base: String

    public init?(_ text: String) {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let schemeEnd = trimmed.range(of: "://") else { return nil }
        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        let rest = trimmed[schemeEnd.upperBound...]
        guard scheme == "http" || scheme == "https", !rest.isEmpty, !rest.contains("/"), !rest.contains("?"),
              !rest.contains(" ") else { return nil }
        base = trimmed
    }

    public var description: String { base }
}
