import CentralStore
import Foundation
import Hummingbird
import SyncWire

/// A refusal as the API answers it: a status and a `WireError` body.
struct WireFailure: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var error: WireError

    init(_ code: WireError.Code, _ message: String) {
        status = Self.status(of: code)
        error = WireError(code, message)
    }

    /// The one mapping of a store's refusal to the API's answer.
    init(_ failure: CentralStoreError) {
        let code: WireError.Code = switch failure {
        case .hashMismatch: .hashMismatch
        case .photoMissing: .photoMissing
        case .conflict: .conflict
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .invalid: .badRequest
        case .insufficientStorage: .insufficientStorage
        case .unavailable: .internal
        }
        self.init(code, failure.description)
    }

    static func status(of code: WireError.Code) -> HTTPResponse.Status {
        switch code {
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .badRequest: .badRequest
        case .hashMismatch: .unprocessableContent
        case .photoMissing, .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .insufficientStorage: HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
        case .notFound: .notFound
        case .internal: .internalServerError
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        // A HEAD answer has no body, whatever the status.
        request.method == .head ? Response(status: status) : JSONAnswer.response(status, error)
    }
}

/// JSON answers in the wire's one coding.
enum JSONAnswer {
    static func response(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let data = (try? WireCoding.encoder().encode(value)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every failure below it into a `WireError` answer: the store's refusals, a body too
/// large, a path the API does not have. A failure of the store itself is logged.
struct WireErrorMiddleware: RouterMiddleware {
    typealias Context = KioskRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let failure as WireFailure {
            return try failure.response(from: request, context: context)
        } catch let failure as CentralStoreError {
            let answer = WireFailure(failure)
            switch failure {
            case .unavailable, .insufficientStorage:
                context.logger.error("\(request.method) \(request.uri.path): \(failure)")
            default: break
            }
            return try answer.response(from: request, context: context)
        } catch let error as HTTPResponseError {
            let code: WireError.Code = switch error.status {
            case .notFound: .notFound
            case .contentTooLarge: .tooLarge
            case .badRequest: .badRequest
            default: .internal
            }
            let message = switch code {
            case .notFound: "the API has no \(request.method) \(request.uri.path); see docs/sync-api.md"
            case .tooLarge: "the body is larger than the server takes"
            default: "\(error)"
            }
            return try WireFailure(code, message).response(from: request, context: context)
        }
    }
}
