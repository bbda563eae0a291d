#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Errors opening the terminal, with what to do about them.
public enum TerminalError: Error, CustomStringConvertible, Sendable {
    case notATerminal
    case rawModeFailed(errno: Int32)

    public var description: String {
        switch self {
        case .notATerminal:
            "standard input and output must be a terminal; run this in a console or under tmux, not with a pipe or file"
        case let .rawModeFailed(e):
            "cannot switch the terminal to raw mode (\(String(cString: strerror(e)))); check that no other program holds it"
        }
    }
}

/// What the terminal looked like before the program took it over, kept where a signal
/// handler can reach it: handlers may only call async-signal-safe functions (`tcsetattr`,
/// `write`, `signal`, `raise`), so nothing here allocates or locks.
nonisolated(unsafe) private var savedAttributes = termios()
nonisolated(unsafe) private var hasSavedAttributes = false
private let resizePending = Atomic<Bool>(false)
private let restored = Atomic<Bool>(true)

/// Leaves the alternate screen, resets colours and shows the cursor again.
private let restoreSequence: StaticString = "\u{1B}[?2026l\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"

/// Puts the terminal back as it was; safe to call from a signal handler and more than once.
private func restoreTerminal() {
    guard !restored.exchange(true, ordering: .sequentiallyConsistent) else { return }
    _ = write(STDOUT_FILENO, restoreSequence.utf8Start, restoreSequence.utf8CodeUnitCount)
    if hasSavedAttributes { _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &savedAttributes) }
}

/// Signals that end the program: the terminal is restored, then the signal is raised again
/// with its default action so that the exit status tells what happened (and crashes still
/// leave a core or a backtrace).
private let fatalSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

/// The controlling terminal in full-screen mode: raw keyboard input, alternate screen,
/// hidden cursor, resize notifications. `close()` (or any exit path) restores it.
public final class Terminal: @unchecked Sendable {
    /// Takes over standard input and output. Throws when they are not a terminal.
    public init() throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        var attributes = termios()
        guard tcgetattr(STDIN_FILENO, &attributes) == 0 else { throw .rawModeFailed(errno: errno) }
        savedAttributes = attributes
        hasSavedAttributes = true
        // Raw input, but ISIG stays on: Ctrl-C still sends SIGINT, which restores and ends.
        attributes.c_lflag &= ~tcflag_t(ICANON | ECHO | IEXTEN)
        attributes.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
        withUnsafeMutableBytes(of: &attributes.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &attributes) == 0 else { throw .rawModeFailed(errno: errno) }
        restored.store(false, ordering: .sequentiallyConsistent)
        Self.installHandlers()
        // Alternate screen, cursor hidden, screen cleared.
        write(Array("\u{1B}[?1049h\u{1B}[?25l\u{1B}[2J".utf8))
    }

    deinit { restoreTerminal() }

    /// Restores the terminal now (it is also restored at exit and on fatal signals).
    public func close() { restoreTerminal() }

    private static func installHandlers() {
        atexit { restoreTerminal() }
        for sig in fatalSignals {
            signal(sig) { received in
                restoreTerminal()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
        signal(SIGWINCH) { _ in resizePending.store(true, ordering: .relaxed) }
    }

    /// The size in cells, from `TIOCGWINSZ`; 80×24 when the terminal does not say.
    public var size: (columns: Int, rows: Int) {
        var ws = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 {
            return (Int(ws.ws_col), Int(ws.ws_row))
        }
        return (80, 24)
    }

    /// True once after each resize (SIGWINCH).
    public func takeResize() -> Bool {
        resizePending.exchange(false, ordering: .relaxed)
    }

    /// Writes all of `bytes`, in one `write` call unless the kernel takes them in parts.
    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return
                }
                offset += n
            }
        }
    }

    /// Bytes typed since the last call, waiting at most `timeoutMilliseconds` for the first.
    public func readInput(timeoutMilliseconds: Int32) -> [UInt8] {
        var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&fds, 1, timeoutMilliseconds) > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress!, $0.count) }
        return n > 0 ? Array(buffer[0..<n]) : []
    }
}
