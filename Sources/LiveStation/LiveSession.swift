import Capture
import Compliance
import FaceKit
import FileOutput
import Foundation
import Guidance
import ImageKit
import PhotoStandard
import StationMetrics
import TerminalUI

/// The live loop of one student's photo: newest frame → analysis → guidance → screen, keys in
/// between, and the burst, standardisation, checks and review when the guidance asks for the
/// photo; `takePhoto` returns the accepted photo (the station session saves it).
///
/// Keys: Enter or a accepts a passing photo, y accepts one whose checks only warn (after the
/// warnings were read out on the review), r retakes, Esc gives up (back to the start), q quits
/// the station; o shows the measured figures, c takes the photo at once, p takes a clean plate
/// at the next frame with nobody in view.
///
/// The capture goes through `ComplianceChecker.standardizeAndCheck`, the path of `kiosk
/// standardize`, and its report is the one `kiosk check PHOTO --source FRAME --json` gives on
/// the photo and its source frame (PNG) as accepted. A camera that goes away is shown as such
/// and waited for: the loop keeps asking the source, which reopens it when it returns.
///
/// The station takes its own clean plate (`PlateKeeper`) whenever the view is empty and still,
/// and every photo is made with it when it fits the captured frame.
public struct LiveSession {
    /// How the station looks and what it makes.
    public struct Options: Sendable {
        /// The preview is shown like a mirror; the saved photo never is.
        public var mirrored: Bool
        public var guideShape: GuideShape
        public var language: LanguageChoice
        public var spec: PhotoSpec
        /// The person network the standardiser segments with (nil: grabCut alone).
        public var network: PersonNetwork?
        public var limits: ComplianceLimits
        /// Frames taken for the burst; the sharpest is kept.
        public var burst: Int
        /// When the clean plate is taken and dropped.
        public var plate: PlateSettings

        public init(mirrored: Bool = true, guideShape: GuideShape = .headAndShoulders, language: LanguageChoice = LanguageChoice(),
                    spec: PhotoSpec = .diplomaBlue, network: PersonNetwork? = nil,
                    limits: ComplianceLimits = .standard, burst: Int = 5, plate: PlateSettings = PlateSettings()) {
            self.mirrored = mirrored
            self.guideShape = guideShape
            self.language = language
            self.spec = spec
            self.network = network
            self.limits = limits
            self.burst = burst
            self.plate = plate
        }
    }

    /// What the last photo was made with.
    public struct CaptureRecord: Sendable, Hashable {
        /// How the station's plate stood against the captured frame.
        public var plate: PlateVerdict
        /// Whether the plate went into the standardiser (only a plate that fits does).
        public var usedPlate: Bool { plate == .fits }
    }

    /// What the screen says while the camera is away.
    public static let cameraDisconnected = Instruction(chinese: "摄像头未连接，请检查 USB 线",
                                                       english: "Camera disconnected — check the USB cable")

    /// A photo the student accepted, with what the station keeps of it.
    public struct AcceptedPhoto: Sendable {
        /// The 480 × 640 JPEG.
        public var jpeg: [UInt8]
        /// The camera frame it was cut from, as a lossless PNG (the store's source frame).
        public var sourceFrame: [UInt8]
        /// The checks' report as `kiosk check PHOTO --source FRAME --json` prints it (without its last newline).
        public var report: Data
        /// The frame itself and the person's face in it, for the identity check.
        public var frame: RGBImage
        public var faceBox: PixelRect?
    }

    /// How taking a photo ended.
    public enum Outcome: Sendable {
        case accepted(AcceptedPhoto)
        /// Esc: the student gave up.
        case cancelled
        /// Nobody answered the live picture or the review in time.
        case timedOut
        /// q: the operator closes the station.
        case quit
    }

    /// The finished photo shown for accept or retake.
    private struct Review {
        var photo: RGBImage?
        var jpeg: [UInt8]
        /// The checks' report (JSON), as the store keeps it.
        var reportFile: Data = Data()
        var frame: RGBImage?
        var faceBox: PixelRect?
        /// What must change: the hints of the failed checks, or why no photo could be made.
        var problems: [Instruction]
        /// How many checks passed, and what the checks that only warn say (a reviewer may
        /// reject these: accepting them takes its own key).
        var passed = 0
        var warnings: [Instruction] = []
        /// Enter was pressed on a photo with warnings: the screen asks for y.
        var confirmationAsked = false
        /// How the plate stood against the captured frame (used only when it fits).
        var plate: PlateVerdict
    }

