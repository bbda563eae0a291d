#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ServiceNotify
import Testing

/// A stand-in for systemd's end of the notify socket: a real Unix datagram socket the test
/// binds and reads.
final class NotifySocket {
    let path: String
    let descriptor: Int32

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8)).sock").path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}

@Suite("Notifying systemd")
struct ServiceNotifierTests {
    @Test func readyStatusWatchdogAndStoppingArriveAsSystemdReadsThem() throws {
        let socket = try NotifySocket()
        let notifier = ServiceNotifier(environment: ["NOTIFY_SOCKET": socket.path])
        try notifier.ready(status: "waiting for a student")
        #expect(socket.receive() == "READY=1\nSTATUS=waiting for a student")
        try notifier.watchdogPing()
        #expect(socket.receive() == "WATCHDOG=1")
        try notifier.stopping()
        #expect(socket.receive() == "STOPPING=1")
    }

    @Test func outsideSystemdNothingIsSentAndNothingFails() throws {
        let notifier = ServiceNotifier(environment: [:])
        #expect(notifier.socketPath == nil)
        #expect(notifier.pingInterval == nil)
        try notifier.ready()
    }

    @Test func theWatchdogIntervalIsHalvedAndOnlyForTheProcessItNames() {
        let asked = ServiceNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "42"], processID: 42)
        #expect(asked.pingInterval == .seconds(15))
        let other = ServiceNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "43"], processID: 42)
        #expect(other.pingInterval == nil)
    }

    @Test func aSocketThatIsGoneIsAClearError() {
        let notifier = ServiceNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify.sock"])
        #expect(throws: NotifyError.self) { try notifier.ready() }
    }
}
