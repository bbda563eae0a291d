import ArgumentParser
import Foundation

@main
struct KioskServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-server",
        abstract: "The central server that collects photos from the stations.",
        discussion: """
            Start it with `kiosk-server serve --data DIR` (the folder and its database are made on first use), or on \
            PostgreSQL with `--postgres URL --postgres-password-file FILE` in place of `--data DIR` (every command takes \
            either, or reads them from --settings FILE: kiosk-config/server.json5), give each station credentials with \
            `kiosk-server station add` (and take them back with `station revoke`), load the students with \
            `kiosk-server roster import`. \
            The API is docs/sync-api.md. Every command exits 64 when an option or argument is not valid.
            """,
        subcommands: [ServeCommand.self, StationCommand.self, RosterCommand.self, ReviewCommand.self, ReviewerCommand.self, ExportCommand.self, InspectCommand.self]
    )

    /// Parses and runs the command as ArgumentParser does, except that a `CommandFailure` is
    /// said as `kiosk-server: message` and ends the program with its own status.
    static func main() async {
        let command: any ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                var synchronous = command
                try synchronous.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("kiosk-server: \(failure.message)\n".utf8))
            Foundation.exit(failure.status)
        } catch {
            exit(withError: error)
        }
    }
}

/// The one way a `kiosk-server` command ends without success: printed on standard error as
/// `kiosk-server: message`, the program exiting with `status` (the command's help gives it).
struct CommandFailure: Error {
    var status: Int32
    var message: String

    init(status: Int32, _ message: String) {
        self.status = status
        self.message = message
    }
}
