import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SyncWire

/// An answer from the server: its status and body.
struct ServerAnswer: Sendable {
    var status: Int
    var body: [UInt8]

    /// The `WireError` the body carries, if it is one.
    var wireError: WireError? { try? WireCoding.decoder().decode(WireError.self, from: Data(body)) }

    /// The status with the server's own words, for reports.
    var summary: String {
        if let error = wireError { return "\(status) \(error.code.rawValue): \(error.message)" }
        return "\(status)"
    }
}

/// Why a request got no answer: the network (refused, unreachable, reset) or the time-out.
struct TransportFailure: Error, Sendable, CustomStringConvertible {
    var description: String
    /// No connection at all (refused, unreachable, reset), rather than a time-out.
    var networkAway: Bool
}

/// Sends requests to the server, each signed with the station's credentials
/// (`RequestSignature`), each bounded by the settings' time-outs. A refused connection fails
/// at once (no silent retrying inside the client) so the sync can tell the network is away.
final class SignedTransport: Sendable {
    private let client: HTTPClient
    private let server: ServerAddress
    private let credentials: StationCredentials
    private let requestTimeout: TimeAmount

    /// The largest answer read (a roster page of 500 students with descriptors is ~400 KB).
    static let maximumAnswerBytes = 8 << 20

    init(server: ServerAddress, credentials: StationCredentials, settings: SyncSettings) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(Int64(settings.connectTimeoutSeconds * 1000)),
                                      read: .milliseconds(Int64(settings.requestTimeoutSeconds * 1000)))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.server = server
        self.credentials = credentials
        requestTimeout = .milliseconds(Int64(settings.requestTimeoutSeconds * 1000))
    }

    /// Sends one signed request; a transport failure or a time-out throws `TransportFailure`.
    func send(_ method: HTTPMethod, _ pathAndQuery: String, body: [UInt8] = [], timeout: TimeAmount? = nil) async throws(TransportFailure) -> ServerAnswer {
        var request = HTTPClientRequest(url: server.base + pathAndQuery)
        request.method = method
        let signature = RequestSignature(stationId: credentials.stationId, secret: credentials.secret, method: method.rawValue,
                                         pathAndQuery: pathAndQuery, body: body, time: Date())
        for header in signature.headers { request.headers.add(name: header.name, value: header.value) }
        if !body.isEmpty {
            request.headers.add(name: "Content-Type", value: pathAndQuery.hasPrefix("/v1/photos/") ? "image/jpeg" : "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await client.execute(request, timeout: timeout ?? requestTimeout)
            let bytes = try await response.body.collect(upTo: Self.maximumAnswerBytes)
            return ServerAnswer(status: Int(response.status.code), body: Array(buffer: bytes))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw TransportFailure(description: "no answer from \(server) within \(Self.seconds(timeout ?? requestTimeout)) s", networkAway: false)
        } catch {
            throw TransportFailure(description: "\(server) cannot be reached (\(Self.words(error)))", networkAway: true)
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    private static func seconds(_ amount: TimeAmount) -> String {
        String(format: "%.1f", Double(amount.nanoseconds) / 1e9)
    }

    /// A failure's short words, without the type dumps of `String(describing:)`.
    private static func words(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return error.shortDescription }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        let text = "\(error)"
        return text.count > 160 ? String(text.prefix(160)) + "…" : text
    }
}