    let display: any StationDisplay
    let frames: any FrameSource
    let analyzer: FrameAnalyzer
    let options: Options
    private var engine = GuidanceEngine()
    private var plates: PlateKeeper
    private var review: Review?
    private var showOperator = false
    /// The operator asked for a photo now, whatever the guidance says.
    private var forceCapture = false
    private var lastImage: RGBImage?
    private var lastMeasures: FrameMeasures?
    private var lastOutput: GuidanceOutput?
    private let detector: FaceDetector
    /// The photo accepted on the review, until `takePhoto` hands it over.
    private var accepted: AcceptedPhoto?
    /// The last capture's plate, nil before the first.
    public private(set) var lastCapture: CaptureRecord?
    /// Why the camera is away, while it is.
    private var disconnection: String?
    private var analysedFrames = 0
    private var analysisSeconds = 0.0
    /// A line for the operator in the footer (the answer to p), until the time given.
    private var operatorNote: (text: String, until: Double)?
    /// Where the analysis time, captures, failed clauses and acceptances are counted.
    public var meters = StationMeters()
    /// The person network's map of a frame of the countdown, made on another thread while the
    /// student holds still, for the capture's standardisation (`PersonMap`), and when it was begun.
    private var personForecast: (begun: Double, map: Beside<PersonMap?>)?
    /// A map begun longer ago than this is not used: a countdown that breaks off and starts
    /// again within it keeps the map (the capture checks that the face's window still fits)
    /// rather than run the network once more; the countdown itself lasts 2.1 s.
    private static let forecastLife = 3.0
    /// The look at the full frame begun when the countdown began, on another thread
    /// (`FrameAnalyzer.fullFrameLook`: a full-frame scan, maybe dlib's CNN, and a grabCut of the
    /// person for the backdrop, up to half a second, which the live picture must not wait for);
    /// its frame's measures and picture, until its answer is given to the analyzer.
    private var fullFrameLook: (measures: FrameMeasures, image: RGBImage, look: Beside<FullFrameLook?>)?
    private let start = ContinuousClock.now

    public init(display: any StationDisplay, frames: any FrameSource, detector: FaceDetector, options: Options) {
        self.display = display
        self.frames = frames
        self.options = options
        self.detector = detector
        analyzer = FrameAnalyzer(detector: detector, checker: ComplianceChecker(spec: options.spec, limits: options.limits))
        engine = GuidanceEngine(thresholds: GuidanceThresholds(limits: options.limits))
        plates = PlateKeeper(settings: options.plate)
    }

    /// One line for the log: frames analysed, time per frame, frames skipped.
    public var summary: String {
        let stats = frames.statistics
        let perFrame = analysedFrames > 0 ? analysisSeconds / Double(analysedFrames) * 1000 : 0
        return "\(analysedFrames) frames analysed (\(String(format: "%.1f", perFrame)) ms each), \(stats.dropped) skipped to stay current"
    }

