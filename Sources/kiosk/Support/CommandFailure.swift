/// The one way a `kiosk` command ends without success: thrown from `run()` (or anything it
/// calls), it is printed on standard error as `kiosk COMMAND: message` and the program exits
/// with `status`, the code the command's help gives for that kind of problem. Nothing calls
/// `exit` itself, so every `defer` (a camera to stop, a terminal to restore) runs first.
struct CommandFailure: Error {
    /// The exit status, as the command's help states it.
    var status: Int32
    /// One line naming the file or setting and what to do; nil when the output already says
    /// why (a failed check, no face found).
    var message: String?

    init(status: Int32, _ message: String?) {
        self.status = status
        self.message = message
    }

    /// A result the command has printed, not an error: its status alone.
    static func verdict(_ status: Int32) -> CommandFailure {
        CommandFailure(status: status, nil)
    }
}

extension CommandFailure {
    /// `body`'s result, or a failure with `status` naming the part that could not start.
    static func naming<T>(_ what: String, status: Int32 = 1, _ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            throw CommandFailure(status: status, "\(what): \(error)")
        }
    }
}
