import PhotoStandard

/// The limits the guidance holds the measures to. Each has an entry value (the problem
/// starts being reported) and a looser exit value (it stops): a measure near the limit does
/// not switch the instruction on and off with every frame.
public struct GuidanceThresholds: Hashable, Sendable {
    /// Degrees of yaw (turning left or right).
    public var yaw: (enter: Double, exit: Double) = (10, 7)
    /// Degrees of roll (tilting the head to the shoulder).
    public var roll: (enter: Double, exit: Double) = (5, 3)
    /// Degrees of pitch downward (chin down) and upward. The fit to a generic face reads
    /// level faces in the test photos as +4…+16°, so the upward limit is the wider one;
    /// calibrate both on the station's camera.
    public var chinDown: (enter: Double, exit: Double) = (15, 11)
    public var chinUp: (enter: Double, exit: Double) = (20, 16)
    /// Cheek brightness difference over the brighter cheek.
    public var lightBalance: (enter: Double, exit: Double) = (0.22, 0.15)
    /// Mean face luma below which the face is too dark, above which too bright.
    public var dark: (enter: Double, exit: Double) = (60, 70)
    public var bright: (enter: Double, exit: Double) = (215, 205)
    /// Eye aspect ratio below which an eye counts as closed.
    public var eyesClosed: (enter: Double, exit: Double) = (0.17, 0.2)
    /// Inner-lip opening above which the mouth counts as open.
    public var mouthOpen: (enter: Double, exit: Double) = (0.2, 0.12)
    /// Landmark speed in inter-eye distances per second.
    public var motion: (enter: Double, exit: Double) = (0.6, 0.35)

    public init() {}

    public static func == (a: Self, b: Self) -> Bool {
        a.yaw == b.yaw && a.roll == b.roll && a.chinDown == b.chinDown && a.chinUp == b.chinUp
            && a.lightBalance == b.lightBalance && a.dark == b.dark && a.bright == b.bright
            && a.eyesClosed == b.eyesClosed && a.mouthOpen == b.mouthOpen && a.motion == b.motion
    }

    public func hash(into hasher: inout Hasher) {
        for pair in [yaw, roll, chinDown, chinUp, lightBalance, dark, bright, eyesClosed, mouthOpen, motion] {
            hasher.combine(pair.enter)
            hasher.combine(pair.exit)
        }
    }
}

/// How long things take, in seconds.
public struct GuidanceTiming: Hashable, Sendable {
    /// A new instruction must lead this long before it replaces the one shown.
    public var confirmation = 0.3
    /// An instruction stays at least this long once shown.
    public var minimumDisplay = 0.8
    /// Everything must hold this long before the countdown starts.
    public var steadyPeriod = 1.0
    /// Count from this number down to 1, one step per `countdownStep`.
    public var countdownFrom = 3
    public var countdownStep = 0.7

    public init() {}
}

/// Where the session is.
public enum GuidancePhase: Hashable, Sendable {
    /// Telling the person what to change (or, with nothing to say, waiting for the steady period).
    case guiding
    /// Everything holds; the number shows the seconds left.
    case countdown(startedAt: Double)
    /// The burst is being taken and the photo made.
    case capturing
    /// The photo is shown for accept or retake.
    case review(passed: Bool)
    /// The photo was accepted.
    case accepted
}

/// What the screen shows for one frame.
public struct GuidanceOutput: Hashable, Sendable {
    public var phase: GuidancePhase
    /// The instruction to show; nil when there is nothing to say.
    public var instruction: Instruction?
    /// The most important problem being shown (nil: none).
    public var issue: GuidanceIssue?
    /// The countdown number to show, if counting.
    public var countdown: Int?
    /// True exactly once, on the frame where the burst must be taken.
    public var captureNow: Bool
    /// Per group: nil while unknown (no face), true when it holds.
    public var checks: [(CheckGroup, Bool?)]

    public static func == (a: Self, b: Self) -> Bool {
        a.phase == b.phase && a.instruction == b.instruction && a.issue == b.issue && a.countdown == b.countdown
            && a.captureNow == b.captureNow && a.checks.map(\.0) == b.checks.map(\.0) && a.checks.map(\.1) == b.checks.map(\.1)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(phase)
        hasher.combine(instruction)
    }
}

/// Chooses one instruction at a time from the measures and runs the countdown to the capture.
///
/// A deterministic function of the measures and their times (no clock, no I/O), so that every
/// decision can be tested with constructed measures.
public struct GuidanceEngine: Sendable {
    public var thresholds: GuidanceThresholds
    public var timing: GuidanceTiming
    public private(set) var phase: GuidancePhase = .guiding
    /// Problems currently held active by the entry/exit limits.
    private var active: Set<GuidanceIssue> = []
    private var shown: GuidanceIssue?
    private var shownSince = -Double.infinity
    private var candidate: GuidanceIssue?
    private var candidateSince = 0.0
    /// When the issues last were all clear (nil: they are not).
    private var clearSince: Double?

