#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Tells systemd how a `Type=notify` service is doing: READY once the station can take a
/// student, WATCHDOG pings while its loop runs, STATUS lines an operator sees in
/// `systemctl status`, STOPPING on shutdown.
///
/// Hand-written (a datagram to the socket named in `NOTIFY_SOCKET`): libsystemd's
/// `sd_notify` does the same, but linking libsystemd for one `sendto` is not worth a
/// dependency on every station build. Outside systemd (no `NOTIFY_SOCKET`) every call does
/// nothing, so the same program runs in a terminal.
public struct ServiceNotifier: Sendable {
    /// The socket's path; nil when not started by systemd with `Type=notify`.
    public let socketPath: String?
    /// How often systemd expects a watchdog ping (`WATCHDOG_USEC`), when it asks for any.
    public let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from the environment.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, processID: Int32 = getpid()) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        let forThisProcess = environment["WATCHDOG_PID"].map { Int32($0) == processID } ?? true
        if forThisProcess, let text = environment["WATCHDOG_USEC"], let micros = Int64(text), micros > 0 {
            watchdogInterval = .microseconds(micros)
        } else {
            watchdogInterval = nil
        }
    }

    /// How often to ping: half the interval systemd gave, as systemd's documentation advises.
    public var pingInterval: Duration? { watchdogInterval.map { $0 / 2 } }

    /// The station is up and takes students.
    public func ready(status: String? = nil) throws(NotifyError) {
        try send(["READY=1"] + (status.map { ["STATUS=\($0)"] } ?? []))
    }

    /// The loop is alive.
    public func watchdogPing() throws(NotifyError) { try send(["WATCHDOG=1"]) }

    /// A line for `systemctl status` (the camera is missing, 3 photos wait for the server…).
    public func status(_ text: String) throws(NotifyError) { try send(["STATUS=\(text)"]) }

    /// Shutting down: systemd waits for the process instead of calling it failed.
    public func stopping() throws(NotifyError) { try send(["STOPPING=1"]) }

    /// Sends the assignments as one datagram; does nothing outside systemd.
    public func send(_ assignments: [String]) throws(NotifyError) {
        guard let socketPath else { return }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        // A name starting with "@" is in the abstract namespace: its first byte is NUL.
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { throw NotifyError(path: socketPath, reason: "the socket path is longer than \(capacity - 1) bytes") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw NotifyError(path: socketPath, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let message = Array(assignments.joined(separator: "\n").utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, socketAddress, length) }
            }
        }
        guard sent == message.count else { throw NotifyError(path: socketPath, reason: String(cString: strerror(errno))) }
    }
}

/// A notification that could not be sent.
public struct NotifyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot notify systemd through \(path): \(reason)" }
}
