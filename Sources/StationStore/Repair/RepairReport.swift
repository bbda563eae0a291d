/// What start-up repair found in the store and what it did, for the operator's screen and
/// the log. Nothing is dropped silently: every file removed or moved is listed here and in
/// the database's `repairEvent` table.
public struct RepairReport: Sendable, Hashable, CustomStringConvertible {
    /// Why a file was moved to `set-aside/`.
    public enum SetAsideReason: String, Sendable, Hashable {
        /// A photo file no record names: a crash came between the file and the commit.
        case orphan
        /// A name the store never writes.
        case unknownName = "unknown-name"
        /// A photo file whose bytes no longer match its hash.
        case damaged
    }

    public struct SetAside: Sendable, Hashable {
        /// The name it had in `photos/`.
        public var name: String
        /// The name it has in `set-aside/`.
        public var setAsideName: String
        public var reason: SetAsideReason
    }

    /// A saved photo whose file is not whole: its record stays, flagged, for the operator.
    public struct PhotoProblem: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable {
            case missing
            case damaged
        }

        public var photoId: Int64
        public var kind: Kind
        /// `spec` or `source`.
        public var photoKind: String
        public var receiptCode: String
        public var studentNumber: String
        public var sha256: String
    }

    /// Temporary files of writes a crash interrupted (never renamed, so no record names them).
    public var temporaryFilesRemoved: [String] = []
    public var filesSetAside: [SetAside] = []
    /// Problems found this time (ones found before are in the records already).
    public var photoProblems: [PhotoProblem] = []
    /// Photo files whose bytes were checked against their hash.
    public var photosVerified = 0

    /// Whether nothing needed doing.
    public var isClean: Bool { temporaryFilesRemoved.isEmpty && filesSetAside.isEmpty && photoProblems.isEmpty }

    public var description: String {
        var lines = ["start-up repair: \(photosVerified) photo files verified"]
        if !temporaryFilesRemoved.isEmpty {
            lines.append("removed \(temporaryFilesRemoved.count) temporary files of interrupted writes")
        }
        for file in filesSetAside {
            lines.append("moved photos/\(file.name) to \(StationStore.setAsideFolderName)/\(file.setAsideName) (\(file.reason.rawValue))")
        }
        for problem in photoProblems {
            lines.append("the \(problem.photoKind) photo of session \(problem.receiptCode) (student \(problem.studentNumber)) is "
                + (problem.kind == .missing ? "missing" : "damaged")
                + ": photos/\(problem.sha256).jpg; the record is kept and flagged, restore the file from a copy if there is one")
        }
        return lines.joined(separator: "\n")
    }
}
