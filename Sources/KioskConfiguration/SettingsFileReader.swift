import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a settings file's bytes, saying in words why a path cannot be one: missing, a
/// folder, a named pipe or a device (checked before opening, so a FIFO cannot hang the
/// read), not readable by this user, far larger than any settings file, or not text.
enum SettingsFileReader {
    /// Settings files are a few kilobytes; anything above this is not one.
    static let maximumBytes = 1 << 20

    /// The file's bytes, or the reason (after "cannot read the configuration FILE: ").
    static func read(_ path: String) -> Result<Data, Reason> {
        var status = stat()
        guard stat(path, &status) == 0 else { return .failure(Reason(errno: errno, path: path)) }
        if let kind = notAFile(status.st_mode) {
            return .failure(Reason("it is \(kind), not a file; give the path of the settings file (JSON5), like the examples in kiosk-config/"))
        }
        guard status.st_size <= maximumBytes else {
            return .failure(Reason("it holds \(status.st_size) bytes, far more than a settings file (at most \(maximumBytes)); check that this is the settings file"))
        }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(Reason(errno: errno, path: path)) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        let data: Data
        do {
            data = try handle.readToEnd() ?? Data()
        } catch {
            return .failure(Reason("reading it failed (\(String(cString: strerror(EIO)))); copy the file to a working disk"))
        }
        // A photo or another binary file given by mistake: say so rather than a syntax error.
        guard !data.contains(0), String(data: data, encoding: .utf8) != nil else {
            return .failure(Reason("it is not a text file (a photo or another binary file?); give the settings file (JSON5), like the examples in kiosk-config/"))
        }
        return .success(data)
    }

    /// Why a path cannot be read, as the second half of one line.
    struct Reason: Error {
        var text: String

        init(_ text: String) { self.text = text }

        init(errno code: Int32, path: String) {
            switch code {
            case ENOENT: text = "no such file"
            case ENOTDIR: text = "a part of the path is a file, not a folder"
            case EACCES, EPERM:
                text = "no permission to read it; make it readable by this user (chmod a+r \(path)) or run as its owner"
            case ELOOP: text = "its links go round in a loop"
            default: text = "\(String(cString: strerror(code))); check the path"
            }
        }
    }

    private static func notAFile(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a folder"
        case S_IFIFO: "a named pipe (FIFO)"
        case S_IFCHR, S_IFBLK: "a device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }
}