    private var now: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// One student's photo: the live guidance until the capture, then the review, until the
    /// student accepts a photo, gives up (Esc), or the operator quits (q); `captureSeconds`
    /// without a photo or `reviewSeconds` on the review without an answer time it out. Throws
    /// when a frame cannot be used; a camera that is away is waited for, which is not an error.
    public mutating func takePhoto(captureSeconds: Double, reviewSeconds: Double) throws -> Outcome {
        review = nil
        accepted = nil
        personForecast = nil
        fullFrameLook = nil
        engine.retake()
        analyzer.reset()
        var phaseStart = now
        var reviewing = false
        while true {
            // Asked to stop (SIGTERM): as q, so a photo not yet accepted is discarded, never half-kept.
            if display.stopRequested { return .quit }
            if let outcome = handleKeys() { return outcome }
            if let accepted { return .accepted(accepted) }
            if reviewing != (review != nil) {
                reviewing = review != nil
                phaseStart = now
            }
            if now - phaseStart >= (reviewing ? reviewSeconds : captureSeconds) { return .timedOut }
            if review != nil {
                draw()
                continue
            }
            let frame: Frame
            do {
                frame = try frames.nextFrame(timeout: .milliseconds(200))
            } catch CaptureError.timeout {
                continue
            } catch let CaptureError.disconnected(path, reason) {
                disconnection = "\(path): \(reason)"
                draw()
                continue
            }
            disconnection = nil
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
        takeFullFrameLook(waiting: false)
        let measures = try analyzer.analyzeReduced(small, scale: Double(frame.width) / Double(small.width), time: now,
                                                   plate: plates.viewImage)
        let took = ContinuousClock.now - began
        analysisSeconds += Double(took.components.attoseconds) * 1e-18 + Double(took.components.seconds)
        analysedFrames += 1
        meters.analysed(in: took)
        // The plate comes from the same analysis copy; the frame is decoded in full only when
        // the keeper takes it.
        let event = try plates.observe(small, time: measures.time, personInView: measures.face != nil) {
            try frame.rgbImage()
        }
        switch event {
        case .taken(requested: true): operatorNote = ("plate taken", now + 3)
        case .requestRefused: operatorNote = ("plate refused: someone is in view", now + 3)
        default: break
        }
        let output = engine.update(measures)
        lastImage = small
        lastMeasures = measures
        lastOutput = output
        if output.countdownBegins(at: measures.time) || (fullFrameLook == nil && analyzer.lookDue(at: measures.time)) {
            beginFullFrameLook(measures: measures, frame: frame)
        }
        guard output.captureNow || (forceCapture && measures.face != nil) else { return draw() }
        // The countdown's look, when still running (a slow or busy machine), is waited for:
        // what it finds calls off the guidance's capture as it would have stopped the countdown
        // (its map, if it starts one, is the countdown's own frame's). This frame is then not
        // drawn, so the screen never says it is taking a photo it does not take; the next one
        // asks for what the look found. The operator's c takes the photo whatever it finds.
        let look = takeFullFrameLook(waiting: true)
        if !forceCapture, look?.asksForSomething == true {
            return engine.callOffCapture()
        }
        draw()
        forceCapture = false
        engine.startCapture()
        try capture(first: try frame.rgbImage(), measures: measures)
    }

    /// The first frame of a countdown, decoded in full once, is looked at beside the live
    /// picture for what the analysis copy is too small to show (`fullFrameLook`: other people,
    /// a shadow on the backdrop); when it finds something, the frames after the answer stop
    /// the countdown and ask for it, and a frame is looked at again while they do
    /// (`FrameAnalyzer.lookDue`).
    private mutating func beginFullFrameLook(measures: FrameMeasures, frame: Frame) {
        guard measures.face != nil, let image = try? frame.rgbImage() else { return }
        let analyzer = analyzer
        fullFrameLook = (measures, image, Beside { try? analyzer.fullFrameLook(image, measures: measures) })
    }

    /// Gives the analyzer the answer of the look at the full frame, when there is one (with
    /// `waiting`, waits for it). A look that failed finds nothing: the capture's checks look at
    /// the frame again. When it found nothing to ask for, the person network's map of the
    /// look's frame is made beside the live picture while the student holds still, so that
    /// the capture does not wait for the network's pass (the capture runs the network itself
    /// when the student has moved since, or when the map is not there).
    @discardableResult
    private mutating func takeFullFrameLook(waiting: Bool) -> FullFrameLook? {
        guard let pending = fullFrameLook, let answer = waiting ? pending.look.value : pending.look.ready else { return nil }
        fullFrameLook = nil
        let look = answer ?? .nothing
        analyzer.note(look, seenAt: pending.measures.time)
        if !look.asksForSomething, options.network != nil, let face = pending.measures.face,
           forecast(at: pending.measures.time) == nil {
            forecastPerson(in: pending.image, landmarks: face.landmarks.transformed(scale: pending.measures.analysisScale),
                           at: pending.measures.time)
        }
        return look
    }

    private mutating func forecastPerson(in image: RGBImage, landmarks: FaceLandmarks, at time: Double) {
        let segmenter = standardizer.segmenter
        personForecast = (time, Beside { try? segmenter.personMap(image, face: FaceGeometry(landmarks)) })
    }

    /// The map begun within `forecastLife` before `time`, if there is one.
    private func forecast(at time: Double) -> Beside<PersonMap?>? {
        guard let personForecast, time - personForecast.begun <= Self.forecastLife else { return nil }
        return personForecast.map
    }

    /// The standardiser of this station's spec and person network.
    private var standardizer: Standardizer { Standardizer(spec: options.spec, network: options.network) }

    /// The burst: this frame and the next few at full resolution, the sharpest face kept,
    /// then standardised and checked.
    private mutating func capture(first: RGBImage, measures: FrameMeasures) throws {
        guard let face = measures.face else { return engine.captured(passed: false) }
        let box = face.box.scaled(by: measures.analysisScale)
        // The operator's key skips the countdown: the map is made while the burst is taken.
        if forecast(at: measures.time) == nil, options.network != nil {
            forecastPerson(in: first, landmarks: face.landmarks.transformed(scale: measures.analysisScale), at: measures.time)
        }
        var best = (image: first, sharpness: ImageMeasures.laplacianVariance(first.grayscale(), in: box))
        for _ in 1..<options.burst {
            guard let frame = try? frames.nextFrame(timeout: .milliseconds(500)), let image = try? frame.rgbImage() else { break }
            let sharpness = ImageMeasures.laplacianVariance(image.grayscale(), in: box)
            if sharpness > best.sharpness { best = (image, sharpness) }
        }
        lastOutput?.instruction = .processing
        draw()
        // The plate must fit the very frame it is used with (the light or the camera may have
        // changed since the last still frame it was checked on).
        let plate = plates.verdict(for: best.image)
        lastCapture = CaptureRecord(plate: plate)
        let checker = analyzer.checker
        var standardizer = standardizer
        standardizer.segmenter.earlierMap = personForecast?.map.value ?? nil
        personForecast = nil
        do {
            let (photo, report) = try checker.standardizeAndCheck(best.image, plate: plate == .fits ? plates.image : nil,
                                                                  detector: detector, standardizer: standardizer)
            review = Review(photo: photo.image, jpeg: photo.jpeg, reportFile: try report.json(), frame: best.image, faceBox: box,
                            problems: report.failures.map(Self.instruction),
                            passed: report.results.filter { $0.verdict == .pass }.count,
                            warnings: report.warnings.map(Self.instruction), plate: plate)
            engine.captured(passed: report.failures.isEmpty)
            meters.captured(failedClauses: report.failures.map(\.clause))
        } catch let StandardizeError.framing(problem) {
            review = Review(photo: nil, jpeg: [], problems: [Instruction(chinese: problem.chinese, english: problem.english)],
                            plate: plate)
            engine.captured(passed: false)
        } catch {
            // Segmentation, encoding or the face models failed: the student retakes, the operator reads why.
            review = Review(photo: nil, jpeg: [], problems: [Self.notMade(error)],
                            plate: plate)
            engine.captured(passed: false)
        }
        // Shown now, not after the next wait for keys.
        draw()
    }

    /// Why no photo could be made, for the operator to read (the student retakes).
    private static func notMade(_ error: any Error) -> Instruction {
        Instruction(chinese: "照片处理失败：\(error)", english: "The photo could not be made: \(error)")
    }

    /// What a check that fails or warns asks for, in words.
    private static func instruction(_ result: CheckResult) -> Instruction {
        result.hint.map { Instruction(chinese: $0.chinese, english: $0.english) } ?? Instruction(chinese: result.clause, english: result.clause)
    }

    /// Reacts to the keys typed since the last frame; the outcome when they end the photo.
    private mutating func handleKeys() -> Outcome? {
        let wait: Int32 = review != nil ? 100 : 0
        for key in display.keys(waitMilliseconds: wait) {
            switch key {
            case .character("q"):
                return .quit
            case .escape:
                return .cancelled
            case .character("r"):
                review = nil
                engine.retake()
                analyzer.reset()
            case .character("a"), .enter:
                // A photo with warnings is not accepted on Enter: the review asks for y.
                if let current = review, current.problems.isEmpty, !current.jpeg.isEmpty, !current.warnings.isEmpty {
                    review?.confirmationAsked = true
                } else {
                    accept()
                }
            case .character("y"):
                if review?.warnings.isEmpty == false { accept() }
            case .character("o"):
                showOperator.toggle()
            case .character("c"):
                forceCapture = true
            case .character("p"):
                operatorNote = plates.requestPlate() ? ("plate: taking one at the next frame", now + 3)
                    : ("plate refused: someone is in view", now + 3)
            default:
                break
            }
            if accepted != nil { return nil }
        }
        return nil
    }

    /// Accepts the photo on the review when it has no failed check. The source frame's PNG is
    /// compressed here, not before the review: the review does not need it and compressing a
    /// full camera frame losslessly is a good part of a capture's time. A frame that cannot be
    /// encoded is a problem on the review: the student retakes.
    private mutating func accept() {
        guard let review, review.problems.isEmpty, !review.jpeg.isEmpty, let frame = review.frame,
              case .review = engine.phase else { return }
        let sourceFrame: [UInt8]
        do {
            sourceFrame = try SourceFrameFile.png(frame)
        } catch {
            self.review?.problems = [Self.notMade(error)]
            return
        }
        engine.accept()
        meters.accepted()
        accepted = AcceptedPhoto(jpeg: review.jpeg, sourceFrame: sourceFrame, report: review.reportFile,
                                 frame: frame, faceBox: review.faceBox)
    }

    private func draw() {
        display.show(review.map(reviewContent) ?? disconnection.map(disconnectedContent) ?? liveContent())
    }

    /// No picture while the camera is away, so nobody poses in front of a frozen one.
    private func disconnectedContent(_ reason: String) -> ScreenContent {
        var content = ScreenContent(image: nil, mirrored: options.mirrored, guideShape: options.guideShape, tone: .failure)
        (content.headline, content.subline) = options.language.lines(Self.cameraDisconnected)
        content.footer = "\(reason) · q 退出 quit"
        return content
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
        case .guiding: output.checks.allSatisfy { $0.1 == true } ? .good : (output.issue == nil ? .neutral : .adjust)
        case .review, .accepted: .good
        }
        let shown = output.instruction
        if let shown { (content.headline, content.subline) = language.lines(shown) }
        content.countdown = output.countdown
        content.checks = output.checks.map { group, holds in
            CheckMark(language.label(group.label), holds.map { $0 ? .pass : .fail } ?? .pending)
        }
        content.footer = footer(plate: nil)
        return content
    }

