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
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
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

/// The built `kiosk-server` (a product the test build makes) under a stand-in for systemd.
@Suite("kiosk-server under systemd")
struct ServerReadinessTests {
    static let server = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("kiosk-server").path

    @Test func theServerSaysReadyOnceItListensAndStoppingWhenAskedToStop() throws {
        let socket = try NotifySocket()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("notify-server-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.server)
        process.arguments = ["serve", "--data", data.path, "--port", "0"]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = socket.path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let ready = try #require(socket.receive(), "no notification within 15 s of start")
        #expect(ready.hasPrefix("READY=1\nSTATUS=serving on http://127.0.0.1:"))
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        #expect(line.hasPrefix("listening on http://127.0.0.1:"), "READY came before the listening line: \(line)")

        process.terminate()
        process.waitUntilExit()
        #expect(socket.receive() == "STOPPING=1")
        #expect(process.terminationStatus == 0)
    }
}
