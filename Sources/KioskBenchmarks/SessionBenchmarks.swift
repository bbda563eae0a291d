import Capture
import DataCache
import EnrollmentFace
import FaceKit
import Fees
import Foundation
import Guidance
import ImageKit
import LiveStation
import Roster
import StationStore
import TerminalUI

/// Whole students through the station (issue 14, item 9): `StationLoop` as `kiosk run` wires
/// it (the station's default settings, the person network, the identity check), on a replayed
/// camera playing a real portrait at 30 fps, with a script for the student and the operator:
/// the collection code as a scanner's burst, the student number and ID tail typed a key at a
/// time, confirm, the guidance's own countdown and capture (the operator's capture key only
/// when the guidance has not captured within `guidanceWait`), accept, cash, the receipt. Each
/// session is a new student in one store on the temporary folder's disk.
///
/// Three figures per session, each from the same run:
/// - the station's own time per student: from the start key to the receipt on screen, less
///   the time the display waited for keys (the student's typing and reading; the script's
///   keys come 30 ms apart, as a person's) and less the posing (from the first live picture
///   to the frame the capture starts on);
/// - capture → review: from the screen of the frame the capture starts on to the review
///   screen (the burst at the camera's rate, standardisation, checks, the files' encoding),
///   apart for the captures the guidance made (whose person network ran during the
///   countdown) and those the operator forced (which run it after the burst);
/// - the store's save per photo (`StationLoop.saveMilliseconds`: both files fsynced, then
///   the commit). Targets: capture → review under 1 s, the save under 50 ms.
///
/// The portraits are station frames (`DataCache.stationFrames`: the cache's test faces over
/// plain walls, 1280×720 and 1920×1080), clean frames of two people whose photos pass the
/// checks and on which the guidance captures, in turn; the enrollment face is the cache's
/// photo of the same person. A photo that
/// fails its checks (the limits may change) still gives its capture → review time; its
/// session ends there and is counted apart.
public struct SessionBenchmarks: BenchmarkSuite {
    public var name: String { "session" }
    public var summary: String {
        "whole sessions on replayed frames: station time per student, capture → review, store save per photo"
    }

    public init() {}

    /// One student: the camera frame and the enrollment photo (a file of the cache's faces).
    /// The clean frames on which the guidance counts down and captures by itself (the guidance
    /// agreement evaluation lists them): a student the guidance holds back is not timed here.
    private static let students = [("fr_obama3__clean_d.jpg", "obama.jpg"), ("fr_biden__clean_b.jpg", "biden.jpg")]

