import CentralStore
@testable import CentralStorePostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// The real PostgreSQL server the tests run against. scripts/test.sh starts a throwaway one
/// (scripts/postgres-test-server.sh) and exports where it is; each fixture gets a database
/// of its own on it, made for the fixture and dropped after.
enum TestPostgres {
    static let urlVariable = "KIOSK_TEST_POSTGRES_URL"
    static let passwordFileVariable = "KIOSK_TEST_POSTGRES_PASSWORD_FILE"

    /// Whether the test server is named in the environment.
    static var isConfigured: Bool { ProcessInfo.processInfo.environment[urlVariable] != nil }

    /// Under CI the PostgreSQL cases run whether or not the server is set, so that a missing
    /// server fails the run instead of skipping what it claims to test.
    static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Why the PostgreSQL cases are off on a developer's machine.
    static let disabledReason: Comment = """
        the PostgreSQL cases are off: \(urlVariable) is not set. Start a throwaway server with \
        eval "$(scripts/postgres-test-server.sh start)" (or run make test, which does), then run the tests again
        """

    /// The test server's maintenance database, where fixtures' databases are made.
    static func server() throws -> PostgresLocation {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment[urlVariable] else {
            throw TestPostgresProblem("\(urlVariable) is not set, and under CI=true the PostgreSQL cases must run: scripts/test.sh starts "
                + "a server with scripts/postgres-test-server.sh and exports it; run the tests through it (make test)")
        }
        return try PostgresLocation(url: url, passwordFile: environment[passwordFileVariable])
    }

    /// A new empty database on the test server.
    static func makeDatabase() async throws -> PostgresLocation {
        let server = try server()
        let name = "kiosk_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await administer { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        return server.database(name)
    }

    /// Runs `body` with a new empty database, dropped afterwards, also when `body` throws.
    static func withDatabase<T>(_ body: (PostgresLocation) async throws -> T) async throws -> T {
        let database = try await makeDatabase()
        do {
            let value = try await body(database)
            try await dropDatabase(database)
            return value
        } catch {
            try? await dropDatabase(database)
            throw error
        }
    }

    /// Drops a database `makeDatabase` made, whoever is still connected to it.
    static func dropDatabase(_ location: PostgresLocation) async throws {
        try await administer { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(location.database) WITH (FORCE)"), logger: logger)
        }
    }

    /// `body` on a connection of its own to the server's maintenance database.
    static func administer<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await PostgresCentralStore.withConnection(to: try server(), logger: logger, body)
    }

    /// The first column of every row `sql` gives in `location`'s database, read on a
    /// connection of the test's own, not the store's.
    static func strings(_ sql: String, in location: PostgresLocation) async throws -> [String] {
        try await PostgresCentralStore.withConnection(to: location, logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect().map { try $0.decode(String.self) }
        }
    }

    static let logger = Logger(label: "central-server-tests.postgres")
}

struct TestPostgresProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
