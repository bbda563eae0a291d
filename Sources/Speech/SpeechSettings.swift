import Foundation

/// Spoken prompts, as the station's file will set them (`speech`): off unless switched on.
public struct SpeechSettings: Codable, Sendable, Hashable {
    /// Whether the station speaks its instructions at all.
    public var enabled = false
    /// Whether each instruction is also spoken in English, after the Mandarin (a station that
    /// shows English first speaks English first anyway, then Mandarin).
    public var english = false
    /// espeak-ng's voices (`espeak-ng --voices` lists them).
    public var mandarinVoice = "cmn"
    public var englishVoice = "en"
    /// Speaking rate (espeak-ng's `-s`).
    public var wordsPerMinute = 160
    /// The same instruction is not spoken again within this time (it stays on the screen).
    public var repeatAfterSeconds = 10.0
    /// At least this long from the start of one prompt to the start of the next.
    public var minimumGapSeconds = 2.5
    /// The speech program.
    public var program = "/usr/bin/espeak-ng"

    public init() {}

    public static let standard = SpeechSettings()

    /// The first setting that cannot work, or nil (keys relative to `speech`).
    public func invalidSetting() -> (key: String, reason: String, related: [String])? {
        if mandarinVoice.isEmpty { return ("mandarinVoice", "is empty; it must name an espeak-ng voice, e.g. cmn", []) }
        if englishVoice.isEmpty { return ("englishVoice", "is empty; it must name an espeak-ng voice, e.g. en", []) }
        if !(80...450).contains(wordsPerMinute) {
            return ("wordsPerMinute", "is \(wordsPerMinute); it must be from 80 to 450", [])
        }
        if !(repeatAfterSeconds >= 1 && repeatAfterSeconds <= 600) {
            return ("repeatAfterSeconds", "is \(repeatAfterSeconds); it must be from 1 to 600 seconds", [])
        }
        if !(minimumGapSeconds >= 0 && minimumGapSeconds <= repeatAfterSeconds) {
            return ("minimumGapSeconds", "is \(minimumGapSeconds); it must be from 0 to repeatAfterSeconds (\(repeatAfterSeconds))",
                    ["repeatAfterSeconds"])
        }
        // The program last, and only when speech is on: a station without espeak-ng and
        // with speech off is fine.
        if enabled && !FileManager.default.isExecutableFile(atPath: program) {
            return ("program", "names \(program), which is not an executable program: install espeak-ng "
                + "(apt-get install espeak-ng) or set speech.enabled to false", ["enabled"])
        }
        return nil
    }
}
