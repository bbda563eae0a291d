import CentralStore
import Foundation
import Hummingbird
import Logging
import SyncWire

/// `kiosk-server`'s HTTP side on Hummingbird: the `/v1` API of docs/sync-api.md behind the
/// request-signature check, and the reviewers' pages under `/review` (docs/review.md), which
/// reviewers reach with a password instead (`ReviewRoutes`).
public enum CentralServer {
    /// What `GET /v1/health` answers as `version`.
    public static let version = "1"
    /// The largest JSON body the server takes (a session record is a few KB).
    public static let maximumRecordBytes = 1 << 20
    /// The most items a roster or decisions page holds, and the default.
    public static let maximumPageSize = 1000

    /// The router of the API over `store`; `now` is the server's clock (the signature's
    /// freshness and the times stored). `endpoints` lists what it registered.
    public static func router(store: any CentralStore, now: @escaping @Sendable () -> Date = Date.init)
        -> (router: Router<KioskRequestContext>, endpoints: [Endpoint]) {
        let router = Router(context: KioskRequestContext.self)
        var routes = Routes(router: router)
        router.add(middleware: WireErrorMiddleware())
        let api = APIHandlers(store: store, now: now)
        routes.on(.get, "/v1/health", signed: false, use: api.health)
        ReviewRoutes(store: store, now: now).register(on: router)
        router.add(middleware: SignatureMiddleware(store: store, now: now))
        routes.on(.get, "/v1/roster", signed: true, use: api.roster)
        routes.on(.head, "/v1/photos/{sha256}", signed: true, use: api.photoHeld)
        routes.on(.put, "/v1/photos/{sha256}", signed: true, use: api.putPhoto)
        routes.on(.put, "/v1/records/{uuid}", signed: true, use: api.putRecord)
        routes.on(.get, "/v1/decisions", signed: true, use: api.decisions)
        return (router, routes.endpoints)
    }

    /// A route as docs/openapi.yaml writes it.
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        public var method: HTTPRequest.Method
        /// With `{name}` parameters, e.g. `/v1/photos/{sha256}`.
        public var path: String
        public var signed: Bool
        public var description: String { "\(method) \(path)" }
    }

    /// Registers routes and keeps the list of what it registered.
    struct Routes {
        let router: Router<KioskRequestContext>
        var endpoints: [Endpoint] = []

        mutating func on(_ method: HTTPRequest.Method, _ path: String, signed: Bool,
                         use handler: @escaping @Sendable (Request, KioskRequestContext) async throws -> Response) {
            // Hummingbird writes a parameter `:name` where OpenAPI writes `{name}`.
            let pattern = path.split(separator: "/").map { part in
                part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
            }.joined(separator: "/")
            router.on(RouterPath("/" + pattern), method: method, use: handler)
            endpoints.append(Endpoint(method: method, path: path, signed: signed))
        }
    }
}

/// The request context: Hummingbird's core plus the station the signature proved.
public struct KioskRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the signature check on every signed route.
    public var station: Station?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        station = nil
    }

    /// The signature check collects bodies itself, with the limit of the route.
    public var maxUploadSize: Int { SyncAPI.maximumPhotoBytes }

    /// The station of a signed route (the middleware ran before every one).
    func signedStation() throws -> Station {
        guard let station else { throw WireFailure(.unauthorized, "the request is not signed") }
        return station
    }
}
