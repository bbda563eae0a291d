import CentralStore
@testable import CentralStorePostgres
import Foundation
import PostgresNIO
import Testing

@Suite("The PostgreSQL back end on a real server: migrations and the failures an administrator meets",
       .enabled(if: TestPostgres.isConfigured || TestPostgres.isRequired, TestPostgres.disabledReason))
struct PostgresStoreTests {
    static let logger = TestPostgres.logger

    func versions(_ database: PostgresLocation) async throws -> [String] {
        try await TestPostgres.strings("SELECT version::text FROM schema_version ORDER BY version", in: database)
    }

    @Test("a database at schema step 1 (an older kiosk-server) is brought forward at open, its rows kept; two servers opening it at once apply each step once")
    func migratesOlderDatabase() async throws {
        try await TestPostgres.withDatabase { database in
            try await PostgresCentralStore.withConnection(to: database, logger: Self.logger) { connection in
                try await PostgresSchema.migrate(connection, logger: Self.logger, upTo: 1)
                // Rows as the older server wrote them.
                try await connection.query("""
                    INSERT INTO station (id, name, school, secret, created_at) VALUES ('s-1', 'hall-1', 'North High', repeat('ab', 32), now())
                    """, logger: Self.logger)
                try await connection.query("""
                    INSERT INTO student (student_number, school, batch, name, id_tail, review, retake_owed, change_number)
                    VALUES ('N0001', 'North High', '2025', '张三明', '123X', 'accepted', false, 1)
                    """, logger: Self.logger)
                try await connection.query("UPDATE counter SET value = 1 WHERE name = 'student-change'", logger: Self.logger)
            }
            #expect(try await versions(database) == ["1"])
            #expect(try await TestPostgres.strings("SELECT count(*)::text FROM pg_tables WHERE tablename = 'reviewer'", in: database) == ["0"])

            async let first = PostgresCentralStore(location: database, maximumConnections: 2, logger: Self.logger)
            async let second = PostgresCentralStore(location: database, maximumConnections: 2, logger: Self.logger)
            let stores = try await [first, second]
            #expect(try await versions(database) == ["1", "2"])
            let store = stores[0]
            #expect(try await store.station(id: "s-1")?.name == "hall-1")
            #expect(try await store.student(number: "N0001")?.review == .accepted)
            _ = try await store.addReviewer(name: "li.wei", password: "correct horse battery", at: Date())
            #expect(try await stores[1].reviewer(name: "li.wei", password: "correct horse battery") != nil)
            // The change numbers carry on from the older server's.
            _ = try await store.importRoster(csv: "student_number,school,batch,name,id_tail\nN0002,North High,2025,李明,4567\n")
            let changes = try await store.rosterChanges(school: "North High", after: 1, limit: 10)
            #expect(changes.items.map(\.studentNumber) == ["N0002"])
            #expect(changes.cursor == 2)
            for store in stores { await store.close() }
            // Opening again applies nothing.
            let again = try await PostgresCentralStore(location: database, logger: Self.logger)
            await again.close()
            #expect(try await versions(database) == ["1", "2"])
        }
    }

    @Test("a database a newer kiosk-server moved to a step this one does not know is refused, and left as it was")
    func refusesNewerDatabase() async throws {
        try await TestPostgres.withDatabase { database in
            try await PostgresCentralStore(location: database, logger: Self.logger).close()
            try await PostgresCentralStore.withConnection(to: database, logger: Self.logger) { connection in
                _ = try await connection.query("INSERT INTO schema_version (version, name) VALUES (99, 'from a later release')", logger: Self.logger)
            }
            do throws(CentralStoreError) {
                let store = try await PostgresCentralStore(location: database, logger: Self.logger)
                await store.close()
                Issue.record("a database of a newer kiosk-server was opened")
            } catch {
                #expect(error.description.contains("newer kiosk-server"))
            }
            #expect(try await versions(database) == ["1", "2", "99"])
        }
    }

    /// What opening at a location answers; nil when it opens.
    func openingFailure(_ location: PostgresLocation) async -> CentralStoreError? {
        do {
            try await PostgresCentralStore(location: location, logger: Self.logger).close()
            return nil
        } catch {
            return error
        }
    }

    @Test("a wrong password, a missing database, nobody listening: each refused at open, saying what to do")
    func clearFailures() async throws {
        let server = try TestPostgres.server()
        var wrongPassword = server
        wrongPassword.password = "not-the-password"
        let wrong = try #require(await openingFailure(wrongPassword))
        #expect(wrong.description.contains("refused user \(server.user)") && wrong.description.contains("password file"))

        var noPassword = server
        noPassword.password = nil
        let none = try #require(await openingFailure(noPassword))
        #expect(none.description.contains("--postgres-password-file"))

        let missing = try #require(await openingFailure(server.database("kiosk_no_such_database")))
        #expect(missing.description.contains("kiosk_no_such_database does not exist") && missing.description.contains("createdb"))

        // Port 1 on loopback: nothing listens there.
        var closed = server
        closed.port = 1
        let unreachable = try #require(await openingFailure(closed))
        #expect(unreachable.description.contains("nothing answers at \(server.host):1"))
        for failure in [wrong, none, missing, unreachable] {
            guard case .unavailable = failure else { Issue.record("\(failure) is not .unavailable"); continue }
        }
    }
}