    public init(thresholds: GuidanceThresholds = .init(), timing: GuidanceTiming = .init()) {
        self.thresholds = thresholds
        self.timing = timing
    }

    /// The problems in `m`, given which ones were active on the previous frame.
    func issues(in m: FrameMeasures) -> Set<GuidanceIssue> {
        guard let face = m.face else {
            if let problem = m.framing, problem != .noFace { return [.framing(problem)] }
            return [.noFace]
        }
        var found: Set<GuidanceIssue> = []
        if let problem = m.framing { found.insert(.framing(problem)) }
        func holds(_ issue: GuidanceIssue, _ value: Double, _ limits: (enter: Double, exit: Double)) {
            let above = limits.enter >= limits.exit
            let limit = active.contains(issue) ? limits.exit : limits.enter
            if above ? value > limit : value < limit { found.insert(issue) }
        }
        let measures = face.measures
        if let pose = measures.pose {
            holds(.turnedAway, abs(pose.yaw), thresholds.yaw)
            holds(.chinDown, -pose.pitch, thresholds.chinDown)
            holds(.chinUp, pose.pitch, thresholds.chinUp)
        }
        holds(.headTilted, abs(measures.roll), thresholds.roll)
        // Positive balance: the image-left cheek, the person's right, is brighter.
        let dark: BodySide = m.lightBalance > 0 ? .left : .right
        holds(.unevenLight(darkSide: dark), abs(m.lightBalance), thresholds.lightBalance)
        holds(.tooDark, m.exposure, thresholds.dark)
        holds(.tooBright, m.exposure, thresholds.bright)
        holds(.eyesClosed, min(measures.rightEyeAspectRatio, measures.leftEyeAspectRatio), thresholds.eyesClosed)
        holds(.mouthOpen, measures.mouthOpenness, thresholds.mouthOpen)
        if let motion = m.motion { holds(.moving, motion, thresholds.motion) }
        return found
    }

    /// Takes the measures of the next analysed frame.
    public mutating func update(_ m: FrameMeasures) -> GuidanceOutput {
        let now = m.time
        active = issues(in: m)
        let top = active.min()
        if top != candidate {
            candidate = top
            candidateSince = now
        }
        if candidate != shown, now - candidateSince >= timing.confirmation, now - shownSince >= timing.minimumDisplay {
            shown = candidate
            shownSince = now
        }
        if top == nil {
            if clearSince == nil { clearSince = now }
        } else {
            clearSince = nil
        }

        var captureNow = false
        var countdown: Int?
        switch phase {
        case .guiding:
            if shown == nil, let clearSince, now - clearSince >= timing.steadyPeriod {
                phase = .countdown(startedAt: now)
                countdown = timing.countdownFrom
            }
        case let .countdown(start):
            if shown != nil {
                phase = .guiding
            } else {
                let elapsed = now - start
                let total = Double(timing.countdownFrom) * timing.countdownStep
                if elapsed >= total {
                    phase = .capturing
                    captureNow = true
                } else {
                    countdown = timing.countdownFrom - Int(elapsed / timing.countdownStep)
                }
            }
        case .capturing, .review, .accepted:
            break
        }
        return output(m, countdown: countdown, captureNow: captureNow)
    }

    private func output(_ m: FrameMeasures, countdown: Int?, captureNow: Bool) -> GuidanceOutput {
        let instruction: Instruction? = switch phase {
        case .guiding: shown?.instruction ?? (m.face == nil ? nil : .holdStill)
        case .countdown: .holdStill
        case .capturing: .capturing
        case .review, .accepted: nil
        }
        // The group of the instruction on screen stays marked until the instruction changes,
        // so the marks never contradict the sentence above them.
        let checks = CheckGroup.allCases.map { group -> (CheckGroup, Bool?) in
            if m.face == nil && group != .framing { return (group, nil) }
            return (group, !active.contains { $0.group == group } && shown?.group != group)
        }
        return GuidanceOutput(phase: phase, instruction: instruction, issue: shown, countdown: countdown,
                              captureNow: captureNow, checks: checks)
    }

    /// The operator takes the photo now, whatever the measures say.
    public mutating func startCapture() {
        phase = .capturing
    }

    /// The capture finished: show the result for review.
    public mutating func captured(passed: Bool) {
        phase = .review(passed: passed)
    }

    /// Throws the photo away and starts over (the retake key).
    public mutating func retake() {
        phase = .guiding
        active = []
        shown = nil
        shownSince = -Double.infinity
        candidate = nil
        clearSince = nil
    }

    /// The person accepted the photo.
    public mutating func accept() {
        if case .review = phase { phase = .accepted }
    }
}
