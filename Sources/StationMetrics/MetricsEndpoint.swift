import Hummingbird
import Logging
import Prometheus

/// Where the metrics are served, as the station's settings give it (`metrics.listen`).
public struct MetricsSettings: Codable, Sendable, Hashable {
    /// HOST:PORT of the endpoint (`http://HOST:PORT/metrics`); "" for none. On by default on
    /// loopback: nothing outside the box can read it, and a Prometheus agent on the box, or an
    /// operator's `curl` during a support call, finds the figures without a change of settings.
    /// Port 0 takes any free port (the log says which).
    public var listen = "127.0.0.1:9464"

    public init() {}

    public static let standard = MetricsSettings()

    /// The address to listen on; nil when switched off (or not an address: `invalidSetting` says so).
    public var address: ListenAddress? { listen.isEmpty ? nil : ListenAddress(listen) }

    /// The first setting that cannot work, or nil (keys relative to `metrics`).
    public func invalidSetting() -> (key: String, reason: String, related: [String])? {
        guard !listen.isEmpty, ListenAddress(listen) == nil else { return nil }
        return ("listen", "is \"\(listen)\"; it must be HOST:PORT (port 0 to 65535), e.g. 127.0.0.1:9464, "
            + "[::1]:9464, or \"\" for no metrics endpoint", [])
    }
}

/// A host and port to listen on: `127.0.0.1:9464`, `localhost:9464`, `[::1]:9464`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// Nil unless `text` is HOST:PORT with a port from 0 to 65535 (an IPv6 host in brackets).
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return nil }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil
        }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else { return nil }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The registry's figures in Prometheus' text format at `GET /metrics` on one address, served
/// until the task running it is cancelled or its service group shuts down.
public struct MetricsEndpoint: Sendable {
    public let address: ListenAddress
    private let registry: PrometheusCollectorRegistry
    private let logger: Logger
    private let listening: @Sendable (String) -> Void

    /// `listening` hears the endpoint's URL once it accepts connections (with the real port when 0 was asked).
    public init(address: ListenAddress, registry: PrometheusCollectorRegistry, logger: Logger,
                listening: @escaping @Sendable (String) -> Void = { _ in }) {
        self.address = address
        self.registry = registry
        self.logger = logger
        self.listening = listening
    }

    /// Serves until cancelled or shut down gracefully; throws when the address cannot be bound.
    public func run() async throws {
        let router = Router()
        let registry = registry
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        let address = address, listening = listening
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "kiosk-metrics"),
            onServerRunning: { channel in
                var bound = address
                bound.port = channel.localAddress?.port ?? address.port
                listening("http://\(bound)/metrics")
            },
            logger: logger)
        try await app.run()
    }
}
