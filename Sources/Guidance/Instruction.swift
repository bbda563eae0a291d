import Compliance
import PhotoStandard

/// A side of the person's own body (the person's right cheek is on the image's left in an
/// unmirrored frame).
public enum BodySide: String, Sendable, Hashable {
    case left, right

    var opposite: BodySide { self == .left ? .right : .left }
    var chinese: String { self == .left ? "左" : "右" }
}

/// One thing the person must change, in order of importance: the guidance shows the first
/// one that holds.
public enum GuidanceIssue: Hashable, Sendable, Comparable {
    case noFace
    case framing(FramingProblem)
    case turnedAway
    case headTilted
    case chinDown
    case chinUp
    /// The yin-yang face: this cheek is darker, the light comes from the other side.
    case unevenLight(darkSide: BodySide)
    case tooDark
    case tooBright
    case eyesClosed
    case mouthOpen
    /// Another frame check that fails (clothing, glare, red eye …), said with its own hint.
    case otherCheck(CheckID, Instruction)
    case moving

    private var rank: Int {
        switch self {
        case .noFace: 0
        case let .framing(problem): 1 + (FramingProblem.allCases.firstIndex(of: problem) ?? 0)
        case .turnedAway: 20
        case .headTilted: 21
        case .chinDown: 22
        case .chinUp: 23
        case .unevenLight: 30
        case .tooDark: 31
        case .tooBright: 32
        case .eyesClosed: 40
        case .mouthOpen: 41
        case let .otherCheck(id, _): 43 + (CheckID.allCases.firstIndex(of: id) ?? 0)
        case .moving: 100
        }
    }

    public static func < (a: GuidanceIssue, b: GuidanceIssue) -> Bool { a.rank < b.rank }

    /// What to say, in Chinese and English.
    public var instruction: Instruction {
        switch self {
        case .noFace, .framing(.noFace):
            Instruction(chinese: "请坐到框内", english: "Please sit inside the frame")
        case let .framing(problem):
            Instruction(chinese: problem.chinese, english: problem.english)
        case .turnedAway:
            Instruction(chinese: "请正对镜头", english: "Please face the camera straight on")
        case .headTilted:
            Instruction(chinese: "请把头摆正，不要歪头", english: "Hold your head upright, do not tilt it")
        case .chinDown:
            Instruction(chinese: "请抬头", english: "Lift your chin a little")
        case .chinUp:
            Instruction(chinese: "请稍低头", english: "Lower your chin a little")
        case let .unevenLight(dark):
            Instruction(chinese: "\(dark.chinese)脸偏暗（光从\(dark.opposite.chinese)侧来）：请把灯移到您的\(dark.chinese)前方，或调暗\(dark.opposite.chinese)侧的灯",
                        english: "Your \(dark.rawValue) cheek is in shadow (light from your \(dark.opposite.rawValue)): "
                            + "move the lamp round towards your \(dark.rawValue), or dim the one on your \(dark.opposite.rawValue)")
        case .tooDark:
            Instruction(chinese: "光线太暗，请打开灯光", english: "Too dark: please turn the lights on")
        case .tooBright:
            Instruction(chinese: "光线太亮，请调暗灯光", english: "Too bright: please dim the lights")
        case .eyesClosed:
            Instruction(chinese: "请睁开眼睛", english: "Please open your eyes")
        case .mouthOpen:
            Instruction(chinese: "请闭上嘴", english: "Please close your lips")
        case let .otherCheck(_, instruction):
            instruction
        case .moving:
            Instruction(chinese: "请保持不动", english: "Please hold still")
        }
    }

    /// The check-mark group this issue belongs to.
    var group: CheckGroup {
        switch self {
        case .noFace, .framing: .framing
        case .turnedAway, .headTilted, .chinDown, .chinUp: .pose
        case .unevenLight, .tooDark, .tooBright: .light
        case .eyesClosed: .eyes
        case .mouthOpen: .mouth
        case .otherCheck(.redEye, _): .eyes
        case .otherCheck(.clothingColour, _): .clothing
        case .otherCheck(.motionBlur, _): .still
        case .otherCheck: .light
        case .moving: .still
        }
    }
}

/// The groups shown in the row of check marks.
public enum CheckGroup: String, Sendable, CaseIterable, Hashable {
    case framing, pose, light, eyes, mouth, clothing, still

    public var label: Instruction {
        switch self {
        case .framing: Instruction(chinese: "位置", english: "Position")
        case .pose: Instruction(chinese: "正脸", english: "Frontal")
        case .light: Instruction(chinese: "光线", english: "Light")
        case .eyes: Instruction(chinese: "睁眼", english: "Eyes")
        case .mouth: Instruction(chinese: "闭嘴", english: "Lips")
        case .clothing: Instruction(chinese: "衣服", english: "Clothes")
        case .still: Instruction(chinese: "静止", english: "Still")
        }
    }
}

/// A sentence in both languages.
public struct Instruction: Hashable, Sendable {
    public var chinese: String
    public var english: String

    public init(chinese: String, english: String) {
        self.chinese = chinese
        self.english = english
    }

    public static let holdStill = Instruction(chinese: "很好，请保持不动", english: "Good, hold still")
    public static let capturing = Instruction(chinese: "正在拍照", english: "Taking the photo")
    public static let processing = Instruction(chinese: "正在处理照片，请稍候", english: "Processing the photo, please wait")
    public static let accepted = Instruction(chinese: "照片已保存，谢谢", english: "Photo saved, thank you")
}

/// Which language is shown large and whether the other one is shown below it.
public struct LanguageChoice: Hashable, Sendable {
    public enum Language: String, Sendable, CaseIterable {
        case chinese = "zh", english = "en"
    }

    public var primary: Language
    public var showSecondary: Bool

    public init(primary: Language = .chinese, showSecondary: Bool = true) {
        self.primary = primary
        self.showSecondary = showSecondary
    }

    /// The headline and the line below it.
    public func lines(_ instruction: Instruction) -> (headline: String, subline: String) {
        let first = primary == .chinese ? instruction.chinese : instruction.english
        let second = primary == .chinese ? instruction.english : instruction.chinese
        return (first, showSecondary ? second : "")
    }

    /// A short label in the primary language.
    public func label(_ instruction: Instruction) -> String {
        primary == .chinese ? instruction.chinese : instruction.english
    }
}
