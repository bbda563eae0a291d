import CentralStore
import Foundation
import PostgresNIO

/// Where the PostgreSQL back end lives: the server, the user, the database and whether to
/// speak TLS, from a `postgres://USER@HOST:PORT/DATABASE?sslmode=MODE` URL, and the user's
/// password from a file (`PostgresPasswordFile`), never from the URL: a URL is given on the
/// command line, where every user of the machine can read it (`ps`) and the shell keeps it.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// How the connection is protected, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP (a server on the same machine or a trusted network).
        case disable
        /// TLS when the server offers it, plain TCP otherwise (libpq's default).
        case prefer
        /// TLS or no connection, the server's certificate checked against the system's roots.
        case require
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// The user's password; nil when the server lets the user in without one (`trust`, `peer`).
    public var password: String?

    public init(host: String, port: Int = 5432, user: String, database: String, tls: TLSMode = .prefer, password: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.tls = tls
        self.password = password
    }

    /// Reads `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]` (also
    /// `postgresql://`), the password from `passwordFile` when given.
    public init(url text: String, passwordFile: String?) throws(CentralStoreError) {
        let example = "e.g. postgres://kiosk@db.example.org:5432/kiosk"
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme.lowercased()) else {
            throw .invalid("\(text) is not a PostgreSQL URL; give postgres://USER@HOST:PORT/DATABASE, \(example)")
        }
        guard url.password == nil else {
            throw .invalid("the PostgreSQL URL carries a password, which the process list and the shell's history would show: "
                + "remove it from the URL and put it in a file only the server's user can read (chmod 600), named with --postgres-password-file")
        }
        guard let user = url.user?.removingPercentEncoding, !user.isEmpty else {
            throw .invalid("the PostgreSQL URL \(text) names no user; give postgres://USER@HOST:PORT/DATABASE, \(example)")
        }
        guard let host = url.host?.removingPercentEncoding, !host.isEmpty else {
            throw .invalid("the PostgreSQL URL \(text) names no host; give postgres://USER@HOST:PORT/DATABASE, \(example)")
        }
        let database = String(url.path.drop(while: { $0 == "/" })).removingPercentEncoding ?? ""
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalid("the PostgreSQL URL \(text) names no database (the path after the port); \(example)")
        }
        var tls = TLSMode.prefer
        for item in url.queryItems ?? [] {
            guard item.name == "sslmode", let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw .invalid("the PostgreSQL URL's \(item.name)=\(item.value ?? "") is not understood; the one option is sslmode="
                    + TLSMode.allCases.map(\.rawValue).joined(separator: "|"))
            }
            tls = mode
        }
        self.init(host: host, port: url.port ?? 5432, user: user, database: database, tls: tls,
                  password: try passwordFile.map(PostgresPasswordFile.read))
    }

    /// The same server and user, another database (the tests' and the benchmark's fresh ones).
    public func database(_ name: String) -> PostgresLocation {
        var other = self
        other.database = name
        return other
    }

    /// The URL without the password, as messages and logs show it.
    public var description: String {
        let host = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(host):\(port)/\(database)" + (tls == .prefer ? "" : "?sslmode=\(tls.rawValue)")
    }

    /// `host:port`, as the failures name the server.
    var server: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The pool's configuration (the store's queries).
    func clientConfiguration(maximumConnections: Int) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        return configuration
    }

    /// One connection's configuration (opening: the first contact and the migrations).
    func connectionConfiguration() throws(CentralStoreError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        do {
            tls = switch self.tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw .unavailable("cannot set up TLS for \(self): \(error)")
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}
