import CentralStore
import Foundation
import HTTPTypes
import Hummingbird
import SyncWire

/// Checks `RequestSignature` on every request of the routes after it: the headers, the
/// station (known, not revoked), the body's size, then time, body hash and MAC. A refusal is
/// 401 (413 for a body too large) and the handler never runs, so nothing is stored.
struct SignatureMiddleware: RouterMiddleware {
    typealias Context = KioskRequestContext
    let store: any CentralStore
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let signed: (stationId: String, time: Int64, bodyHash: String, mac: String)
        do {
            signed = try RequestSignature.read { name in request.headers[HTTPField.Name(name)!] }
        } catch {
            throw WireFailure(.unauthorized, error.description)
        }
        guard let station = try await store.activeStation(id: signed.stationId) else {
            throw WireFailure(.unauthorized, "station \(signed.stationId) is unknown or revoked: issue it credentials with kiosk-server station add")
        }
        let limit = Self.bodyLimit(request)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Self.tooLarge(limit)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            throw Self.tooLarge(limit)
        }
        do {
            try RequestSignature.verify(stationId: signed.stationId, time: signed.time, bodyHash: signed.bodyHash, mac: signed.mac,
                                        secret: station.secret, method: request.method.rawValue, pathAndQuery: request.head.path ?? "",
                                        body: body.readableBytesView, now: now())
        } catch {
            throw WireFailure(.unauthorized, error.description)
        }
        var context = context
        context.station = station
        return try await next(request, context)
    }

    /// A photo may be as large as `SyncAPI.maximumPhotoBytes`; anything else is JSON or nothing.
    static func bodyLimit(_ request: Request) -> Int {
        request.method == .put && request.uri.path.hasPrefix(SyncAPI.photo("")) ? SyncAPI.maximumPhotoBytes : CentralServer.maximumRecordBytes
    }

    static func tooLarge(_ limit: Int) -> WireFailure {
        WireFailure(.tooLarge, "the body is larger than the \(limit) bytes the server takes here")
    }
}
