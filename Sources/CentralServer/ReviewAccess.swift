import CentralStore
import Crypto
import Foundation
import Hummingbird
import SyncWire

/// Who is asking for a review page: HTTP Basic auth against the reviewers the store keeps.
///
/// Basic auth rather than a login form: nothing to keep on the server (no session table, no
/// cookie to steal or expire), the browser asks for the password itself, and scripts use the
/// pages with `curl -u`. It sends the password with every request, so the server is reached
/// over TLS off the local network (docs/review.md). A form's POST also needs the form's token
/// (`Reviewer.formToken`), which another site cannot read.
struct ReviewAccess: Sendable {
    let store: any CentralStore
    /// Passwords checked already: PBKDF2 takes a noticeable time on purpose, and one page
    /// asks for every photo on it.
    let checked = CheckedLogins()

    /// The reviewer whose name and password the request carries; 401 otherwise.
    func reviewer(_ request: Request) async throws -> Reviewer {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else {
            throw ReviewRefusal.unauthorized
        }
        let name = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        guard let held = try await store.reviewer(name: name) else { throw ReviewRefusal.unauthorized }
        let login = SHA256.hash(data: Data("\(name)\0\(password)\0\(held.password)".utf8)).hexString
        if await checked.contains(login) { return held }
        guard held.password.matches(password) else { throw ReviewRefusal.unauthorized }
        await checked.insert(login)
        return held
    }
}

/// Hashes of name, password and stored key that matched (a changed password no longer does).
actor CheckedLogins {
    private var logins: Set<String> = []
    func contains(_ login: String) -> Bool { logins.contains(login) }
    func insert(_ login: String) { logins.insert(login) }
}

/// Why a review page was not served, said in the page's two languages.
struct ReviewRefusal: Error {
    var status: HTTPResponse.Status
    var message: String

    static let unauthorized = ReviewRefusal(status: .unauthorized, message: "请以审核员身份登录。Sign in as a reviewer (kiosk-server reviewer add gives one a password).")

    static func badRequest(_ message: String) -> ReviewRefusal { ReviewRefusal(status: .badRequest, message: message) }

    init(status: HTTPResponse.Status, message: String) {
        self.status = status
        self.message = message
    }

    /// A store's refusal: what the reviewer gave (400), a missing session (404), else 500.
    init(_ error: CentralStoreError) {
        switch error {
        case .invalid, .forbidden: self.init(status: .badRequest, message: error.description)
        case .notFound: self.init(status: .notFound, message: error.description)
        default: self.init(status: .internalServerError, message: error.description)
        }
    }
}
