import ArgumentParser
import CentralStore
import CentralStorePostgres
import Logging
import ServerConfiguration

/// Where the server keeps its data, for every command that opens it: `--data DIR` (SQLite
/// and the photos' files in one folder, made on first use: the default, no set-up) or
/// `--postgres URL` (a PostgreSQL database, its password from `--postgres-password-file`),
/// else the `store` section of the settings file (`--settings FILE`, or
/// `ServerSettings.defaultPath` when it exists).
struct StoreOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The server's settings file (JSON5, see kiosk-config/server.json5). Without it, \(ServerSettings.defaultPath) "
            + "when that exists, else the built-in defaults. Options given here win over the file.",
        valueName: "file"))
    var settings: String?

    @Option(help: ArgumentHelp("The server's data folder: its SQLite database and the photos. Made when missing.", valueName: "folder"))
    var data: String?

    @Option(help: ArgumentHelp(
        "Keep the data in PostgreSQL instead of a data folder: postgres://USER@HOST:PORT/DATABASE, optionally "
            + "?sslmode=disable|prefer|require (default prefer). The tables are made, or brought up to date, on first use. "
            + "The password is never part of the URL: see --postgres-password-file.",
        valueName: "url"))
    var postgres: String?

    @Option(help: ArgumentHelp(
        "With --postgres: the file whose first line is the PostgreSQL user's password, readable by its owner only "
            + "(chmod 600; a file others can read is refused). Without it the server logs in with no password.",
        valueName: "file"))
    var postgresPasswordFile: String?

    func validate() throws {
        if data != nil, postgres != nil { throw ValidationError("give --data or --postgres, not both") }
    }

    /// The settings file's values (exit 64 naming the file, line and key when it is not
    /// valid), the store options of the command line laid over its `store` section; with the
    /// file read (nil: the built-in defaults).
    func resolvedSettings() throws -> (settings: ServerSettings, file: String?) {
        var resolved: ServerSettings
        let file: String?
        do {
            (resolved, file) = try ServerSettings.resolve(explicitPath: settings)
        } catch {
            throw CommandFailure(status: 64, "\(error)")
        }
        // A place given on the command line replaces the file's place as a whole: a folder
        // there and a database here would otherwise both be set.
        if let data {
            resolved.store = .init()
            resolved.store.folder = data
        }
        if let postgres {
            resolved.store = .init()
            resolved.store.postgres.url = postgres
        }
        if let postgresPasswordFile { resolved.store.postgres.passwordFile = postgresPasswordFile }
        guard resolved.store.isChosen else {
            throw CommandFailure(status: 64, "say where the data is kept: --data DIR (SQLite and the photos' files), --postgres URL, "
                + "or store.folder or store.postgres.url in the settings file (--settings FILE, default \(ServerSettings.defaultPath))")
        }
        if resolved.store.postgres.url.isEmpty, !resolved.store.postgres.passwordFile.isEmpty {
            throw CommandFailure(status: 64, "--postgres-password-file goes with --postgres")
        }
        return (resolved, file)
    }

    /// Runs `body` on the opened store and closes it afterwards. A store that cannot be used
    /// fails with status 2, a URL or password file that is not valid with 64.
    func withStore<T>(logger: Logger = Logger(label: "kiosk-server.store"), _ body: (any CentralStore) async throws -> T) async throws -> T {
        try await Self.withStore(try resolvedSettings().settings.store, logger: logger, body)
    }

    /// Runs `body` on the store `place` names, as `withStore(logger:_:)` does.
    static func withStore<T>(_ place: ServerSettings.Store, logger: Logger, _ body: (any CentralStore) async throws -> T) async throws -> T {
        guard !place.postgres.url.isEmpty else { return try await body(try openFolder(place.folder)) }
        let store: PostgresCentralStore
        do {
            let passwordFile = place.postgres.passwordFile.isEmpty ? nil : place.postgres.passwordFile
            store = try await PostgresCentralStore(location: PostgresLocation(url: place.postgres.url, passwordFile: passwordFile), logger: logger)
        } catch {
            throw CommandFailure(status: error.isInvalid ? 64 : 2, "cannot use the PostgreSQL database: \(error)")
        }
        do {
            let value = try await body(store)
            await store.close()
            return value
        } catch {
            await store.close()
            throw error
        }
    }

    private static func openFolder(_ folder: String) throws -> SQLiteCentralStore {
        do {
            return try SQLiteCentralStore(folder: folder)
        } catch {
            throw CommandFailure(status: 2, "cannot use the data folder \(folder): \(error)")
        }
    }
}

extension CentralStoreError {
    /// A store's refusal as a command's failure: 1 for what the operator gave, 2 for the store.
    var commandFailure: CommandFailure {
        switch self {
        case .unavailable, .insufficientStorage: CommandFailure(status: 2, description)
        default: CommandFailure(status: 1, description)
        }
    }

    fileprivate var isInvalid: Bool {
        if case .invalid = self { true } else { false }
    }
}
