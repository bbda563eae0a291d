import CentralStore
import CentralStorePostgres
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KioskProgram
import SyncWire
import Testing

@Suite("kiosk-server's commands on PostgreSQL (the built program, --postgres and --postgres-password-file)",
       .enabled(if: TestPostgres.isConfigured || TestPostgres.isRequired, TestPostgres.disabledReason))
struct KioskServerPostgresTests {
    static let program = ServerProgram.path

    /// The options that name `database` with the test server's password file.
    func storeOptions(_ database: PostgresLocation) throws -> [String] {
        let passwordFile = try #require(ProcessInfo.processInfo.environment[TestPostgres.passwordFileVariable])
        return ["--postgres", database.description, "--postgres-password-file", passwordFile]
    }

    @Test("station add and roster import keep what they were given in the database; serve opens it and answers on loopback")
    func commands() async throws {
        try await TestPostgres.withDatabase { database in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-server-postgres-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let store = try storeOptions(database)
            let credentials = folder.appendingPathComponent("hall-1.credentials")
            let added = try KioskProgram.output(of: Self.program, ["station", "add", "hall-1", "--school", ServerFixture.north,
                                                                   "--secret-file", credentials.path] + store)
            let roster = folder.appendingPathComponent("roster.csv")
            try Data(ServerFixture.roster.utf8).write(to: roster)
            let imported = try KioskProgram.output(of: Self.program, ["roster", "import", roster.path] + store)
            #expect(imported.contains("4 students added"))
            // Read around the program: the rows themselves.
            #expect(try await TestPostgres.strings("SELECT id FROM station", in: database) == [added.split(separator: "\n").first.map(String.init) ?? ""])
            #expect(try await TestPostgres.strings("SELECT student_number FROM student ORDER BY student_number", in: database)
                == ["N0001", "N0002", "N0003", "S0001"])

            try await ServerProgram.serving(["--host", "127.0.0.1", "--port", "0"] + store) { address in
                let (_, answer) = try await URLSession.shared.data(from: try #require(URL(string: address + SyncAPI.health)))
                #expect((answer as? HTTPURLResponse)?.statusCode == 200)
            }
        }
    }

    @Test("a password file others can read is refused before connecting (64); a missing database is status 2, saying how to make it")
    func refusals() async throws {
        let server = try TestPostgres.server()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-server-postgres-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let open = folder.appendingPathComponent("password")
        try Data("whatever\n".utf8).write(to: open)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: open.path)
        let cases: [(options: [String], status: String, says: String)] = [
            (["--postgres", server.description, "--postgres-password-file", open.path], "status 64", "chmod 600"),
            (try storeOptions(server.database("kiosk_no_such_database")), "status 2", "createdb"),
        ]
        for (options, status, says) in cases {
            do {
                _ = try KioskProgram.output(of: Self.program, ["review", "list"] + options)
                Issue.record("review list with \(options) succeeded")
            } catch {
                #expect("\(error)".contains(status) && "\(error)".contains(says), "\(error)")
            }
        }
    }
}
