import ArgumentParser
import Foundation
import StationStore

/// The station store's folder for the operator's record commands: the settings file's
/// `store` section (`--config`), with `--store` laid over its folder.
struct StoreOption: ParsableArguments {
    @OptionGroup var settingsFile: SettingsOption

    @Option(help: "The station store's folder (the database, photos/ and set-aside/; default: the settings file's store.folder, station-store).")
    var store: String?

    /// The settings file's store section with `--store`'s folder; a settings file that
    /// cannot be used ends the command with status 2 and the loader's message.
    var settings: StoreSettings {
        get throws {
            var settings = try settingsFile.load(failing: 2).store
            if let store { settings.folder = store }
            return settings
        }
    }

    /// Opens the store, which must exist already (a store is made by `kiosk roster import`):
    /// a command that only reads or removes never makes an empty one by mistake. Any
    /// problem ends the command with status 2 and the store's message.
    func openExisting() throws -> StationStore {
        let store = try settings.folder
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: store, isDirectory: &isFolder), !isFolder.boolValue {
            throw CommandFailure(status: 2, "--store \(store) is a file, not a store folder; give the station store's folder")
        }
        guard FileManager.default.fileExists(atPath: "\(store)/\(StationStore.databaseName)") else {
            throw CommandFailure(status: 2, "no station store in \(store) (no \(StationStore.databaseName) there); "
                + "give --store (or the settings file's store.folder) with the station's store folder, "
                + "or make one with kiosk roster import FILE.csv")
        }
        return try open()
    }

    /// Opens the store, making it when missing; status 2 with the store's message on failure.
    func open() throws -> StationStore {
        let settings = try settings
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