    private func reviewContent(_ review: Review) -> ScreenContent {
        let language = options.language
        var content = ScreenContent(image: review.photo, mirrored: false,
                                    tone: !review.problems.isEmpty ? .failure : review.warnings.isEmpty ? .good : .adjust)
        let verdict: Instruction
        if let problem = review.problems.first {
            verdict = Instruction(chinese: "照片不合格：\(problem.chinese) 请按 R 重拍", english: "Not accepted: \(problem.english). Press R to retake")
        } else if let warning = review.warnings.first {
            // A reviewer may reject what only warns: the student or operator reads it and decides.
            let count = review.warnings.count
            verdict = Instruction(
                chinese: "照片有\(count)项需确认：\(warning.chinese) \(review.confirmationAsked ? "回车不能确认，" : "")按 Y 接受，按 R 重拍",
                english: "\(count) to confirm: \(warning.english). \(review.confirmationAsked ? "Enter cannot accept it; " : "")"
                    + "Y accepts it as it is, R retakes")
        } else {
            verdict = Instruction(chinese: "照片合格：回车确认，R 重拍", english: "Photo meets the standard: Enter to accept, R to retake")
        }
        (content.headline, content.subline) = language.lines(verdict)
        if review.problems.isEmpty {
            content.checks = [CheckMark(language.label(Instruction(chinese: "\(review.passed) 项通过", english: "\(review.passed) checks pass")), .pass),
                              CheckMark("480×640 JPEG \(review.jpeg.count / 1024) KB", .pass)]
                + review.warnings.dropFirst().prefix(2).map { CheckMark(language.label($0), .pending) }
        } else {
            content.checks = review.problems.dropFirst().prefix(2).map { CheckMark(language.label($0), .fail) }
        }
        content.footer = footer(plate: review.plate)
        return content
    }