    public func run(_ context: BenchmarkContext) throws -> [BenchmarkResult] {
        let frames = DataCache.stationFrames
        guard FileManager.default.fileExists(atPath: frames.appendingPathComponent(Self.students[0].0).path) else {
            throw BenchmarkFailure("the station frames are missing at \(frames.path): "
                + "put ../shared/eval/station-frames beside the package or set PHOTO_KIOSK_STATION_FRAMES")
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-session-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let count = context.warmup + context.iterations
        var settings = StoreSettings()
        settings.folder = work.appendingPathComponent("store").path
        let store = try StationStore(settings: settings)
        let rows = (0..<count).map { "\(Self.number($0)),北京大学,2024,张三明,123X" }
        _ = try store.importRoster(text: "student_number,school,batch,name,id_tail\n" + rows.joined(separator: "\n") + "\n")

        let options = try StationConfiguration().liveOptions()
        let detector = try FaceDetector()
        let identityCheck = try EnrollmentFaceCheck()
        let cache = DataCache(root: context.dataCache)
        var enrollments: [String: [Float]] = [:]
        for file in Set(Self.students.map(\.1)) {
            let image = try ImageFile.read(cache.face(file))
            guard let face = try detector.detect(in: image).first else { continue }
            enrollments[file] = try identityCheck.descriptor(of: image, face: face.box).values
        }

        var sessions: [SessionTimes] = []
        var saves: [Double] = []
        for index in 0..<count {
            let (frame, enrollment) = Self.students[index % Self.students.count]
            let number = StudentNumber(Self.number(index))!
            if let values = enrollments[enrollment] { try store.setEnrollmentDescriptor(values, for: number) }
            let replay = work.appendingPathComponent("replay-\(index)")
            try FileManager.default.createDirectory(at: replay, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: replay.appendingPathComponent("f0.jpg"),
                                                       withDestinationURL: frames.appendingPathComponent(frame))
            let source = try SourceSpec(parsing: "replay:\(replay.path)@30").open()
            defer { source.stop() }
            let display = ScriptedStudent(number: number.text, code: "BENCH-CODE-\(index)-0123456789")
            var loop = StationLoop(display: display, frames: source,
                                   live: LiveSession(display: display, frames: source, detector: detector, options: options),
                                   options: options,
                                   parts: .init(store: store, fees: .standard, session: .standard, identityCheck: identityCheck,
                                                operatorName: "bench", today: { CalendarDay("2023-10-20")! }))
            try loop.run(duration: 120)
            guard let times = display.times else {
                throw BenchmarkFailure("session \(index) (\(frame)) did not reach the review: \(display.lastHeadline)")
            }
            if index >= context.warmup {
                sessions.append(times)
                saves += loop.saveMilliseconds
            }
        }
        let accepted = sessions.filter { $0.station != nil }
        guard !accepted.isEmpty else {
            throw BenchmarkFailure("no photo passed its checks, so no session reached the receipt: \(sessions.count) failed at review")
        }
        func median(_ values: [Double]) -> Double { BenchmarkResult(suite: name, name: "", timings: values).medianMilliseconds }
        let stationTimes = accepted.compactMap(\.station)
        let guided = sessions.filter { !$0.forced }, forced = sessions.filter(\.forced)
        return [
            BenchmarkResult(suite: name, name: "station time per student (less posing, typing)", timings: stationTimes.map(\.wall),
                            figures: ["sessions": Double(accepted.count), "failed_at_review": Double(sessions.count - accepted.count),
                                      "whole_session_ms": median(accepted.compactMap(\.whole)),
                                      "cpu_ms": median(stationTimes.map(\.cpu))]),
            BenchmarkResult(suite: name, name: "capture → review screen, guided capture", timings: guided.map(\.captureToReview.wall),
                            figures: ["target_ms": 1000, "cpu_ms": median(guided.map(\.captureToReview.cpu)),
                                      "sessions": Double(guided.count)]),
            BenchmarkResult(suite: name, name: "capture → review screen, operator's capture key", timings: forced.map(\.captureToReview.wall),
                            figures: ["cpu_ms": median(forced.map(\.captureToReview.cpu)), "sessions": Double(forced.count)]),
            BenchmarkResult(suite: name, name: "store save per photo (files fsynced, commit)", timings: saves,
                            figures: ["target_ms": 50]),
        ]
    }

    private static func number(_ index: Int) -> String { String(format: "20249%05d", index) }
}

/// A benchmark that cannot run, and what to do about it.
struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A wall time and the process's CPU time, in milliseconds.
private struct Stamp {
    var wall: Double
    var cpu: Double

    static func - (a: Stamp, b: Stamp) -> Stamp { Stamp(wall: a.wall - b.wall, cpu: a.cpu - b.cpu) }
}

/// The times of one session; `whole` and `station` nil when the photo failed its checks.
private struct SessionTimes {
    var captureToReview: Stamp
    /// The operator's key took the photo: the guidance had not within `guidanceWait`.
    var forced = false
    var whole: Double?
    var station: Stamp?
}

/// The student and the operator as a script over the screens: what each screen asks is
/// answered at once, except the typed keys, which come 30 ms apart like a person's. Screens are
/// composed and encoded for an 100 × 30 true-colour terminal, as the station's display does.
private final class ScriptedStudent: StationDisplay {
    private var pending: [(key: Key, typed: Bool)] = []
    private var stage = Stage.start
    private var screen = GuidanceScreen(reducer: ColorReducer(mode: .trueColor, dither: .ordered))
    private var encoder = ScreenEncoder(colorTolerance: 6)
    private let number: String
    private let code: String
    private let clock = ContinuousClock.now
    /// Wall times in milliseconds since `clock`, with the process's CPU time then.
    private var started = Stamp(wall: 0, cpu: 0)
    private var waited = 0.0
    private var firstLive: Stamp?
    private var lastLive = Stamp(wall: 0, cpu: 0)
    private var captureStart: Stamp?
    private var review: Stamp?
    private var forced = false
    /// How long the script lets the guidance take the photo before the operator's key does.
    private static let guidanceWait = 10_000.0
    private var receipt: Stamp?
    private var lastScreen: ScreenContent?
    private(set) var times: SessionTimes?

