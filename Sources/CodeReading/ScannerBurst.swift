/// Tells a USB code scanner from a person at the keyboard. A scanner "types" its payload as
/// key presses a few milliseconds apart and ends with Enter; a person's keys come tens to
/// hundreds of milliseconds apart. Both arrive on the same terminal, so the timing is all
/// there is to tell them by.
public enum ScannerBurst {
    /// One key as the terminal delivered it, with when (seconds on any monotonic clock).
    public struct Key: Sendable, Hashable {
        public var character: Character
        public var time: Double

        public init(_ character: Character, at time: Double) {
            self.character = character
            self.time = time
        }
    }

    public struct Limits: Sendable, Hashable {
        /// Fewer characters than this are typed, however fast (a code is long; a key
        /// pressed twice quickly is not a scan).
        public var minimumLength = 8
        /// The mean time between keys of a scan, Enter included.
        public var meanGapSeconds = 0.015
        /// No gap of a scan is longer (a USB hiccup is allowed; a person's pause is not).
        public var longestGapSeconds = 0.08

        public init() {}
    }

    /// What a line of keys was.
    public enum Origin: Sendable, Hashable {
        /// The payload a scanner typed, exactly (the Enter that ended it removed).
        case scanner(String)
        /// Keys a person typed (Enter removed).
        case typed(String)
    }

    /// The keys up to and including the Enter that ends them (`\r` or `\n`), judged; nil
    /// when they do not end with Enter yet.
    public static func classify(_ keys: [Key], limits: Limits = Limits()) -> Origin? {
        guard let last = keys.last, last.character == "\r" || last.character == "\n" || last.character == "\r\n" else { return nil }
        let payload = String(keys.dropLast().map(\.character))
        guard payload.count >= limits.minimumLength else { return .typed(payload) }
        let gaps = zip(keys.dropFirst(), keys).map { $0.time - $1.time }
        let mean = (last.time - keys[0].time) / Double(gaps.count)
        let isBurst = mean <= limits.meanGapSeconds && gaps.allSatisfy { $0 <= limits.longestGapSeconds }
        return isBurst ? .scanner(payload) : .typed(payload)
    }
}
