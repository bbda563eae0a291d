import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KioskConfiguration
import KioskProgram
import ServerConfiguration
import SyncWire
import Testing

@Suite("kiosk-server's settings file (kiosk-config/server.json5)")
struct ServerSettingsTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("kiosk-config/server.json5").path
    static let program = ServerProgram.path

    @Test("the documented example loads, and says what a deployment needs: every interface, the state folder")
    func exampleLoads() throws {
        let settings = try ServerSettings.load(from: Self.example)
        #expect(settings.listen.host == "0.0.0.0")
        #expect(settings.listen.port == 8080)
        #expect(settings.store.folder == "/var/lib/kiosk-server")
        #expect(settings.store.postgres.url.isEmpty)
        #expect(settings.logging.logLevel == .info)
    }

    @Test("an empty file is the built-in defaults")
    func emptyIsDefaults() throws {
        #expect(try ServerSettings.decode("{}", file: "server.json5") == .standard)
        #expect(!ServerSettings.standard.store.isChosen)
    }

    @Test("a mistake is refused with the file, the line of the key and what is allowed",
          arguments: [
              ("{\n  listen: {\n    prot: 80,\n  },\n}", 3, "unknown setting 'listen.prot'; did you mean 'port'?"),
              ("{\n  listen: {\n    port: \"80\",\n  },\n}", 3, "'listen.port' must be a whole number"),
              ("{\n  listen: {\n    port: 70000,\n  },\n}", 3, "'listen.port' is 70000; it must be a port from 0 to 65535"),
              ("{\n  logging: {\n    level: \"loud\",\n  },\n}", 3, "'logging.level' must be \"trace\", \"debug\""),
              ("{\n  store: {\n    folder: \"/srv/kiosk\",\n    postgres: { url: \"postgres://kiosk@db/kiosk\" },\n  },\n}", 4,
               "'store.postgres.url' is set as well as store.folder"),
              ("{\n  store: {\n    postgres: {\n      url: \"postgres://kiosk:secret@db/kiosk\",\n    },\n  },\n}", 4,
               "the PostgreSQL URL carries a password"),
              ("{\n  store: {\n    postgres: {\n      passwordFile: \"/etc/photo-kiosk/db-password\",\n    },\n  },\n}", 4,
               "'store.postgres.passwordFile' is set but store.postgres.url is not"),
          ])
    func mistakeNamesTheLine(text: String, line: Int, words: String) {
        #expect {
            try ServerSettings.decode(text, file: "server.json5")
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("server.json5:\(line):") && message.contains(words)
        }
    }

    @Test("a file named with --settings but missing is an error; the default file is read only when it exists")
    func resolution() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("server-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let absent = folder.appendingPathComponent("server.json5").path
        #expect(throws: ConfigurationError.self) { try ServerSettings.resolve(explicitPath: absent) }
        let defaults = try ServerSettings.resolve(explicitPath: nil, defaultPath: absent)
        #expect(defaults.settings == .standard && defaults.path == nil)
        try Data("{ listen: { port: 9090 } }".utf8).write(to: URL(fileURLWithPath: absent))
        let read = try ServerSettings.resolve(explicitPath: nil, defaultPath: absent)
        #expect(read.settings.listen.port == 9090 && read.path == absent)
    }

    @Test("kiosk-server serve exits 64 on a wrong settings file, naming the file and line, before it opens any store")
    func serveRefusesTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("server-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("server.json5")
        let data = folder.appendingPathComponent("data")
        try Data("{\n  store: { folder: \"\(data.path)\" },\n  listen: { port: -1 },\n}\n".utf8).write(to: file)
        #expect {
            try KioskProgram.output(of: Self.program, ["serve", "--settings", file.path])
        } throws: { error in
            let message = "\(error)"
            return message.contains("status 64") && message.contains("\(file.path):3:") && message.contains("'listen.port' is -1")
        }
        #expect(!FileManager.default.fileExists(atPath: data.path))
    }

    @Test("kiosk-server serve keeps its data where the file says, and the command line's --host and --port win over the file's")
    func serveUsesTheFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("server-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("server.json5")
        let data = folder.appendingPathComponent("data")
        // 192.0.2.1 is a documentation address no machine has: serving there would fail.
        try Data("{ listen: { host: \"192.0.2.1\", port: 1 }, store: { folder: \"\(data.path)\" }, logging: { level: \"error\" } }".utf8)
            .write(to: file)
        try await ServerProgram.serving(["--settings", file.path, "--host", "127.0.0.1", "--port", "0"]) { address in
            #expect(address.hasPrefix("http://127.0.0.1:"))
            let (_, answer) = try await URLSession.shared.data(from: try #require(URL(string: address + SyncAPI.health)))
            #expect((answer as? HTTPURLResponse)?.statusCode == 200)
        }
        #expect(FileManager.default.fileExists(atPath: data.path))
    }
}
