import Compliance
import FaceKit
import Foundation
import ImageKit
import PhotoStandard

/// Measures one frame after another on a reduced copy: the person and who else is in view,
/// followed by FaceKit's `FaceTracker` under the one rule (`PeopleRule`); the compliance
/// checks of the frame with their figures (`ComplianceChecker.frameCheck`: pose, eyes, mouth,
/// light, exposure, people, framing and the rest); and how fast the face moves.
public final class FrameAnalyzer: @unchecked Sendable {
    public let detector: FaceDetector
    /// The checks every frame goes through; their limits are the station's.
    public let checker: ComplianceChecker
    /// Width of the analysis copy in pixels; frames narrower are used as they are. At 640 a
    /// seated student in a 1920×1080 frame (a face about 300 px wide) keeps a face of 100 px,
    /// above the detector's 80-px window.
    public let analysisWidth: Int
    private let tracker: FaceTracker
    /// What the last look at the full frame found (`note`), and until when it counts.
    private var looked: (look: FullFrameLook, until: Double)?
    /// Seconds a look at the full frame that found nothing to ask for counts (its scene results
    /// join the frame's checks). One that found something (other people to leave, a shadow off
    /// the backdrop) counts until the next look answers: the guidance asks for it and looks
    /// again from half this time on (`lookDue`), so the instruction cannot lapse into "hold
    /// still" on a machine so busy that the next look answers after this time.
    public var lookMemory = 3.0
    /// The face the motion is measured from and when, and the last speed measured.
    private var previous: (landmarks: FaceLandmarks, time: Double, scale: Double)?
    private var lastMotion: Double?
    /// The shortest time the motion is measured over, seconds. Frames that arrive closer
    /// together (queued behind a slow step, such as the search for others when a countdown
    /// begins) keep the last speed: a pixel of landmark jitter between a region search and a
    /// whole-frame one over 5 ms reads as a fast movement and stopped countdowns.
    public var motionInterval = 0.06

    /// - Parameter tracking: how the face is followed on the analysis copy. The smallest face
    ///   kept is 64 px, the boxes dlib gives its smallest finds (its window is 80 px): a face
    ///   too far away for the photo is still found, so the guidance can ask to come closer.
    public init(detector: FaceDetector, checker: ComplianceChecker = ComplianceChecker(), analysisWidth: Int = 640,
                tracking: FaceTrackerOptions = FaceTrackerOptions(minimumFaceSize: 64)) {
        self.detector = detector
        self.checker = checker
        self.analysisWidth = analysisWidth
        tracker = FaceTracker(detector: detector, options: tracking, people: checker.people)
    }

    /// Forgets the followed face (a new person sits down).
    public func reset() {
        tracker.reset()
        previous = nil
        lastMotion = nil
        looked = nil
    }

    /// Looks at `frame`, the full-resolution frame whose analysis gave `measures`, and makes
    /// the next `lookMemory` seconds of measures carry what it found (`fullFrameLook`, then
    /// `note`). Returns what it found.
    @discardableResult
    public func lookAtFullFrame(_ frame: RGBImage, measures: FrameMeasures) throws(FaceError) -> FullFrameLook {
        let look = try fullFrameLook(frame, measures: measures)
        note(look, seenAt: measures.time)
        return look
    }

    /// What `frame`, the full-resolution frame whose analysis gave `measures`, shows that the
    /// analysis copy cannot: the other people in view, and the scene's results from the
    /// person's mask (`ComplianceChecker.sceneResults`: a shadow on the backdrop, the top of
    /// the hair against the frame's edge).
    ///
    /// The analysis copy shows no face under the tracker's 64 px, while the one rule counts
    /// every face from 0.3 of the person's width (`PeopleRule`): a second face half as wide as
    /// the student's, behind a shoulder, is found on the full frame only. The backdrop is judged
    /// on the capture's frame by the mask a grabCut of it gives, which the guidance must judge
    /// by the same function to agree with the photo's report. Both are too slow for every frame
    /// (a full-frame scan, maybe dlib's CNN on a half-hidden face, a grabCut), so the guidance
    /// looks when the countdown begins, and again while it asks for what a look found
    /// (`lookDue`), with the settings the capture uses. It changes
    /// nothing in the analyzer, so it may run on another thread while the next frames are
    /// analysed; `note` then gives its answer.
    public func fullFrameLook(_ frame: RGBImage, measures: FrameMeasures) throws(FaceError) -> FullFrameLook {
        guard let face = measures.face else { return .nothing }
        let main = face.box.scaled(by: measures.analysisScale)
        let others = checker.people.others(try detector.people(in: frame, rule: checker.people, main: main), main: main).count
        // With others in view the guidance asks them to leave first; the backdrop is looked at
        // on the countdown after.
        guard others == 0 else { return FullFrameLook(others: others, scene: []) }
        let landmarks = face.landmarks.transformed(scale: measures.analysisScale)
        return FullFrameLook(others: 0, scene: checker.sceneResults(frame, landmarks: landmarks))
    }