    private enum Stage { case start, identify, confirm, capture, fee, done, quit }

    init(number: String, code: String) {
        self.number = number
        self.code = code
    }

    var lastHeadline: String { lastScreen.map { "\($0.headline) / \($0.subline)" } ?? "no screen" }

    private var now: Double {
        let d = ContinuousClock.now - clock
        return Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15
    }

    /// Now, with the CPU time of the whole process (every thread: the network's and the
    /// camera's too), which other programs on the machine do not inflate as they do the wall time.
    private var stamp: Stamp {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Stamp(wall: now, cpu: Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) * 1e-6)
    }

    func show(_ content: ScreenContent) {
        blackHole(encoder.encode(screen.compose(content, columns: 100, rows: 30)))
        let at = stamp
        lastScreen = content
        if stage == .done, content.headline.hasPrefix("照片已保存") { receipt = receipt ?? at }
        guard stage == .capture else { return }
        if Self.isReview(content) {
            review = review ?? at
        } else if content.headline == Instruction.processing.chinese {
            // The frame the capture started on was drawn just before.
            captureStart = captureStart ?? lastLive
        } else if review == nil {
            firstLive = firstLive ?? at
            lastLive = at
        }
    }

    func keys(waitMilliseconds: Int32) -> [Key] {
        let began = now
        defer { waited += now - began }
        guard let screen = lastScreen else { return [] }
        if !pending.isEmpty {
            let next = pending.removeFirst()
            // A person's keys, tens of milliseconds apart (a scanner's come faster).
            if next.typed { Thread.sleep(forTimeInterval: 0.03) }
            return [next.key]
        }
        switch stage {
        case .start where screen.headline.hasPrefix("按回车开始拍照"):
            stage = .identify
            started = stamp
            waited = 0
            return [.enter]
        case .identify where screen.headline.hasPrefix("请输入学号"):
            stage = .confirm
            // The scanner's burst, then the number and the ID tail typed.
            pending = (number + "\r" + "123X" + "\r").map { ($0 == "\r" ? Key.enter : .character($0), true) }
            return code.map { Key.character($0) } + [.enter]
        case .confirm where screen.headline.hasPrefix("请核对"):
            stage = .capture
            return [.enter]
        case .capture where screen.headline.hasPrefix("照片不合格"):
            // The student would retake; the static frame would fail again, so the session ends here.
            if let captureStart, let review {
                times = SessionTimes(captureToReview: review - captureStart, forced: forced, whole: nil, station: nil)
            }
            stage = .quit
            return [.escape]
        case .capture where Self.isReview(screen):
            stage = .fee
            return [screen.headline.hasPrefix("照片有") ? .character("y") : .enter]
        case .capture:
            // The guidance counts down and captures by itself on a well-posed frame; the
            // operator's key is the fallback.
            guard let firstLive, captureStart == nil, now - firstLive.wall > Self.guidanceWait else { return [] }
            forced = true
            return [.character("c")]
        case .fee where screen.headline.hasPrefix("请缴费"):
            stage = .done
            return [.enter]
        case .done where screen.headline.hasPrefix("照片已保存"):
            if let firstLive, let captureStart, let review, let receipt {
                let whole = receipt - started
                // Waiting for keys takes no CPU time to speak of: only the wall time loses it.
                times = SessionTimes(captureToReview: review - captureStart, forced: forced, whole: whole.wall,
                                     station: whole - Stamp(wall: waited, cpu: 0) - (captureStart - firstLive))
            }
            stage = .quit
            return [.enter]
        case .quit where screen.headline.hasPrefix("按回车开始拍照"):
            return [.character("q")]
        default:
            return []
        }
    }

    private static func isReview(_ content: ScreenContent) -> Bool {
        ["照片合格", "照片有", "照片不合格"].contains { content.headline.hasPrefix($0) }
    }
}
