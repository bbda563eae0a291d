import Logging

/// How much a program logs, as its settings file gives it (`logging`): the station's and the
/// server's files share the section.
public struct LoggingSettings: Codable, Sendable, Hashable {
    /// The least severe level written: trace, debug, info, notice, warning, error or critical.
    public var level = Logger.Level.info.rawValue

    public init() {}

    public static let standard = LoggingSettings()

    /// The level; `info` for a word the loader would have refused.
    public var logLevel: Logger.Level { Logger.Level(rawValue: level) ?? .info }

    /// The words `level` takes, for the loader's `words` (key `logging.level`).
    public static let levels = Logger.Level.allCases.map(\.rawValue)
}
