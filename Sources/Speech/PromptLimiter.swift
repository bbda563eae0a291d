/// Decides whether an instruction may be spoken now, so that the station never chatters:
/// nothing while the previous prompt is still being spoken, at least `minimumGapSeconds`
/// between the starts of two prompts, and the same instruction not again within
/// `repeatAfterSeconds`. Pure: the caller gives the time and whether speech is still playing.
public struct PromptLimiter: Sendable {
    private let settings: SpeechSettings
    private var lastStart: Double?
    private var lastSpoken: [String: Double] = [:]

    public init(settings: SpeechSettings) {
        self.settings = settings
    }

    /// Whether the instruction `key` may be spoken at `now` (seconds on a monotonic clock);
    /// when it may, it counts as spoken from `now`.
    public mutating func admit(_ key: String, at now: Double, stillSpeaking: Bool) -> Bool {
        guard settings.enabled, !stillSpeaking else { return false }
        if let lastStart, now - lastStart < settings.minimumGapSeconds { return false }
        if let said = lastSpoken[key], now - said < settings.repeatAfterSeconds { return false }
        lastStart = now
        lastSpoken[key] = now
        return true
    }

    /// Forgets what was said: the next student hears the instructions afresh.
    public mutating func reset() {
        lastStart = nil
        lastSpoken = [:]
    }
}
