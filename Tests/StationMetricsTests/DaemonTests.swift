import FaceKit
import Foundation
import KioskProgram
import Synchronization
import Testing

/// A pseudo-terminal: the station's screen and keyboard for a `kiosk run` started by a test.
/// Everything the program draws is drained into `output` (a full terminal would block it).
private final class PseudoTerminal: Sendable {
    let primary: Int32
    let secondary: Int32
    private let drawn = Mutex([UInt8]())

    init(columns: UInt16, rows: UInt16) throws {
        // Glibc's module leaves out posix_openpt and its friends: the multiplexer and its two
        // ioctls instead (Linux's TIOCSPTLCK and TIOCGPTN, the same on x86-64 and arm64).
        primary = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0, number: UInt32 = 0
        guard primary >= 0, ioctl(primary, UInt(0x4004_5431), &unlock) == 0, ioctl(primary, UInt(0x8004_5430), &number) == 0 else {
            throw KioskProgram.Failure("no pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        secondary = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard secondary >= 0 else { throw KioskProgram.Failure("cannot open /dev/pts/\(number)") }
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(primary, UInt(TIOCSWINSZ), &size)
        let primary = primary
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(primary, $0.baseAddress!, $0.count) }
                if n <= 0 { return }
                drawn.withLock { $0 += buffer[0..<n] }
            }
        }
    }

    /// Everything drawn so far, as text (escape sequences included).
    var output: String { String(decoding: drawn.withLock { $0 }, as: UTF8.self) }

    /// Types `text` a key at a time, as a person does (a burst would be taken for a code scanner).
    func type(_ text: String) {
        for byte in text.utf8 {
            _ = withUnsafePointer(to: byte) { write(primary, $0, 1) }
            Thread.sleep(forTimeInterval: 0.06)
        }
    }

    /// The terminal's modes as the program left them.
    var localModes: tcflag_t {
        var attributes = termios()
        tcgetattr(secondary, &attributes)
        return attributes.c_lflag
    }
}

/// Polls `condition` every 0.2 s for at most `seconds`.
private func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.2)
    }
    return try condition()
}

private let runnable = FileManager.default.isExecutableFile(atPath: KioskProgram.path)
    && FileManager.default.fileExists(atPath: FaceModels.standard.landmarks68.path)
    && ["/usr/bin/curl", "/usr/bin/sqlite3"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }

@Suite("kiosk run as a daemon")
struct DaemonTests {
    /// The real `kiosk run` on a test card in a pseudo-terminal, its metrics on a free loopback
    /// port: a student identified, the live picture analysed, the endpoint scraped; then
    /// SIGTERM in the middle of the live picture. It must end with status 0, the terminal as
    /// it was, the store closed whole with nothing half-saved.
    @Test(.enabled(if: runnable, "the built kiosk, Debian's 68-point model, curl and sqlite3"))
    func scrapedWhileServingThenStoppedBySIGTERM() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-daemon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let store = work.appendingPathComponent("store")
        try Data("student_number,school,batch,name,id_tail\n2020123456,北京大学,2024,张三明,123X\n".utf8)
            .write(to: work.appendingPathComponent("roster.csv"))
        let imported = try KioskProgram.run(["roster", "import", "roster.csv", "--store", store.path], in: work)
        try #require(imported.status == 0, "\(imported)")
        try Data("""
            { metrics: { listen: "127.0.0.1:0" }, logging: { level: "debug" }, segmentation: { personNetwork: "" },
              store: { minimumFreeMegabytes: 10 } }
            """.utf8).write(to: work.appendingPathComponent("station.json5"))

        let screen = try PseudoTerminal(columns: 100, rows: 30)
        let log = work.appendingPathComponent("kiosk.err")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: KioskProgram.path)
        process.arguments = ["run", "--config", "station.json5", "--source", "pattern:640x480@15", "--store", store.path]
        process.currentDirectoryURL = work
        process.environment = ["TERM": "xterm-256color", "COLORTERM": "truecolor", "PATH": "/usr/bin:/bin"]
        process.standardInput = FileHandle(fileDescriptor: screen.secondary, closeOnDealloc: false)
        process.standardOutput = FileHandle(fileDescriptor: screen.secondary, closeOnDealloc: false)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let logged = { String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self) }

        // Standard error is not the screen: the log goes there, and names the endpoint's port.
        var url = ""
        // (deadlines, not timings: the face models load slowly on a loaded debug build)
        #expect(eventually(90) {
            url = logged().firstMatch(of: /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/).map { String($0.1) } ?? ""
            return !url.isEmpty
        }, "no endpoint in the log: \(logged())")
        try #require(!url.isEmpty)

        // The operator signs in; the student is identified at the keypad and confirms.
        screen.type("op-wang\r")
        Thread.sleep(forTimeInterval: 0.5)
        screen.type("\r2020123456\r123X\rXJ2024-TEST-CODE\r")
        Thread.sleep(forTimeInterval: 1)
        screen.type("\r")

        // The live picture analyses the test card's frames (nobody in it: no capture).
        var scraped = ""
        #expect(try eventually(60) {
            scraped = (try? KioskProgram.output(of: "/usr/bin/curl", ["-sS", "--fail", url])) ?? ""
            return (sample("kiosk_frame_analysis_seconds_count", in: scraped) ?? 0) >= 5
        }, "the live picture analysed no frames:\n\(scraped)\nlog: \(logged())")
        #expect((sample("kiosk_frames_total", in: scraped) ?? 0) >= 5)
        #expect(scraped.contains("# HELP kiosk_frames_dropped_total "))
        #expect(sample(#"kiosk_outbox_entries{state="waiting"}"#, in: scraped) == 0)
        #expect(sample("kiosk_last_sync_timestamp_seconds", in: scraped) == 0)
        #expect(sample("kiosk_captures_total", in: scraped) == 0)

        kill(process.processIdentifier, SIGTERM)
        #expect(eventually(30) { !process.isRunning }, "kiosk run still running 30 s after SIGTERM")
        try #require(!process.isRunning)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0,
                "ended by \(process.terminationReason == .exit ? "status" : "signal") \(process.terminationStatus); log: \(logged())")
        #expect(logged().contains("stopped:"), "\(logged())")

        // The terminal: main screen and cursor back, line editing and echo on again.
        let drawn = screen.output
        let restored = try #require(drawn.range(of: "\u{1B}[?1049l", options: .backwards), "the alternate screen was never left")
        #expect(drawn[..<restored.lowerBound].hasSuffix("\u{1B}[?25h"), "the cursor was not shown again before leaving")
        #expect(screen.localModes & tcflag_t(ICANON | ECHO) == tcflag_t(ICANON | ECHO), "raw mode left on the terminal")

        // The store: closed (no write-ahead log left), whole, and nothing of the discarded photo in it.
        let database = store.appendingPathComponent("station.sqlite").path
        #expect(!FileManager.default.fileExists(atPath: database + "-wal"), "the store was not closed")
        #expect(try KioskProgram.output(of: "/usr/bin/sqlite3", [database, "PRAGMA integrity_check"]) == "ok\n")
        #expect(try KioskProgram.output(of: "/usr/bin/sqlite3", [database, "SELECT count(*) FROM photo"]) == "0\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.appendingPathComponent("photos").path).isEmpty)
    }
}
