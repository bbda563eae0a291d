import ArgumentParser
import Capture
import Compliance
import FaceKit
import Foundation
import Guidance
import ImageKit
import PhotoStandard
import TerminalUI

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the station: live picture with instructions on this terminal, automatic photo, accept or retake.",
        discussion: """
            Keys: Enter or a accepts the photo, r retakes, q or Esc quits; for the operator, o shows the \
            measured figures and c takes the photo at once.
            The preview is shown like a mirror (turn off with --no-mirror); the saved photo never is.
            Exit status: 0 after q; 1 when the camera, the face models or the terminal cannot be used \
            (the message says what to do).
            """
    )

    @Option(help: "Camera: /dev/videoN, usb:VVVV:PPPP, replay:DIR[@FPS] or pattern:[WxH][@FPS] (default: /dev/kiosk-camera, else /dev/video0).")
    var source: String?

    @Option(help: "Colours: auto (from COLORTERM/TERM), truecolor, 256 or 16.")
    var colors = "auto"

    @Option(help: "Dithering for 256 and 16 colours: none, ordered or diffusion.")
    var dither = DitherMethod.ordered.rawValue

    @Flag(help: "Show the preview as the camera sees it instead of as a mirror.")
    var noMirror = false

    @Option(help: "Guide drawn where the head belongs: oval or head-and-shoulders.")
    var guide = GuideShape.headAndShoulders.rawValue

    @Option(help: "Language shown large: zh or en.")
    var language = "zh"

    @Flag(help: "Show only the first language.")
    var noSecondLanguage = false

    @Option(help: "Folder for accepted photos.")
    var output = "photos"

    @Option(help: "Stop after this many seconds (for demonstrations and tests).")
    var duration: Double?

    func run() throws {
        let options = try parseOptions()
        let spec = try failing("camera source") { try source.map(SourceSpec.init(parsing:)) ?? SourceSpec.defaultCamera() }
        let frames = try failing("camera") { try spec.open() }
        defer { frames.stop() }
        let detector = try failing("face models") { try FaceDetector() }
        let terminal = try failing("terminal") { try Terminal() }
        var session = LiveSession(terminal: terminal, frames: frames, detector: detector, options: options)
        let result = Result { try session.run(duration: duration) }
        terminal.close()
        if case let .failure(error) = result {
            FileHandle.standardError.write(Data("kiosk run: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(session.summary)
    }

    private func parseOptions() throws -> LiveSession.Options {
        let mode: ColorMode
        if colors == "auto" {
            mode = ColorMode.detect(environment: ProcessInfo.processInfo.environment)
        } else if let chosen = ColorMode(rawValue: colors) {
            mode = chosen
        } else {
            throw ValidationError("--colors must be auto, truecolor, 256 or 16, not \"\(colors)\"")
        }
        guard let ditherMethod = DitherMethod(rawValue: dither) else {
            throw ValidationError("--dither must be none, ordered or diffusion, not \"\(dither)\"")
        }
        guard let shape = GuideShape(rawValue: guide) else {
            throw ValidationError("--guide must be oval or head-and-shoulders, not \"\(guide)\"")
        }
        guard let primary = LanguageChoice.Language(rawValue: language) else {
            throw ValidationError("--language must be zh or en, not \"\(language)\"")
        }
        if let duration, duration <= 0 { throw ValidationError("--duration must be a positive number of seconds") }
        return LiveSession.Options(reducer: ColorReducer(mode: mode, dither: ditherMethod), mirrored: !noMirror,
                                   guideShape: shape, language: LanguageChoice(primary: primary, showSecondary: !noSecondLanguage),
                                   outputFolder: URL(fileURLWithPath: output))
    }

    private func failing<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            FileHandle.standardError.write(Data("kiosk run: \(what): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// The live loop: newest frame → analysis → guidance → screen, keys in between, and the
/// burst, standardisation and review when the guidance asks for the photo.
struct LiveSession {
    struct Options {
        var reducer: ColorReducer
        var mirrored: Bool
        var guideShape: GuideShape
        var language: LanguageChoice
        var outputFolder: URL
        var spec = PhotoSpec.diplomaBlue
        /// Frames taken for the burst; the sharpest is kept.
        var burst = 5
    }

    /// The finished photo shown for accept or retake.
    private struct Review {
        var photo: RGBImage?
        var jpeg: [UInt8]
        /// What must change: the hints of the failed checks, or why no photo could be made.
        var problems: [Instruction]
        /// How many checks passed, and the clauses that only warn (for the operator's look).
        var passed = 0
        var warnings: [String] = []
    }

    let terminal: Terminal
    let frames: any FrameSource
    let analyzer: FrameAnalyzer
    let options: Options
    private var engine = GuidanceEngine()
    /// A tolerance of 6 levels per channel hides camera noise without visible banding.
    private var encoder = ScreenEncoder(colorTolerance: 6)
    private var keys = KeyDecoder()
    private var review: Review?
    private var showOperator = false
    /// The operator asked for a photo now, whatever the guidance says.
    private var forceCapture = false
    private var lastImage: RGBImage?
    private var lastMeasures: FrameMeasures?
    private var lastOutput: GuidanceOutput?
    private var saved: [String] = []
    private var analysedFrames = 0
    private var analysisSeconds = 0.0
    private var notice: (text: Instruction, until: Double)?
    private let start = ContinuousClock.now

    init(terminal: Terminal, frames: any FrameSource, detector: FaceDetector, options: Options) {
        self.terminal = terminal
        self.frames = frames
        self.options = options
        analyzer = FrameAnalyzer(detector: detector, spec: options.spec)
    }

    var summary: String {
        let stats = frames.statistics
        let perFrame = analysedFrames > 0 ? analysisSeconds / Double(analysedFrames) * 1000 : 0
        return "kiosk run: \(analysedFrames) frames analysed (\(String(format: "%.1f", perFrame)) ms each), "
            + "\(stats.dropped) skipped to stay current; \(saved.count) photo(s) saved\(saved.isEmpty ? "" : ": " + saved.joined(separator: ", "))"
    }

    private var now: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    mutating func run(duration: Double?) throws {
        while duration.map({ now < $0 }) ?? true {
            if try !handleKeys() { return }
            if terminal.takeResize() { encoder.invalidate() }
            if review != nil || engine.phase == .accepted {
                draw()
                continue
            }
            let frame: Frame
            do {
                frame = try frames.nextFrame(timeout: .milliseconds(200))
            } catch CaptureError.timeout {
                continue
            }
            try step(frame)
        }
    }

    /// One camera frame through analysis, guidance and the screen; the time measured is
    /// decoding plus analysis.
    private mutating func step(_ frame: Frame) throws {
        let began = ContinuousClock.now
        // MJPEG is decoded at the smallest DCT scale that still covers the analysis width;
        // only the burst is decoded in full.
        let decodeScale = JPEGScale.allCases.last { frame.width / $0.rawValue >= analyzer.analysisWidth } ?? .full
        let small = analyzer.reducedCopy(of: try frame.rgbImage(scale: decodeScale))
        let measures = try analyzer.analyzeReduced(small, scale: Double(frame.width) / Double(small.width), time: now)
        let took = ContinuousClock.now - began
        analysisSeconds += Double(took.components.attoseconds) * 1e-18 + Double(took.components.seconds)
        analysedFrames += 1
        let output = engine.update(measures)
        lastImage = small
        lastMeasures = measures
        lastOutput = output
        draw()
        if output.captureNow || (forceCapture && measures.face != nil) {
            forceCapture = false
            engine.startCapture()
            try capture(first: try frame.rgbImage(), measures: measures)
        }
    }

    /// The burst: this frame and the next few at full resolution, the sharpest face kept,
    /// then standardised and checked.
    private mutating func capture(first: RGBImage, measures: FrameMeasures) throws {
        guard let face = measures.face else { return engine.captured(passed: false) }
        let box = face.box.scaled(by: measures.analysisScale)
        var best = (image: first, sharpness: ImageMeasures.laplacianVariance(first.grayscale(), in: box))
        for _ in 1..<options.burst {
            guard let frame = try? frames.nextFrame(timeout: .milliseconds(500)), let image = try? frame.rgbImage() else { break }
            let sharpness = ImageMeasures.laplacianVariance(image.grayscale(), in: box)
            if sharpness > best.sharpness { best = (image, sharpness) }
        }
        lastOutput?.instruction = .processing
        draw()
        do {
            let landmarks = try analyzer.detector.landmarks(in: best.image, box: box)
            let photo = try Standardizer(spec: options.spec).standardize(best.image, landmarks: landmarks)
            // Other people in the frame count too, so the whole frame is searched once more.
            let faces = (try? analyzer.detector.faceBoxes(
                in: best.image, options: FaceDetectionOptions(minimumFaceSize: max(FaceDetectionOptions.detectorWindow, box.width / 2)))) ?? []
            let report = ComplianceChecker(spec: options.spec).check(photo, source: best.image, landmarks: landmarks, faces: faces)
            let problems = report.failures.map { failed in
                failed.hint.map { Instruction(chinese: $0.chinese, english: $0.english) }
                    ?? Instruction(chinese: failed.clause, english: failed.clause)
            }
            review = Review(photo: photo.image, jpeg: photo.jpeg, problems: problems,
                            passed: report.results.filter { $0.verdict == .pass }.count,
                            warnings: report.warnings.map(\.clause))
            engine.captured(passed: problems.isEmpty)
        } catch let StandardizeError.framing(problem) {
            review = Review(photo: nil, jpeg: [], problems: [Instruction(chinese: problem.chinese, english: problem.english)])
            engine.captured(passed: false)
        } catch {
            // Segmentation or encoding failed: the student retakes, the operator reads why.
            review = Review(photo: nil, jpeg: [], problems: [Instruction(chinese: "照片处理失败：\(error)", english: "The photo could not be made: \(error)")])
            engine.captured(passed: false)
        }
    }

    /// Reacts to the keys typed since the last frame; false when the operator quits.
    private mutating func handleKeys() throws -> Bool {
        let wait: Int32 = review != nil || engine.phase == .accepted ? 100 : 0
        for key in keys.decode(terminal.readInput(timeoutMilliseconds: wait)) {
            switch key {
            case .character("q"), .escape:
                return false
            case .character("r"):
                review = nil
                engine.retake()
                analyzer.reset()
            case .character("a"), .enter:
                if let review, review.problems.isEmpty, !review.jpeg.isEmpty, case .review = engine.phase {
                    try save(review.jpeg)
                    engine.accept()
                    notice = (.accepted, now + 2)
                }
            case .character("o"):
                showOperator.toggle()
            case .character("c"):
                forceCapture = true
            default:
                break
            }
        }
        if engine.phase == .accepted, let notice, now > notice.until {
            self.notice = nil
            review = nil
            engine.retake()
            analyzer.reset()
        }
        return true
    }

    private mutating func save(_ jpeg: [UInt8]) throws {
        try FileManager.default.createDirectory(at: options.outputFolder, withIntermediateDirectories: true)
        let stamp = Int(Date().timeIntervalSince1970 * 1000)
        let url = options.outputFolder.appendingPathComponent("photo-\(stamp).jpg")
        try Data(jpeg).write(to: url)
        saved.append(url.path)
    }

    private mutating func draw() {
        let size = terminal.size
        let screen = GuidanceScreen(reducer: options.reducer)
        let content = review.map(reviewContent) ?? liveContent()
        terminal.write(encoder.encode(screen.compose(content, columns: size.columns, rows: size.rows)))
    }

    private func liveContent() -> ScreenContent {
        let language = options.language
        var content = ScreenContent(image: lastImage, mirrored: options.mirrored, guideShape: options.guideShape)
        if let image = lastImage {
            let box = GuideGeometry(spec: options.spec).headBox(frame: image.size)
            content.guide = UnitRect(x: box.x, y: box.y, width: box.width, height: box.height)
        }
        guard let output = lastOutput else {
            content.headline = language.label(Instruction(chinese: "正在启动摄像头", english: "Starting the camera"))
            return content
        }
        content.tone = switch output.phase {
        case .countdown, .capturing: .capture
        case .guiding: output.issue == nil && lastMeasures?.face != nil ? .good : (output.issue == nil ? .neutral : .adjust)
        case .review, .accepted: .good
        }
        let shown = notice?.text ?? output.instruction
        if let shown { (content.headline, content.subline) = language.lines(shown) }
        content.countdown = output.countdown
        content.checks = output.checks.map { group, holds in
            CheckMark(language.label(group.label), holds.map { $0 ? .pass : .fail } ?? .pending)
        }
        content.footer = footer()
        return content
    }

    private func reviewContent(_ review: Review) -> ScreenContent {
        let language = options.language
        var content = ScreenContent(image: review.photo, mirrored: false, tone: review.problems.isEmpty ? .good : .failure)
        let verdict = review.problems.first.map {
            Instruction(chinese: "照片不合格：\($0.chinese) 请按 R 重拍", english: "Not accepted: \($0.english) Press R to retake")
        } ?? Instruction(chinese: "照片合格：回车确认，R 重拍", english: "Photo meets the standard: Enter to accept, R to retake")
        (content.headline, content.subline) = language.lines(notice?.text ?? verdict)
        if review.problems.isEmpty {
            content.checks = [CheckMark(language.label(Instruction(chinese: "\(review.passed) 项通过", english: "\(review.passed) checks pass")), .pass),
                              CheckMark("480×640 JPEG \(review.jpeg.count / 1024) KB", .pass)]
                + review.warnings.prefix(2).map { CheckMark($0, .pending) }
        } else {
            content.checks = review.problems.dropFirst().prefix(2).map { CheckMark(language.label($0), .fail) }
        }
        content.footer = footer()
        return content
    }

    private func footer() -> String {
        var text = "q 退出 quit · r 重拍 retake · Enter 确认 accept · o 数据 figures · c 拍照 capture"
        if showOperator, let m = lastMeasures {
            let pose = m.face?.measures.pose
            text = String(format: "yaw %.0f pitch %.0f roll %.0f · light %+.2f · exposure %.0f · sharp %.0f · motion %.2f · %@ · skipped %d",
                          pose?.yaw ?? 0, pose?.pitch ?? 0, m.face?.measures.roll ?? 0, m.lightBalance, m.exposure,
                          m.sharpness, m.motion ?? 0, m.framing?.rawValue ?? "crop ok", frames.statistics.dropped)
        }
        return text
    }
}

extension PixelRect {
    /// This rectangle in an image `factor` times larger.
    fileprivate func scaled(by factor: Double) -> PixelRect {
        PixelRect(x: Int(Double(x) * factor), y: Int(Double(y) * factor),
                  width: Int(Double(width) * factor), height: Int(Double(height) * factor))
    }
}
