import Foundation
import LiveStation
import TerminalUI

/// The demo's operator and student, as a script over the station's real screens: it shows each
/// screen on the display it wraps (the terminal, or a printed step list) and answers it with
/// the keys a person would type there. The operator signs in; the student starts, types the
/// student number, the ID tail and the collection code, confirms the record and sits still
/// while the guidance takes the photo; the photo is accepted, the fee paid in cash, and after
/// the receipt the operator closes the station (q). Keys typed on the display itself are
/// passed on too, so whoever watches can end the demo (q).
public final class DemoScript: StationDisplay {
    /// The student the script plays.
    public struct Student: Sendable {
        public var number: String
        public var idTail: String
        public var collectionCode: String

        public init(number: String, idTail: String, collectionCode: String) {
            self.number = number
            self.idTail = idTail
            self.collectionCode = collectionCode
        }
    }

    /// How fast the script acts: at a person's pace for someone watching, at once for a test.
    public struct Pace: Sendable {
        /// Between two typed keys (a scanner's keys come faster than 30 ms; a person's do not).
        public var keySeconds: Double
        /// How long each screen is left up before the script answers it.
        public var readingSeconds: Double
        /// The live picture's time before the operator takes the photo (c) when the guidance has not.
        public var operatorCaptureSeconds: Double

        public static let watched = Pace(keySeconds: 0.12, readingSeconds: 1.5, operatorCaptureSeconds: 40)
        public static let unattended = Pace(keySeconds: 0.04, readingSeconds: 0, operatorCaptureSeconds: 40)
    }

    /// Who took the photo.
    public enum Capture: String, Sendable { case guidance, operatorKey = "operator" }

    private let display: any StationDisplay
    private let operatorName: String
    private let student: Student
    private let pace: Pace
    private let narrate: (String) -> Void
    private var stage = Stage.signIn
    private var screen: ScreenContent?
    private var screenSince = Date()
    private var pending: [Key] = []
    private var retook = false
    /// When the live picture came up (for the operator's capture after a while).
    private var liveSince = Date()

    /// Who took the accepted photo, once it is accepted.
    public private(set) var capture: Capture?
    /// The review's verdict line, the receipt's, and whether the script reached its end.
    public private(set) var review = ""
    public private(set) var receipt = ""
    public private(set) var finished = false

    private enum Stage { case signIn, start, identify, confirm, live, fee, done, close }

    /// `narrate` is told each step in words (the demo prints them when it has no terminal).
    public init(display: any StationDisplay, operatorName: String, student: Student, pace: Pace,
                narrate: @escaping (String) -> Void = { _ in }) {
        self.display = display
        self.operatorName = operatorName
        self.student = student
        self.pace = pace
        self.narrate = narrate
    }

    /// The last screen's headline, for a message when the script did not finish.
    public var lastHeadline: String { screen.map { "\($0.headline) / \($0.subline)" } ?? "no screen" }

    public func show(_ content: ScreenContent) {
        display.show(content)
        if screen?.headline != content.headline { screenSince = Date() }
        screen = content
    }

    public func keys(waitMilliseconds: Int32) -> [Key] {
        let typed = display.keys(waitMilliseconds: pending.isEmpty ? waitMilliseconds : 0)
        if !typed.isEmpty { return typed }
        if !pending.isEmpty {
            Thread.sleep(forTimeInterval: pace.keySeconds)
            return [pending.removeFirst()]
        }
        guard let screen, Date().timeIntervalSince(screenSince) >= pace.readingSeconds else { return [] }
        pending = answer(screen)
        return pending.isEmpty ? [] : [pending.removeFirst()]
    }

    public var stopRequested: Bool { display.stopRequested }

    /// The keys for this screen at this stage of the script (none while it waits).
    private func answer(_ screen: ScreenContent) -> [Key] {
        let headline = screen.headline
        switch stage {
        case .signIn where headline.hasPrefix("工作人员登录"):
            narrate("the operator signs in as \(operatorName)")
            stage = .start
            return typing(operatorName)
        case .start where headline.hasPrefix("按回车开始拍照"):
            narrate("the student presses Enter to start")
            stage = .identify
            return [.enter]
        case .identify where headline.hasPrefix("请输入学号"):
            narrate("the student types the student number \(student.number) and the ID tail \(student.idTail); "
                + "the operator types the collection code \(student.collectionCode)")
            stage = .confirm
            return typing(student.number) + typing(student.idTail) + typing(student.collectionCode)
        case .confirm where headline.hasPrefix("请核对"):
            narrate("the student confirms the record: \(headline)")
            stage = .live
            liveSince = Date()
            return [.enter]
        case .live:
            return live(screen)
        case .fee where headline.hasPrefix("请缴费"):
            narrate("the operator takes the fee in cash: \(headline)")
            stage = .done
            return [.enter]
        case .done where headline.hasPrefix("照片已保存"):
            receipt = headline
            narrate("saved: \(headline)")
            stage = .close
            return [.enter]
        case .close where headline.hasPrefix("按回车开始拍照"):
            narrate("the operator closes the station (q)")
            finished = true
            return [.character("q")]
        default:
            return []
        }
    }

    /// The live picture: wait for the guidance's capture (the operator's c after a while);
    /// the review: accept (y when its checks only warn), or retake a failing photo once.
    private func live(_ screen: ScreenContent) -> [Key] {
        let headline = screen.headline
        if headline.hasPrefix("照片合格") || headline.hasPrefix("照片有") {
            review = headline
            capture = capture ?? .guidance
            narrate("the review: \(headline); accepted")
            stage = .fee
            return [headline.hasPrefix("照片有") ? .character("y") : .enter]
        }
        if headline.hasPrefix("照片不合格") {
            review = headline
            narrate("the review: \(headline); \(retook ? "the student gives up" : "a retake")")
            if retook { stage = .close; return [.escape] }
            retook = true
            capture = nil
            liveSince = Date()
            return [.character("r")]
        }
        if screen.image != nil, capture == nil, Date().timeIntervalSince(liveSince) >= pace.operatorCaptureSeconds {
            narrate("the guidance has asked \"\(headline)\" for \(Int(pace.operatorCaptureSeconds)) s: the operator takes the photo (c)")
            capture = .operatorKey
            return [.character("c")]
        }
        return []
    }

    private func typing(_ text: String) -> [Key] { text.map { Key.character($0) } + [.enter] }
}
