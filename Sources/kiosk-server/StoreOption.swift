import ArgumentParser
import CentralStore
import CentralStorePostgres
import Logging

/// Where the server keeps its data, for every command that opens it: `--data DIR` (SQLite
/// and the photos' files in one folder, made on first use: the default, no set-up) or
/// `--postgres URL` (a PostgreSQL database, its password from `--postgres-password-file`).
struct StoreOption: ParsableArguments {
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
        switch (data, postgres) {
        case (nil, nil): throw ValidationError("say where the data is kept: --data DIR (SQLite and the photos' files) or --postgres URL")
        case (.some, .some): throw ValidationError("give --data or --postgres, not both")
        default: break
        }
        if postgresPasswordFile != nil, postgres == nil {
            throw ValidationError("--postgres-password-file goes with --postgres")
        }
    }

    /// Runs `body` on the opened store and closes it afterwards. A store that cannot be used
    /// fails with status 2, a URL or password file that is not valid with 64.
    func withStore<T>(logger: Logger = Logger(label: "kiosk-server.store"), _ body: (any CentralStore) async throws -> T) async throws -> T {
        guard let postgres else { return try await body(try openFolder()) }
        let store: PostgresCentralStore
        do {
            store = try await PostgresCentralStore(location: PostgresLocation(url: postgres, passwordFile: postgresPasswordFile), logger: logger)
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

    private func openFolder() throws -> SQLiteCentralStore {
        let folder = data ?? ""
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
