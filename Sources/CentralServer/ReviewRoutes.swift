import CentralStore
import Foundation
import Hummingbird
import Logging

/// The reviewers' pages under `/review` (docs/review.md): the list of sessions awaiting
/// review, a decision per session by form POST, the photos, and the school export. Every
/// route asks `ReviewAccess` first; every refusal is an HTML page.
struct ReviewRoutes: Sendable {
    let store: any CentralStore
    let now: @Sendable () -> Date
    let access: ReviewAccess

    init(store: any CentralStore, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
        access = ReviewAccess(store: store)
    }

    static func photoPath(_ sha256: String) -> String { "/review/photos/\(sha256)" }

    static func decisionPath(_ id: UUID, accept: Bool) -> String {
        "/review/sessions/\(id.uuidString.lowercased())/\(accept ? "accept" : "reject")"
    }

    static func exportPath(_ batch: SchoolBatch) -> String {
        var components = URLComponents()
        components.path = "/review/export"
        components.queryItems = [URLQueryItem(name: "school", value: batch.school), URLQueryItem(name: "batch", value: batch.batch)]
        // `+` means a space in a query; URLComponents leaves it as it is.
        return components.string?.replacingOccurrences(of: "+", with: "%2B") ?? "/review/export"
    }

    /// Registers the routes on `router` (before the stations' signature check, which they do not pass).
    func register(on router: Router<KioskRequestContext>) {
        let group = router.group("review").add(middleware: ReviewRefusalPage())
        group.get("", use: signedIn(list))
        group.get("photos/:sha256", use: signedIn(photo))
        group.post("sessions/:id/accept", use: signedIn { try await decide($0, $1, $2, accept: true) })
        group.post("sessions/:id/reject", use: signedIn { try await decide($0, $1, $2, accept: false) })
        group.get("export", use: signedIn(export))
    }

    /// The handler behind the reviewer's sign-in: the one place every route checks it.
    private func signedIn(_ handler: @escaping @Sendable (Reviewer, Request, KioskRequestContext) async throws -> Response)
        -> @Sendable (Request, KioskRequestContext) async throws -> Response {
        { request, context in try await handler(try await access.reviewer(request), request, context) }
    }

    private func list(_ reviewer: Reviewer, _ request: Request, _ context: KioskRequestContext) async throws -> Response {
        let page = try await ReviewPage.build(for: reviewer, store: store)
        return Self.html(.ok, page.html)
    }

    private func photo(_ reviewer: Reviewer, _ request: Request, _ context: KioskRequestContext) async throws -> Response {
        let sha256 = (context.parameters.get("sha256") ?? "").lowercased()
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit), let bytes = try await store.photo(sha256: sha256) else {
            throw ReviewRefusal(status: .notFound, message: "没有这张照片。The server holds no photo \(sha256).")
        }
        // Content-addressed: the bytes under a name never change.
        return Response(status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=31536000, immutable"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func decide(_ reviewer: Reviewer, _ request: Request, _ context: KioskRequestContext, accept: Bool) async throws -> Response {
        let text = context.parameters.get("id") ?? ""
        guard let id = UUID(uuidString: text) else { throw ReviewRefusal(status: .notFound, message: "\(text) is not a session id") }
        let body = try await request.body.collect(upTo: 64 * 1024)
        let form = try? URLEncodedFormDecoder().decode(DecisionForm.self, from: String(buffer: body))
        guard let form, reviewer.acceptsFormToken(form.csrf, session: id) else {
            throw ReviewRefusal(status: .forbidden, message: "表单已过期或不是本页提交的:请重新打开审核列表。"
                + "The form's token is missing or not this page's: reload the review list and decide again.")
        }
        let decision = try await store.decide(session: id, accept: accept, reason: form.reason, at: now())
        context.logger.info("reviewer \(reviewer.name) \(decision.review.rawValue) session \(id.uuidString.lowercased()) of student \(decision.studentNumber)")
        // After a POST, a GET: reloading the list does not send the decision again.
        return Response(status: .seeOther, headers: [.location: "/review"])
    }

    private func export(_ reviewer: Reviewer, _ request: Request, _ context: KioskRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let school = query["school"].map(String.init), let batch = query["batch"].map(String.init), !school.isEmpty, !batch.isEmpty else {
            throw ReviewRefusal.badRequest("请给出学校和批次。Give the school and the batch: /review/export?school=S&batch=B")
        }
        let (zip, photos) = try await ReviewExport.archive(school: school, batch: batch, store: store)
        context.logger.info("reviewer \(reviewer.name) exported \(photos) photos of \(school) / \(batch)")
        let fileName = "\(school)-\(batch).zip"
        let ascii = String(fileName.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ascii
        return Response(status: .ok, headers: [.contentType: "application/zip",
                                               .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: zip)))
    }

    static func html(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A decision form: the token, and the reason for a rejection.
struct DecisionForm: Decodable {
    var csrf: String
    var reason: String?
}

/// Every refusal under `/review` as an HTML page; a 401 asks the browser for the password.
struct ReviewRefusalPage: RouterMiddleware {
    typealias Context = KioskRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let refusal: ReviewRefusal
        do {
            return try await next(request, context)
        } catch let error as ReviewRefusal {
            refusal = error
        } catch let error as CentralStoreError {
            refusal = ReviewRefusal(error)
            if refusal.status == .internalServerError { context.logger.error("\(request.method) \(request.uri.path): \(error)") }
        } catch let error as HTTPResponseError {
            refusal = ReviewRefusal(status: error.status, message: "\(error)")
        }
        var response = ReviewRoutes.html(refusal.status, ReviewPage.refusal(refusal))
        if refusal.status == .unauthorized {
            response.headers[.wwwAuthenticate] = "Basic realm=\"kiosk-server review\", charset=\"UTF-8\""
        }
        return response
    }
}
