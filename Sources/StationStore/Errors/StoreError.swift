import FileOutput
import Roster

/// Why the station's store could not do what was asked, in words: what, why, and what to do.
///
/// Every failure that puts a photo at risk (a full or read-only disk, a damaged database,
/// a second station program on the same store) sets `refusesNewSessions`: the station then
/// takes no new student rather than lose one's photo, and says why on screen (`chinese`).
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// A file or folder of the store could not be written (disk full, read-only, permission, …).
        case files(FileOutputError)
        /// The database file is not a database or is damaged.
        case databaseDamaged(detail: String)
        /// The database was made by a newer version of the station program.
        case databaseTooNew(migration: String)
        /// Any other failure of the database, with SQLite's words.
        case database(detail: String)
        /// Another program holds the store (a second `kiosk run`, say).
        case inUse
        /// The roster has no student of this number.
        case unknownStudent(StudentNumber)
        /// The session to save is not whole (no collection code, a payment that does not fit).
        case invalidSession(String)
        /// A roster file was refused (see the rows).
        case roster(RosterImportError)
        /// No outbox entry has this number.
        case unknownOutboxEntry(Int64)
        /// The server sent something the store cannot take (a roster row or a decision that
        /// does not parse); nothing of its page was kept.
        case serverData(String)
    }

    /// The store's folder.
    public var folder: String
    public var reason: Reason

    public init(folder: String, _ reason: Reason) {
        self.folder = folder
        self.reason = reason
    }

    /// Whether the station must stop taking new students until an operator fixes this.
    public var refusesNewSessions: Bool {
        switch reason {
        case .files, .databaseDamaged, .databaseTooNew, .database, .inUse: true
        case .unknownStudent, .invalidSession, .roster, .unknownOutboxEntry, .serverData: false
        }
    }

    public var description: String {
        let stop = refusesNewSessions ? " The station takes no new sessions until this is fixed." : ""
        switch reason {
        case let .files(error):
            return "station store \(folder): \(error).\(stop)"
        case let .databaseDamaged(detail):
            return "station store \(folder): the database \(StationStore.databaseName) is damaged (\(detail)); "
                + "keep the whole folder as it is and copy it elsewhere before anything else, then start the station "
                + "with a new store folder: the photos already saved stay in \(StationStore.blobFolderName)/.\(stop)"
        case let .databaseTooNew(migration):
            return "station store \(folder): the database was written by a newer station program (it has the step "
                + "\"\(migration)\", unknown here); run that version, or a newer one.\(stop)"
        case let .database(detail):
            return "station store \(folder): the database failed (\(detail)); check the disk and the folder's permissions.\(stop)"
        case .inUse:
            return "station store \(folder) is in use by another station program; stop that one first (one program per store).\(stop)"
        case let .unknownStudent(number):
            return "no student \(number) in the station's roster; import the roster (kiosk roster import FILE.csv)"
        case let .invalidSession(problem):
            return "cannot save the session: \(problem)"
        case let .roster(error):
            return "cannot import the roster: \(error)"
        case let .unknownOutboxEntry(sequence):
            return "no outbox entry \(sequence) in \(folder)"
        case let .serverData(problem):
            return "the server sent what the station cannot take (\(problem)); nothing of that page was kept: "
                + "tell the centre's administrator"
        }
    }

    /// What the student's screen says.
    public var chinese: String {
        switch reason {
        case let .files(error): "本机存储故障（\(error.reason.chinese)），暂停拍照，请联系工作人员"
        case .databaseDamaged, .databaseTooNew, .database: "本机数据库故障，暂停拍照，请联系工作人员"
        case .inUse: "本机存储正被另一程序使用，暂停拍照，请联系工作人员"
        case .unknownStudent: "学号或身份证后四位不正确"
        case .invalidSession, .roster, .unknownOutboxEntry, .serverData: "保存失败，请联系工作人员"
        }
    }
}