    /// The keys, or with o the operator's figures: the last frame's measures, the plate's state
    /// and, on a review, whether the photo was made with the plate.
    private func footer(plate used: PlateVerdict?) -> String {
        var text = "Esc 返回 back · r 重拍 retake · Enter 确认 accept · o 数据 figures · c 拍照 capture · p 背景 plate · q 关机 quit"
        if showOperator, let m = lastMeasures {
            var parts: [String] = []
            if m.face != nil, let f = m.figures {
                // The compliance figures the guidance judges, on the analysis copy.
                parts.append(f.yaw.map { String(format: "yaw %.0f", $0) } ?? "yaw -")
                parts.append(f.pitch.map { String(format: "pitch %.0f", $0) } ?? "pitch -")
                parts.append(String(format: "roll %.1f · eyes %.2f · mouth %.2f · light %+.2f stops · skin L* %.0f · sharp %.2f",
                                    f.roll, f.eyeOpening, f.mouthOpening, f.lightBalance, f.skinLightness, f.sharpness))
                // The light around the head, against the plate's when the station has one.
                parts.append((f.sceneLightness.map { String(format: "scene L* %.0f", $0) } ?? "scene -")
                    + (m.backdropReference.map { String(format: " (backdrop %.0f)", $0) } ?? " (no backdrop: panel defaults)"))
                parts.append(m.motion.map { String(format: "motion %.2f", $0) } ?? "motion -")
                parts.append(m.framing?.rawValue ?? "crop ok")
            } else {
                // Without a face nothing about the face is measured: no pose, light or focus.
                parts.append(m.framing == .severalPeople ? "several people" : "no face")
            }
            parts.append("skipped \(frames.statistics.dropped)")
            parts.append("plate: \(plates.state)")
            if let used { parts.append(used == .fits ? "photo made with the plate" : "photo made without a plate (\(used))") }
            text = parts.joined(separator: " · ")
        }
        if let note = operatorNote, now < note.until { text += " · " + note.text }
        return text
    }
}
