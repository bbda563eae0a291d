import Guidance
import Speech
import TerminalUI

/// Where the live loop shows its screens and reads its keys. The station's is the terminal
/// (`TerminalDisplay`); a test gives one that records what would be shown.
public protocol StationDisplay: AnyObject {
    /// Shows one screen in place of the previous one.
    func show(_ content: ScreenContent)
    /// The keys typed since the last call, waiting at most `waitMilliseconds` for the first.
    func keys(waitMilliseconds: Int32) -> [Key]
}

/// The full-screen terminal as the station's display: screens composed at the terminal's
/// size, sent as the cells that changed, redrawn in full after a resize.
public final class TerminalDisplay: StationDisplay {
    public let terminal: Terminal
    private let screen: GuidanceScreen
    /// A tolerance of 6 levels per channel hides camera noise without visible banding.
    private var encoder = ScreenEncoder(colorTolerance: 6)
    private var decoder = KeyDecoder()

    public init(terminal: Terminal, reducer: ColorReducer) {
        self.terminal = terminal
        screen = GuidanceScreen(reducer: reducer)
    }

    public func show(_ content: ScreenContent) {
        if terminal.takeResize() { encoder.invalidate() }
        let size = terminal.size
        terminal.write(encoder.encode(screen.compose(content, columns: size.columns, rows: size.rows)))
    }

    public func keys(waitMilliseconds: Int32) -> [Key] {
        decoder.decode(terminal.readInput(timeoutMilliseconds: waitMilliseconds))
    }
}

/// A display that also speaks what each screen says (`Speaker`, rate-limited, so a screen
/// redrawn many times a second is said once and repeated only after a while), in the
/// screen's languages: the one shown large first.
public final class SpeakingDisplay: StationDisplay {
    private let display: any StationDisplay
    private let speaker: Speaker
    private let language: LanguageChoice
    private let start = ContinuousClock.now

    /// `language`: the screens' (`LiveSession.Options.language`), which tells which line is which language.
    public init(_ display: any StationDisplay, speaker: Speaker, language: LanguageChoice) {
        self.display = display
        self.speaker = speaker
        self.language = language
    }

    public func show(_ content: ScreenContent) {
        display.show(content)
        guard !content.headline.isEmpty else { return }
        let elapsed = ContinuousClock.now - start
        let now = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        // The headline is the language shown large, the subline the other one (or nothing).
        let englishFirst = language.primary == .english
        speaker.say(SpokenPrompt(key: content.headline, mandarin: englishFirst ? content.subline : content.headline,
                                 english: englishFirst ? content.headline : content.subline, englishFirst: englishFirst), at: now)
    }

    public func keys(waitMilliseconds: Int32) -> [Key] {
        display.keys(waitMilliseconds: waitMilliseconds)
    }
}
