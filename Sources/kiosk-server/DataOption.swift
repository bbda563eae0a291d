import ArgumentParser
import CentralStore

/// `--data DIR`: the server's folder (database and photos), made on first use.
struct DataOption: ParsableArguments {
    @Option(help: ArgumentHelp("The server's data folder: its database and the photos. Made when missing.", valueName: "folder"))
    var data: String

    /// The store in the folder; a folder that cannot be used fails with status 2.
    func open() throws -> SQLiteCentralStore {
        do {
            return try SQLiteCentralStore(folder: data)
        } catch {
            throw CommandFailure(status: 2, "cannot use the data folder \(data): \(error)")
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
}
