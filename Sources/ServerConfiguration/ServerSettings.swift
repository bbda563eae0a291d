import CentralStorePostgres
import Foundation
import KioskConfiguration
import Logging

/// Everything a school's IT person may set for `kiosk-server serve`, in one JSON5 file
/// (kiosk-config/server.json5), read and checked by the same loader as the station's file:
/// an unknown key, a wrong type or a value out of range is refused with the file, the line
/// and what is allowed.
///
/// A file names only what it changes. The command line wins over the file, and the file over
/// these defaults.
public struct ServerSettings: Codable, Sendable, Hashable {
    /// Where the server takes connections.
    public struct Listen: Codable, Sendable, Hashable {
        /// The address to listen on: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).
        public var host = "127.0.0.1"
        /// The TCP port; 0 lets the system pick a free one.
        public var port = 8080

        public init() {}
    }

    /// Where the data is kept: a folder (SQLite and the photos' files) or a PostgreSQL database.
    public struct Store: Codable, Sendable, Hashable {
        /// The data folder, made on first use; "" when the data is in PostgreSQL (or given on
        /// the command line).
        public var folder = ""
        public var postgres = Postgres()

        public init() {}

        /// Whether the settings say where the data is.
        public var isChosen: Bool { !folder.isEmpty || !postgres.url.isEmpty }
    }

    /// A PostgreSQL database instead of the folder.
    public struct Postgres: Codable, Sendable, Hashable {
        /// postgres://USER@HOST:PORT/DATABASE[?sslmode=…], never with a password; "" for none.
        public var url = ""
        /// The file whose first line is the password (mode 0600); "" to log in without one.
        /// The password itself is never in the settings: they are often readable by more people.
        public var passwordFile = ""

        public init() {}
    }

    /// How much the server logs (to standard error: the journal under systemd).
    public var listen = Listen()
    public var store = Store()
    public var logging = LoggingSettings.standard

    public init() {}

    /// The built-in defaults: loopback, port 8080, no data place (the command line must give one), info.
    public static let standard = ServerSettings()

    /// The file `kiosk-server serve` reads when it is given no `--settings` and this one exists.
    public static let defaultPath = "/etc/photo-kiosk/server.json5"

    /// The file at `path` over the defaults, every value checked.
    public static func load(from path: String) throws(ConfigurationError) -> ServerSettings {
        try ConfigurationFile.load(from: URL(fileURLWithPath: path), defaults: .standard, words: words,
                                   validate: { $0.invalidSetting() })
    }

    /// JSON5 text over the defaults, `file` naming it in errors; checked as `load(from:)` checks a file.
    public static func decode(_ text: String, file: String) throws(ConfigurationError) -> ServerSettings {
        try ConfigurationFile.decode(from: Data(text.utf8), file: file, defaults: .standard, words: words,
                                     validate: { $0.invalidSetting() })
    }

    /// The settings `--settings` names, else the default file when it exists, else the defaults;
    /// with the path read (nil for the defaults), so that the server can say which it used.
    public static func resolve(explicitPath: String?, defaultPath: String = defaultPath) throws(ConfigurationError)
        -> (settings: ServerSettings, path: String?) {
        if let explicitPath { return (try load(from: explicitPath), explicitPath) }
        guard FileManager.default.fileExists(atPath: defaultPath) else { return (.standard, nil) }
        return (try load(from: defaultPath), defaultPath)
    }

    static let words = ["logging.level": LoggingSettings.levels]

    /// What the types cannot say: the port's range, one place for the data, a password file
    /// only with a database.
    func invalidSetting() -> InvalidSetting? {
        if listen.host.trimmingCharacters(in: .whitespaces).isEmpty {
            return InvalidSetting(keyPath: "listen.host", reason: "is empty; give an address such as \"127.0.0.1\" or \"0.0.0.0\"")
        }
        if !(0...65535).contains(listen.port) {
            return InvalidSetting(keyPath: "listen.port", reason: "is \(listen.port); it must be a port from 0 to 65535 (0: any free one)")
        }
        if !store.folder.isEmpty && !store.postgres.url.isEmpty {
            return InvalidSetting(keyPath: "store.postgres.url", reason: "is set as well as store.folder; keep one of them (\"\" for the other)",
                                  relatedKeyPaths: ["store.folder"])
        }
        let url = store.postgres.url
        if !url.isEmpty {
            // PostgresLocation is the one judge of a URL (a password in it included); the
            // password file is read only when the server opens the database.
            do { _ = try PostgresLocation(url: url, passwordFile: nil) } catch {
                return InvalidSetting(keyPath: "store.postgres.url", reason: "is not usable: \(error)")
            }
        }
        if url.isEmpty && !store.postgres.passwordFile.isEmpty {
            return InvalidSetting(keyPath: "store.postgres.passwordFile", reason: "is set but store.postgres.url is not; give the database's url too, or remove it")
        }
        return nil
    }
}
