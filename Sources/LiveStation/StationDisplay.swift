import Guidance
import Speech
import Synchronization
import TerminalUI

/// Where the live loop shows its screens and reads its keys. The station's is the terminal
/// (`TerminalDisplay`); a test gives one that records what would be shown.
public protocol StationDisplay: AnyObject {
    /// Shows one screen in place of the previous one.
    func show(_ content: ScreenContent)
    /// The keys typed since the last call, waiting at most `waitMilliseconds` for the first.
    func keys(waitMilliseconds: Int32) -> [Key]
    /// True once the station has been asked to stop (SIGTERM): the loops end at their next
    /// safe point as after the operator's q, a photo not yet saved discarded.
    var stopRequested: Bool { get }
}

extension StationDisplay {
    /// A display that cannot be asked to stop.
    public var stopRequested: Bool { false }
}

/// A request to stop the station, made from any thread (the service group's shutdown) and
/// read by the loop between frames and keys.
public final class StopRequest: Sendable {
    private let requested = Atomic(false)

    public init() {}

    public func request() { requested.store(true, ordering: .sequentiallyConsistent) }

    public var isRequested: Bool { requested.load(ordering: .sequentiallyConsistent) }
}

/// The full-screen terminal as the station's display: screens composed at the terminal's
/// size, sent as the cells that changed, redrawn in full after a resize; with a status, its
/// line on the bottom row below the screen.
public final class TerminalDisplay: StationDisplay {
    public let terminal: Terminal
    private let screens: StatusScreen
    private let stop: StopRequest?
    /// A tolerance of 6 levels per channel hides camera noise without visible banding.
    private var encoder = ScreenEncoder(colorTolerance: 6)
    private var decoder = KeyDecoder()

    public init(terminal: Terminal, reducer: ColorReducer, status: StationStatus? = nil, stop: StopRequest? = nil) {
        self.terminal = terminal
        screens = StatusScreen(reducer: reducer, status: status)
        self.stop = stop
    }

    public func show(_ content: ScreenContent) {
        if terminal.takeResize() { encoder.invalidate() }
        let size = terminal.size
        terminal.write(encoder.encode(screens.compose(content, columns: size.columns, rows: size.rows)))
    }

    public func keys(waitMilliseconds: Int32) -> [Key] {
        decoder.decode(terminal.readInput(timeoutMilliseconds: waitMilliseconds))
    }

    public var stopRequested: Bool { stop?.isRequested ?? false }
}

/// The guidance screen with the station's status line under it: what `TerminalDisplay` draws,
/// apart so that a test reads the cells without a terminal.
public struct StatusScreen: Sendable {
    private let screen: GuidanceScreen
    private let status: StationStatus?

    public init(reducer: ColorReducer, status: StationStatus?) {
        screen = GuidanceScreen(reducer: reducer)
        self.status = status
    }

    /// The cells of the whole screen: `content` above, the status on the last row.
    public func compose(_ content: ScreenContent, columns: Int, rows: Int) -> TerminalUI.CellGrid {
        // A screen too small for the guidance keeps all its rows for the guidance's own message.
        guard let status, rows > 8 else { return screen.compose(content, columns: columns, rows: rows) }
        return StatusLine.adding(StatusLine.parts(status.snapshot), below: screen.compose(content, columns: columns, rows: rows - 1),
                                 reducer: screen.reducer)
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

    public var stopRequested: Bool { display.stopRequested }
}
