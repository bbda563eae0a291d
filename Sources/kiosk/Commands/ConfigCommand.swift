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

        @OptionGroup var settings: SettingsOption

        func run() throws {
            print(try settings.load(failing: 1).json)
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
            _ = try StationConfiguration.load(orFailWith: 1, file)
            print("\(file): valid")
        }
    }
}
