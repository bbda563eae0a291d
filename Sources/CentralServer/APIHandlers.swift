import CentralStore
import Foundation
import Hummingbird
import SyncWire

/// The handlers of the `/v1` routes: each reads its parameters, asks the store's rules and
/// answers in the wire's types.
struct APIHandlers: Sendable {
    let store: any CentralStore
    let now: @Sendable () -> Date

    func health(_ request: Request, _ context: KioskRequestContext) async throws -> Response {
        JSONAnswer.response(.ok, HealthStatus(version: CentralServer.version))
    }

    func roster(_ request: Request, _ context: KioskRequestContext) async throws -> Response {
        let station = try context.signedStation()
        let (cursor, limit) = try pageParameters(request)
        return JSONAnswer.response(.ok, try await store.roster(for: station, after: cursor, limit: limit))
    }

    func decisions(_ request: Request, _ context: KioskRequestContext) async throws -> Response {
        let station = try context.signedStation()
        let (cursor, limit) = try pageParameters(request)
        return JSONAnswer.response(.ok, try await store.decisions(for: station, after: cursor, limit: limit))
    }

    func photoHeld(_ request: Request, _ context: KioskRequestContext) async throws -> Response {
        _ = try context.signedStation()
        let sha256 = try photoHash(context)
        return Response(status: try await store.holdsPhoto(sha256: sha256) ? .ok : .notFound)
    }

    func putPhoto(_ request: Request, _ context: KioskRequestContext) async throws -> Response {
        _ = try context.signedStation()
        let sha256 = try photoHash(context)
        // The signature check collected the body already; this reads it from memory.
        let body = try await request.body.collect(upTo: SyncAPI.maximumPhotoBytes)
        let stored = try await store.acceptPhoto(sha256: sha256, bytes: Data(body.readableBytesView), at: now())
        return JSONAnswer.response(stored ? .created : .ok, UploadReceipt(key: sha256, stored: stored))
    }

    func putRecord(_ request: Request, _ context: KioskRequestContext) async throws -> Response {
        let station = try context.signedStation()
        let text = context.parameters.get("uuid") ?? ""
        guard let id = UUID(uuidString: text) else {
            throw WireFailure(.badRequest, "\(text) is not a UUID; a record goes to /v1/records/{its id}")
        }
        let body = try await request.body.collect(upTo: CentralServer.maximumRecordBytes)
        let upload: SessionUpload
        do {
            upload = try WireCoding.decoder().decode(SessionUpload.self, from: Data(body.readableBytesView))
        } catch {
            throw WireFailure(.badRequest, "the body is not a SessionUpload in JSON: \(error)")
        }
        guard upload.id == id else {
            throw WireFailure(.badRequest, "the record's id \(upload.id.uuidString.lowercased()) differs from the path's \(text.lowercased())")
        }
        let stored: Bool
        do {
            stored = try await store.acceptRecord(upload, from: station, at: now())
        } catch {
            if case let .conflict(id) = error {
                context.logger.warning("record conflict: station \(station.id) (\(station.name), \(station.school)) sent \(id.uuidString.lowercased()) with other content than held; the held record is kept")
            }
            throw error
        }
        return JSONAnswer.response(stored ? .created : .ok, UploadReceipt(key: id.uuidString.lowercased(), stored: stored))
    }

    /// `cursor` (default 0) and `limit` (default and most `CentralServer.maximumPageSize`).
    private func pageParameters(_ request: Request) throws -> (cursor: Int64, limit: Int) {
        let query = request.uri.queryParameters
        let cursorText = query["cursor"].map(String.init) ?? "0"
        let limitText = query["limit"].map(String.init) ?? String(CentralServer.maximumPageSize)
        guard let cursor = Int64(cursorText), cursor >= 0 else {
            throw WireFailure(.badRequest, "cursor \"\(cursorText)\" is not a whole number ≥ 0; give the cursor of the last page (0 for all)")
        }
        guard let limit = Int(limitText), (1...CentralServer.maximumPageSize).contains(limit) else {
            throw WireFailure(.badRequest, "limit \"\(limitText)\" is not between 1 and \(CentralServer.maximumPageSize)")
        }
        return (cursor, limit)
    }

    private func photoHash(_ context: KioskRequestContext) throws -> String {
        let text = context.parameters.get("sha256") ?? ""
        guard text.count == 64, text.allSatisfy(\.isHexDigit) else {
            throw WireFailure(.badRequest, "\"\(text)\" is not a SHA-256 in 64 hex digits; a photo goes to /v1/photos/{its sha256}")
        }
        return text.lowercased()
    }
}
