import ArgumentParser
import Foundation
import KioskConfiguration
import LiveStation

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the station's settings, or check a settings file before using it.",
        subcommands: [Show.self, Check.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every setting in effect (the file's, else the default), as a file kiosk can read.",
            discussion: "Exit status: 0 printed; 1 the file cannot be used (the message names the setting)."
        )

        @Option(help: "A station settings file (JSON5), e.g. kiosk-config/station.json5.")
        var config: String?

        func run() throws {
            print(try StationConfiguration.loadOrExit(config, command: "config show", status: 1).json)
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a station settings file: unknown or misspelt settings and wrong values are reported.",
            discussion: """
                The file is read as every command reads it (run, standardize, check, detect), so the message is \
                the one they would give: the file, line and column, the setting, its value and what is allowed. \
                Exit status: 0 the file is valid; 1 it is not (the message names the setting and what to change).
                """
        )

        @Argument(help: "The settings file to check.")
        var file: String

        func run() throws {
            _ = try StationConfiguration.loadOrExit(file, command: "config check", status: 1)
            print("\(file): valid")
        }
    }
}

extension StationConfiguration {
    /// The settings of `--config`, or the defaults without it; a file that cannot be used ends
    /// the command with `status` after saying which setting is wrong. Every command reads its
    /// settings through here (and `config check` too), so they all say the same about a file.
    static func loadOrExit(_ path: String?, command: String, status: Int32) throws -> StationConfiguration {
        do {
            return try load(from: path)
        } catch {
            FileHandle.standardError.write(Data("kiosk \(command): \(error)\n".utf8))
            throw ExitCode(status)
        }
    }
}
