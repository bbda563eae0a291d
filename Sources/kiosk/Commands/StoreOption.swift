import ArgumentParser
import Foundation
import StationStore

/// `--store`: the station store's folder, for the operator's record commands.
struct StoreOption: ParsableArguments {
    @Option(help: "The station store's folder (the database, photos/ and set-aside/).")
    var store = StoreSettings.standard.folder

    /// The store's settings with this folder.
    var settings: StoreSettings {
        var settings = StoreSettings.standard
        settings.folder = store
        return settings
    }

    /// Opens the store, which must exist already (a store is made by `kiosk roster import`):
    /// a command that only reads or removes never makes an empty one by mistake. Any
    /// problem ends the command with status 2 and the store's message.
    func openExisting() throws -> StationStore {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: store, isDirectory: &isFolder), !isFolder.boolValue {
            throw CommandFailure(status: 2, "--store \(store) is a file, not a store folder; give the station store's folder")
        }
        guard FileManager.default.fileExists(atPath: "\(store)/\(StationStore.databaseName)") else {
            throw CommandFailure(status: 2, "no station store in \(store) (no \(StationStore.databaseName) there); "
                + "give --store with the station's store folder, or make one with kiosk roster import FILE.csv")
        }
        return try open()
    }

    /// Opens the store, making it when missing; status 2 with the store's message on failure.
    func open() throws -> StationStore {
        do {
            return try StationStore(settings: settings)
        } catch {
            throw CommandFailure(status: 2, "\(error)")
        }
    }
}

/// A store error as a command's failure: status 2 (the store could not do it).
func storeFailure(_ error: StoreError) -> CommandFailure {
    CommandFailure(status: 2, "\(error)")
}
