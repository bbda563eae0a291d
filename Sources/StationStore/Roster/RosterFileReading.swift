#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Roster

extension StationStore {
    /// The text of the roster file at `path`, or why it cannot be one: missing, a folder,
    /// a named pipe or a device (looked at before opening, so that a FIFO cannot hang the
    /// station), not readable, or not UTF-8 text. Needs no store: a command checks the file
    /// before it opens or creates one.
    public static func rosterText(fileAt path: String) throws(RosterImportError) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .unreadable(errno == ENOENT ? "\(path) does not exist; check the name and the folder" : "\(path) cannot be read: \(String(cString: strerror(errno)))")
        }
        let kind: String? = switch status.st_mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a folder"
        case S_IFIFO: "a named pipe (FIFO)"
        default: "a device or another special file"
        }
        if let kind { throw .unreadable("\(path) is \(kind), not a file; give the roster's CSV file") }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .unreadable("\(path) cannot be read (\(String(cString: strerror(errno)))); make it readable by this user")
        }
        let data = (try? FileHandle(fileDescriptor: descriptor, closeOnDealloc: true).readToEnd()) ?? Data()
        guard !data.contains(0), let text = String(data: data, encoding: .utf8) else {
            throw .unreadable("\(path) is not UTF-8 text; save it as \"CSV UTF-8\" (a spreadsheet's Save As offers it)")
        }
        return text
    }
}
