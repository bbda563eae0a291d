import CentralStore
import CentralStorePostgres
import Foundation
import Testing

@Suite("Where the PostgreSQL store is: the URL, and the password from a file only its owner reads")
struct PostgresLocationTests {
    /// A file with `text` and permissions `mode` in a new temporary folder.
    func file(_ text: String, mode: Int) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("postgres-location-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("password")
        try Data(text.utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file.path)
        return file
    }

    @Test("the URL's parts; the password is the file's first line")
    func parses() throws {
        let password = try file("s3cret pass\nsecond line\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(at: password.deletingLastPathComponent()) }
        let location = try PostgresLocation(url: "postgresql://kiosk@db.example.org:6543/central?sslmode=require", passwordFile: password.path)
        #expect(location == PostgresLocation(host: "db.example.org", port: 6543, user: "kiosk", database: "central", tls: .require,
                                             password: "s3cret pass"))
        #expect(location.description == "postgres://kiosk@db.example.org:6543/central?sslmode=require")
        let plain = try PostgresLocation(url: "postgres://kiosk@localhost/central", passwordFile: nil)
        #expect(plain.port == 5432 && plain.tls == .prefer && plain.password == nil)
    }

    @Test("a password in the URL, a password file others can read, an empty one, a URL without a database: refused, saying what to do")
    func refused() throws {
        let open = try file("s3cret\n", mode: 0o644)
        let empty = try file("\n", mode: 0o600)
        defer {
            try? FileManager.default.removeItem(at: open.deletingLastPathComponent())
            try? FileManager.default.removeItem(at: empty.deletingLastPathComponent())
        }
        let cases: [(url: String, file: String?, says: String)] = [
            ("postgres://kiosk:s3cret@localhost/central", nil, "--postgres-password-file"),
            ("postgres://kiosk@localhost/central", open.path, "chmod 600"),
            ("postgres://kiosk@localhost/central", empty.path, "no password on its first line"),
            ("postgres://kiosk@localhost/central", "/nonexistent/password", "cannot be read"),
            ("postgres://kiosk@localhost", nil, "names no database"),
            ("postgres://localhost/central", nil, "names no user"),
            ("postgres://kiosk@localhost/central?sslmode=maybe", nil, "sslmode=disable|prefer|require"),
            ("mysql://kiosk@localhost/central", nil, "not a PostgreSQL URL"),
        ]
        for (url, passwordFile, says) in cases {
            do {
                _ = try PostgresLocation(url: url, passwordFile: passwordFile)
                Issue.record("\(url) with \(passwordFile ?? "no password file") was taken")
            } catch {
                #expect(error.description.contains(says), "\(url): \(error)")
                #expect(!error.description.contains("s3cret"), "the message shows the password")
            }
        }
    }
}
