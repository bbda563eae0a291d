import ArgumentParser
import LiveStation
import PhotoStandard

/// `--config`: the station settings file, read the same way by every command that takes it.
struct SettingsOption: ParsableArguments {
    @Option(help: "Station settings file (JSON5, see kiosk-config/): photo standard, check limits, face models, camera, screen; options given on the command line override it.")
    var config: String?

    /// The settings of `--config`, or the defaults without it. A file that cannot be used
    /// ends the command with `status`, and the loader's message (file, line, column, setting,
    /// value, what is allowed), so every command and `config check` say the same about it.
    func load(failing status: Int32) throws -> StationConfiguration {
        try StationConfiguration.load(orFailWith: status, config)
    }
}

extension StationConfiguration {
    /// The settings file at `path` (the defaults for nil), or a `CommandFailure` with
    /// `status` and the loader's message.
    static func load(orFailWith status: Int32, _ path: String?) throws -> StationConfiguration {
        do {
            return try load(from: path)
        } catch {
            throw CommandFailure(status: status, "\(error)")
        }
    }
}

/// `--json`: machine-readable output instead of text.
struct JSONOption: ParsableArguments {
    @Flag(help: "Print the result as JSON instead of text.")
    var json = false
}

/// `--white`: the white-background variant of the standard.
struct BackgroundOption: ParsableArguments {
    @Flag(help: "Use the white-background standard instead of light blue.")
    var white = false

    /// The standard to meet: the white one when asked, else the station's.
    func spec(for station: StationConfiguration) -> PhotoSpec {
        white ? .diplomaWhite : station.photo
    }
}