    /// Whether a look at the full frame is due at `time` although no countdown begins: the last
    /// look found something to ask for, and half `lookMemory` has passed. What it found is asked
    /// for until this look answers, so the instruction stays on screen until a look finds the
    /// problem gone, instead of giving way to "hold still" and a countdown the next look stops.
    public func lookDue(at time: Double) -> Bool {
        guard let looked, looked.look.asksForSomething else { return false }
        return time >= looked.until - lookMemory / 2
    }

    /// Makes the measures after `time` carry `look`, what `fullFrameLook` found on the frame of
    /// `time` (several people when it found others, and its scene results among the frame's
    /// checks): until the next look answers when it asks for something, else for `lookMemory`
    /// seconds.
    public func note(_ look: FullFrameLook, seenAt time: Double) {
        looked = (look, time + lookMemory)
    }

    /// The measures of `frame` (full resolution) taken at `time` seconds.
    public func analyze(_ frame: RGBImage, time: Double) throws(FaceError) -> FrameMeasures {
        let small = reducedCopy(of: frame)
        return try analyzeReduced(small, scale: Double(frame.width) / Double(small.width), time: time)
    }

    /// The analysis copy of `frame` (the frame itself when it is narrow enough); the live
    /// preview is drawn from it too, as the terminal shows fewer pixels still.
    public func reducedCopy(of frame: RGBImage) -> RGBImage {
        guard frame.width > analysisWidth else { return frame }
        let height = max(1, Int((Double(frame.height) * Double(analysisWidth) / Double(frame.width)).rounded()))
        return frame.resized(to: PixelSize(width: analysisWidth, height: height), filter: .area)
    }

    /// The measures of an analysis-sized image; `scale` maps its pixels to the full frame.
    /// `plate`, the station's clean plate at the same size, calibrates the exposure limits to
    /// the station's backdrop as the capture's checks will be (`ComplianceChecker.atStation`).
    public func analyzeReduced(_ image: RGBImage, scale: Double, time: Double, plate: RGBImage? = nil) throws(FaceError)
        -> FrameMeasures {
        var measures = FrameMeasures(time: time, analysisSize: image.size, analysisScale: scale)
        guard let main = try tracker.track(image) else {
            measures.framing = .noFace
            previous = nil
            lastMotion = nil
            return measures
        }
        let landmarks = main.landmarks
        measures.face = FaceObservation(box: main.box, landmarks: landmarks)
        measures.faceCount = 1 + main.others.count
        let station = checker.atStation(plate: plate, frame: image.size, landmarks: landmarks, scale: scale)
        measures.backdropReference = station.backdropReference
        let checked = station.frameCheck(image, landmarks: landmarks, faces: [FaceBox(rect: main.box, score: main.score)] + main.others,
                                         scale: scale)
        measures.figures = checked.figures
        measures.checks = checked.results
        let full = image.size.scaled(by: scale)
        measures.framing = main.others.isEmpty
            ? CropSolver(spec: checker.spec).problem(landmarks.transformed(scale: scale), frame: full) : .severalPeople
        if let looked, looked.look.asksForSomething || time <= looked.until {
            if looked.look.others > 0, main.others.isEmpty {
                measures.faceCount += looked.look.others
                measures.framing = .severalPeople
            }
            measures.checks += looked.look.scene
        }
        if let previous, previous.scale == scale, time >= previous.time, time - previous.time < motionInterval {
            measures.motion = lastMotion
            return measures
        }
        if let previous, time > previous.time, previous.scale == scale {
            let moved = zip(previous.landmarks.points, landmarks.points).map { $0.distance(to: $1) }
            measures.motion = moved.reduce(0, +) / Double(moved.count) / max(1, landmarks.interEyeDistance) / (time - previous.time)
        }
        lastMotion = measures.motion
        previous = (landmarks, time, scale)
        return measures
    }
}

/// What a look at the full frame found (`FrameAnalyzer.fullFrameLook`).
public struct FullFrameLook: Sendable, Equatable {
    /// Other people in view by the one rule.
    public var others: Int
    /// The frame's results from the person's mask (`ComplianceChecker.sceneResults`); empty
    /// when others were in view (they are asked to leave first).
    public var scene: [CheckResult]

    public init(others: Int, scene: [CheckResult]) {
        self.others = others
        self.scene = scene
    }

    /// A look that found nobody else and no scene result (no face to look around, or a look
    /// that could not be made).
    public static let nothing = FullFrameLook(others: 0, scene: [])

    /// Whether the guidance will ask for something it found: others in view, or a scene
    /// result that fails (the guidance holds these to the check's own verdict).
    public var asksForSomething: Bool { others > 0 || scene.contains { $0.verdict == .fail } }
}
