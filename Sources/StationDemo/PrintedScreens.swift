import Foundation
import LiveStation
import TerminalUI

/// The station's display when there is no terminal to draw on (the demo's output piped or run
/// by a test): each new screen is printed as one line, its headline and the English line under
/// it, with the seconds since the start; no keys are ever typed on it.
public final class PrintedScreens: StationDisplay {
    private let write: (String) -> Void
    private let start = Date()
    private var last = ""

    public init(write: @escaping (String) -> Void) { self.write = write }

    public func show(_ content: ScreenContent) {
        let line = content.subline.isEmpty ? content.headline : "\(content.headline) / \(content.subline)"
        guard line != last, !content.headline.isEmpty else { return }
        last = line
        write(String(format: "%6.1f s  screen: ", Date().timeIntervalSince(start)) + line)
    }

    public func keys(waitMilliseconds: Int32) -> [Key] {
        if waitMilliseconds > 0 { Thread.sleep(forTimeInterval: Double(waitMilliseconds) / 1000) }
        return []
    }
}
