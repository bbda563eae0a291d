#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import StationStore

/// The store's folder: there (or possible to make), writable, with the free space the
/// station asks for before each student (`store.minimumFreeMegabytes`).
public enum StoreFolderCheck {
    public static func run(_ settings: StoreSettings) -> Finding {
        let folder = URL(fileURLWithPath: settings.folder).standardizedFileURL.path
        let id = "store-folder"
        var existing = folder
        while !FileManager.default.fileExists(atPath: existing) {
            existing = (existing as NSString).deletingLastPathComponent
        }
        var info = statvfs()
        guard statvfs(existing, &info) == 0 else {
            return Finding(id: id, level: .failure, what: "store folder \(folder): cannot be looked at (\(String(cString: strerror(errno))))",
                           fix: "check that the disk holding it is plugged in, or set store.folder in the settings file")
        }
        if info.f_flag & UInt(ST_RDONLY) != 0 {
            return Finding(id: id, level: .failure, what: "store folder \(folder): the disk is read-only",
                           fix: "the system switched the disk to read-only, usually after a disk fault: restart the station "
                               + "box; if it happens again, the disk needs checking or replacing (call the school's IT)")
        }
        if access(existing, W_OK) != 0 {
            return Finding(id: id, level: .failure, what: "store folder \(folder): this user may not write in \(existing)",
                           fix: "give the station's user the folder: `sudo mkdir -p \(folder) && sudo chown -R kiosk: \(folder)` "
                               + "(kiosk: the user the station runs as), or set store.folder in the settings file")
        }
        let freeMegabytes = Int64(info.f_bavail) * Int64(info.f_frsize) / 1_000_000
        if freeMegabytes < Int64(settings.minimumFreeMegabytes) {
            return Finding(id: id, level: .failure,
                           what: "store folder \(folder): \(freeMegabytes) MB free, the station needs \(settings.minimumFreeMegabytes) MB "
                               + "and takes no student below that",
                           fix: "make room on that disk: `kiosk purge` removes the photos the server has confirmed; "
                               + "delete other large files there, or use a larger disk")
        }
        if existing != folder {
            return Finding(id: id, level: .warning, what: "store folder \(folder): not there yet (\(freeMegabytes) MB free)",
                           fix: "the station makes it when it first starts; if the folder should be elsewhere, set store.folder in the settings file")
        }
        return .ok(id, "store folder \(folder): writable, \(freeMegabytes) MB free (at least \(settings.minimumFreeMegabytes) needed)")
    }
}
