#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Synchronization

/// Where the daemon's lines go, one line per event: standard error when it is not the
/// station's screen (the journal under systemd), else a file beside the store, so that the
/// screen is never written over.
public final class StationLog: Sendable {
    /// The file's name in the store's folder when standard error is the screen.
    public static let fileName = "kiosk.log"

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// Under systemd's journal each line starts with its syslog priority (`<3>`) and no time:
    /// the journal keeps both, and `journalctl -p warning` then filters by level.
    private let journal: Bool
    private let writing = Mutex(())
    /// Where the lines go, for the operator: "standard error" or the file's path.
    public let destination: String

    /// Standard error, or `folder/kiosk.log` (appended, created 0640) when standard error is a terminal.
    public init(besideStore folder: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if isatty(STDERR_FILENO) == 0 {
            descriptor = STDERR_FILENO
            ownsDescriptor = false
            journal = Self.isJournal(STDERR_FILENO, stream: environment["JOURNAL_STREAM"])
            destination = "standard error"
        } else {
            let path = (folder as NSString).appendingPathComponent(Self.fileName)
            let opened = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
            guard opened >= 0 else {
                throw LogFileError(path: path, reason: String(cString: strerror(errno)))
            }
            descriptor = opened
            ownsDescriptor = true
            journal = false
            destination = path
        }
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Whether `descriptor` is the journal stream systemd named in `JOURNAL_STREAM` (device:inode).
    private static func isJournal(_ descriptor: Int32, stream: String?) -> Bool {
        guard let stream else { return false }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        return stream == "\(status.st_dev):\(status.st_ino)"
    }

    /// A handler for `LoggingSystem.bootstrap` at `level`.
    public func handler(label: String, level: Logger.Level) -> any LogHandler {
        StationLogHandler(label: label, log: self, logLevel: level)
    }

    fileprivate func write(level: Logger.Level, label: String, message: String) {
        let line = journal
            ? "<\(level.syslogPriority)>\(label): \(message)\n"
            : "\(Date().formatted(.iso8601)) \(level.rawValue.uppercased()) \(label): \(message)\n"
        let bytes = Array(line.utf8)
        // One write per line, under a lock, so lines from the sync's tasks and the station's
        // thread never interleave.
        writing.withLock { _ in
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { return }
                    offset += n
                }
            }
        }
    }
}

/// The log file beside the store cannot be opened.
public struct LogFileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "cannot write the log \(path): \(reason); check the store folder's permissions" }
}

/// A `Logger`'s handler writing into a `StationLog`: `LEVEL label: message key=value…`.
struct StationLogHandler: LogHandler {
    let label: String
    let log: StationLog
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let details = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        log.write(level: event.level, label: label, message: "\(event.message)\(details)")
    }
}

extension Logger.Level {
    /// The syslog priority the journal files a line under.
    var syslogPriority: Int {
        switch self {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
