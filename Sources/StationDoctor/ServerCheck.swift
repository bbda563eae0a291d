import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StationSync
import SyncWire

/// The centre: the server answers (`GET /v1/health`), the credentials file is the station's
/// alone (mode 600) and whole, and the server takes its signature (a signed one-student
/// roster page, which changes nothing anywhere).
public enum ServerCheck {
    /// How long each request may take here: the doctor must not hang on a silent network.
    public static let timeout: TimeAmount = .seconds(5)

    /// `settings.server` empty: no server set (a warning; the station works offline).
    public static func run(_ settings: SyncSettings) -> [Finding] {
        guard !settings.server.isEmpty else {
            return [Finding(id: "server", level: .warning, what: "server: none set; photos stay in the outbox",
                            fix: "set sync.server (http://HOST:PORT) and sync.credentialsFile in the settings file; "
                                + "the school's IT has both")]
        }
        guard let server = ServerAddress(settings.server) else {
            return [Finding(id: "server", level: .failure, what: "server \(settings.server): not an address",
                            fix: "write it as http://HOST:PORT (or https://) in sync.server in the settings file")]
        }
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(Int64(settings.connectTimeoutSeconds * 1000)), read: timeout)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        defer { try? client.syncShutdown() }

        var findings = [reachability(server, client: client)]
        let credentials: StationCredentials
        do {
            credentials = try StationCredentials.read(fileAt: settings.credentialsFile)
            findings.append(.ok("credentials-file", "credentials file \(settings.credentialsFile): the station's alone (mode 600)"))
        } catch {
            findings.append(Finding(id: "credentials-file", level: .failure,
                                    what: "credentials file \(settings.credentialsFile): cannot be used", fix: error.description))
            return findings
        }
        guard findings[0].level == .ok else { return findings }
        findings.append(signedQuery(server, credentials: credentials, file: settings.credentialsFile, client: client))
        return findings
    }

    private static func reachability(_ server: ServerAddress, client: HTTPClient) -> Finding {
        switch get(server, SyncAPI.health, client: client) {
        case let .answer(status, _) where status == 200:
            return .ok("server", "server \(server): answers")
        case let .answer(status, words):
            return Finding(id: "server", level: .failure, what: "server \(server): answers \(status)\(words) to its health question",
                           fix: "the address may name another program: check it with the school's IT, who can see whether "
                               + "kiosk-server runs there")
        case let .none(reason):
            return Finding(id: "server", level: .failure, what: "server \(server): no answer (\(reason))",
                           fix: "check the station's network cable or Wi-Fi and the server's address; if both are right, "
                               + "ask the school's IT whether kiosk-server is running. Photos wait in the outbox meanwhile")
        }
    }

    private static func signedQuery(_ server: ServerAddress, credentials: StationCredentials, file: String, client: HTTPClient) -> Finding {
        let path = "\(SyncAPI.roster)?cursor=0&limit=1"
        let signature = RequestSignature(stationId: credentials.stationId, secret: credentials.secret, method: "GET",
                                         pathAndQuery: path, body: [UInt8](), time: Date())
        switch get(server, path, headers: signature.headers, client: client) {
        case let .answer(status, _) where status == 200:
            return .ok("credentials", "credentials of station \(credentials.stationId): the server takes them")
        case let .answer(status, words) where status == 401:
            return Finding(id: "credentials", level: .failure,
                           what: "credentials of station \(credentials.stationId): refused (401\(words))",
                           fix: "the server does not know these credentials: issue new ones with `kiosk-server station add "
                               + "NAME --school SCHOOL` on the server and write the id and secret it gives into \(file) "
                               + "(chmod 600). If the clock line above is ✗, set the clock first")
        case let .answer(status, words):
            return Finding(id: "credentials", level: .failure,
                           what: "credentials of station \(credentials.stationId): the server answers \(status)\(words)",
                           fix: "tell the school's IT what the server answered")
        case let .none(reason):
            return Finding(id: "credentials", level: .failure,
                           what: "credentials of station \(credentials.stationId): not checked (\(reason))",
                           fix: "run kiosk doctor again; if it stays so, ask the school's IT to look at the server")
        }
    }

    private enum Outcome {
        /// The status and, when the body is a `WireError`, its words (": …").
        case answer(Int, String)
        case none(String)
    }

    private static func get(_ server: ServerAddress, _ path: String, headers: [(name: String, value: String)] = [],
                            client: HTTPClient) -> Outcome {
        do {
            var request = try HTTPClient.Request(url: server.base + path, method: .GET)
            for header in headers { request.headers.add(name: header.name, value: header.value) }
            let response = try client.execute(request: request, deadline: .now() + timeout).wait()
            let body = response.body.map { Data($0.readableBytesView) } ?? Data()
            let words = (try? WireCoding.decoder().decode(WireError.self, from: body)).map { ": \($0.message)" } ?? ""
            return .answer(Int(response.status.code), words)
        } catch let error as HTTPClientError {
            return .none(error == .deadlineExceeded || error == .readTimeout ? "nothing within \(timeout.nanoseconds / 1_000_000_000) s"
                                                                              : error.shortDescription)
        } catch let error as IOError {
            return .none(String(cString: strerror(error.errnoCode)))
        } catch {
            return .none("\(error)")
        }
    }
}
