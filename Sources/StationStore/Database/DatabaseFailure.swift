import FileOutput
import GRDB

extension StoreError {
    /// A database failure in the store's words: a full disk and a read-only file as the file
    /// errors say them, a damaged file as damaged, anything else with SQLite's message.
    init(folder: String, database error: any Error) {
        guard let error = error as? DatabaseError else {
            self.init(folder: folder, .database(detail: "\(error)"))
            return
        }
        let file = NamedPath("\(folder)/\(StationStore.databaseName)")
        switch error.resultCode {
        case .SQLITE_FULL:
            self.init(folder: folder, .files(FileOutputError(file, .diskFull)))
        case .SQLITE_READONLY:
            self.init(folder: folder, .files(FileOutputError(file, .readOnly)))
        case .SQLITE_PERM, .SQLITE_AUTH:
            self.init(folder: folder, .files(FileOutputError(file, .permissionDenied)))
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self.init(folder: folder, .databaseDamaged(detail: error.message ?? "SQLite error \(error.resultCode.rawValue)"))
        default:
            self.init(folder: folder, .database(detail: "\(error.message ?? "error") (SQLite \(error.extendedResultCode.rawValue))"))
        }
    }
}

extension DatabasePool {
    /// `write` with failures in the store's words (`folder` names the store).
    func write<T>(folder: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(folder: folder, database: error)
        }
    }

    /// `read` with failures in the store's words.
    func read<T>(folder: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(folder: folder, database: error)
        }
    }
}
