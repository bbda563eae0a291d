import ArgumentParser
import Capture
import Guidance
import KioskBenchmarks
import TerminalUI

// The closed sets of values options take: parsed by ArgumentParser, which lists the
// allowed values in `--help` and names them when a value is not one of them.

extension DitherMethod: ExpressibleByArgument {}
extension GuideShape: ExpressibleByArgument {}
extension LanguageChoice.Language: ExpressibleByArgument {}

/// `--colors`: `auto` (from the terminal's environment) or one of the colour modes.
struct ColorSetting: ExpressibleByArgument {
    /// As the settings file writes it (`screen.colors`).
    var value: String

    init?(argument: String) {
        guard Self.allValueStrings.contains(argument) else { return nil }
        value = argument
    }

    static var allValueStrings: [String] { ["auto"] + ColorMode.allCases.map(\.rawValue) }
}

/// `--format`: a V4L2 pixel format code such as YUYV or MJPG.
extension FourCC: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(string: argument)
    }

    /// The formats the station can decode; a camera may offer others.
    public static var allValueStrings: [String] { decodable.map(\.description) }
}

/// A benchmark suite named on the command line.
struct SuiteName: ExpressibleByArgument, Hashable {
    var name: String

    init?(argument: String) {
        guard Self.allValueStrings.contains(argument) else { return nil }
        name = argument
    }

    static var allValueStrings: [String] { allBenchmarkSuites.map(\.name) }
}
