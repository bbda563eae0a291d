#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be written, said in words: the file, the reason, and what to do.
///
/// Every output the station writes fails with this error, so that no caller prints a
/// Foundation error dump and every message names the path the operator typed.
public struct FileOutputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, as the operator can act on it.
    public enum Reason: Equatable, Sendable {
        /// The disk has no space left (or the user's quota is used up).
        case diskFull
        /// The file system is mounted read-only.
        case readOnly
        /// The folder does not let this user create files.
        case permissionDenied
        /// The folder the file goes in does not exist.
        case folderMissing(folder: String)
        /// A part of the path that must be a folder is a file.
        case notAFolder(path: String)
        /// The output names an existing folder, not a file.
        case isFolder
        /// The output exists and is a device, FIFO or socket: replacing it would be wrong.
        case notRegularFile
        /// The output is the same file as an input (`other` as the command line named it).
        case sameAsInput(other: NamedPath)
        /// The output folder is the same folder as an input (a recording into the one replayed).
        case sameFolderAsInput(other: NamedPath)
        /// The output is the same file as another output of the same command.
        case sameAsOutput(other: NamedPath)
        /// Less free space than the caller needs before it starts.
        case tooLittleSpace(available: Int64, needed: Int64)
        /// Anything else the system reported, kept as its errno.
        case system(errno: Int32)

        /// The reason in a few English words ("the disk is full").
        public var english: String {
            switch self {
            case .diskFull: "the disk is full"
            case .readOnly: "the disk is read-only"
            case .permissionDenied: "permission denied"
            case let .folderMissing(folder): "the folder \(folder) does not exist"
            case let .notAFolder(path): "\(path) is a file, not a folder"
            case .isFolder: "it is a folder, not a file"
            case .notRegularFile: "it is a device, pipe or socket, not a regular file"
            case let .sameAsInput(other): "it is the same file as \(other)"
            case let .sameFolderAsInput(other): "it is the same folder as \(other)"
            case let .sameAsOutput(other): "it is the same file as \(other)"
            case let .tooLittleSpace(available, needed):
                "only \(Self.megabytes(available)) free on its disk, at least \(Self.megabytes(needed)) needed"
            case let .system(code): String(cString: strerror(code))
            }
        }

        /// The reason in Chinese, for the student's screen ("磁盘已满").
        public var chinese: String {
            switch self {
            case .diskFull: "磁盘已满"
            case .readOnly: "磁盘为只读"
            case .permissionDenied: "没有写入权限"
            case .folderMissing: "文件夹不存在"
            case .notAFolder: "路径中有文件而不是文件夹"
            case .isFolder: "目标是文件夹"
            case .notRegularFile: "目标不是普通文件"
            case .sameAsInput: "与输入文件相同"
            case .sameFolderAsInput: "与输入文件夹相同"
            case .sameAsOutput: "与另一个输出文件相同"
            case let .tooLittleSpace(available, _): "磁盘空间不足（仅剩 \(Self.megabytes(available))）"
            case let .system(code): "系统错误 \(code)"
            }
        }

        /// What the operator can do about it.
        var advice: String {
            switch self {
            case .diskFull, .tooLittleSpace: "free some space on that disk or write to another disk"
            case .readOnly: "remount the disk writable or write to another folder"
            case .permissionDenied: "write to a folder this user may write to, or ask for write permission on it"
            case let .folderMissing(folder): "create it (mkdir -p \(folder)) or choose an existing folder"
            case .notAFolder: "remove or rename that file, or choose another path"
            case .isFolder: "give a file name inside it"
            case .notRegularFile: "give the name of an ordinary file"
            case .sameAsInput: "write the result to another file, so that the input is kept"
            case .sameFolderAsInput: "choose another folder, so that the input is kept"
            case .sameAsOutput: "give each output its own file"
            case .system: "check the disk and the path"
            }
        }

        /// The reason for an errno from creating, writing, syncing or renaming a file.
        public init(errno code: Int32, folder: String) {
            switch code {
            case ENOSPC, EDQUOT: self = .diskFull
            case EROFS: self = .readOnly
            case EACCES, EPERM: self = .permissionDenied
            case ENOENT: self = .folderMissing(folder: folder)
            case ENOTDIR: self = .notAFolder(path: folder)
            case EISDIR: self = .isFolder
            default: self = .system(errno: code)
            }
        }

        static func megabytes(_ bytes: Int64) -> String {
            bytes >= 1_000_000 ? "\(bytes / 1_000_000) MB" : bytes >= 1000 ? "\(bytes / 1000) KB" : "\(bytes) bytes"
        }
    }

    /// The file as the command line or the caller named it.
    public var output: NamedPath
    public var reason: Reason

    public init(_ output: NamedPath, _ reason: Reason) {
        self.output = output
        self.reason = reason
    }

    /// "cannot write -o out/photo.jpg: the disk is full; free some space on that disk or …"
    public var description: String {
        switch reason {
        case .sameAsInput, .sameFolderAsInput, .sameAsOutput, .tooLittleSpace:
            "cannot use \(output): \(reason.english); \(reason.advice)"
        default:
            "cannot write \(output): \(reason.english); \(reason.advice)"
        }
    }
}

/// A path with the name it has for the operator: an option (`-o`, `--report`), "the input",
/// or nothing when the path alone says it.
public struct NamedPath: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    /// How the command line calls it, e.g. `--report`; empty when the path is enough.
    public var name: String

    public init(_ path: String, name: String = "") {
        self.path = path
        self.name = name
    }

    /// "--report out.json", or just the path.
    public var description: String { name.isEmpty ? path : "\(name) \(path)" }
}
