import ArgumentParser
import Foundation

@main
struct Kiosk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "The photo station for diploma-registration photos.",
        discussion: """
            Start with `kiosk doctor` on a new station, then `kiosk run`. Without a camera, `kiosk demo` shows what it does.
            Each command's help gives its exit statuses; every command exits 64 when an option or argument is not \
            valid (the message says which, with the usage).
            """,
        groupedSubcommands: [
            CommandGroup(name: "Station", subcommands: [
                RunCommand.self,
                DemoCommand.self,
                DoctorCommand.self,
                ConfigCommand.self,
                InstallCommand.self,
            ]),
            CommandGroup(name: "Photos", subcommands: [
                StandardizeCommand.self,
                CheckCommand.self,
                DetectCommand.self,
            ]),
            CommandGroup(name: "Records", subcommands: [
                RosterCommand.self,
                RecordsCommand.self,
                ExportCommand.self,
                PurgeCommand.self,
                SyncCommand.self,
            ]),
            CommandGroup(name: "Camera", subcommands: [
                DevicesCommand.self,
                SnapshotCommand.self,
                RecordCommand.self,
            ]),
            CommandGroup(name: "Maintenance", subcommands: [
                BenchCommand.self,
            ]),
        ]
    )

    /// Parses and runs the command as ArgumentParser does, except that a `CommandFailure`
    /// is said as `kiosk COMMAND: message` and ends the program with its own status.
    static func main() {
        var command: any ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        do {
            try command.run()
        } catch let failure as CommandFailure {
            if let message = failure.message {
                let name = (path(to: type(of: command)) ?? [type(of: command)._commandName]).joined(separator: " ")
                FileHandle.standardError.write(Data("kiosk \(name): \(message)\n".utf8))
            }
            Foundation.exit(failure.status)
        } catch {
            exit(withError: error)
        }
    }

    /// The subcommand names that lead from `root` to `command`, e.g. ["config", "show"].
    static func path(to command: any ParsableCommand.Type, from root: any ParsableCommand.Type = Kiosk.self) -> [String]? {
        for child in root.configuration.subcommands {
            if child == command { return [child._commandName] }
            if let below = path(to: command, from: child) { return [child._commandName] + below }
        }
        return nil
    }
}
