import CV4L2
import Foundation

/// A camera control as the driver describes it.
public struct ControlInfo: Codable, Sendable, Equatable {
    public struct MenuEntry: Codable, Sendable, Equatable {
        public var value: Int64
        public var name: String
    }

    public var id: UInt32
    public var name: String
    /// `integer`, `boolean`, `menu`, `button`, `integer64`, `string`, `bitmask`, `integer-menu`.
    public var kind: String
    public var minimum: Int64
    public var maximum: Int64
    public var step: UInt64
    public var defaultValue: Int64
    /// The current value; nil for write-only and non-scalar controls.
    public var value: Int64?
    /// Inactive controls are ignored by the camera for now (e.g. exposure time while auto).
    public var inactive: Bool
    public var readOnly: Bool
    public var menu: [MenuEntry]
}

/// The controls the station sets by meaning, whatever the camera calls them.
public enum CameraControl: String, CaseIterable, Codable, Sendable {
    case brightness, contrast, gain
    case autoGain = "gain-automatic"
    case exposureAuto = "exposure-auto"
    case exposure
    case autoWhiteBalance = "white-balance-automatic"
    case whiteBalanceTemperature = "white-balance-temperature"
    case powerLineFrequency = "power-line-frequency"
    case focusAuto = "focus-automatic"
    case focus

    public var id: UInt32 {
        switch self {
        case .brightness: CV4L2_CID_BRIGHTNESS
        case .contrast: CV4L2_CID_CONTRAST
        case .gain: CV4L2_CID_GAIN
        case .autoGain: CV4L2_CID_AUTOGAIN
        case .exposureAuto: CV4L2_CID_EXPOSURE_AUTO
        case .exposure: CV4L2_CID_EXPOSURE_ABSOLUTE
        case .autoWhiteBalance: CV4L2_CID_AUTO_WHITE_BALANCE
        case .whiteBalanceTemperature: CV4L2_CID_WHITE_BALANCE_TEMPERATURE
        case .powerLineFrequency: CV4L2_CID_POWER_LINE_FREQUENCY
        case .focusAuto: CV4L2_CID_FOCUS_AUTO
        case .focus: CV4L2_CID_FOCUS_ABSOLUTE
        }
    }
}

/// Automatic, or manual at a value (nil: at whatever the automatic setting had reached).
public enum AutoOrManual: Codable, Sendable, Hashable {
    case automatic
    case manual(Int32?)
}

/// Written in configuration as `"auto"`, `"hold"` (manual at what automatic had reached) or
/// the manual value, which is how an operator thinks of a control.
extension AutoOrManual {
    public init(from decoder: Decoder) throws {
        let single = try decoder.singleValueContainer()
        if let value = try? single.decode(Int32.self) {
            self = .manual(value)
        } else if let word = try? single.decode(String.self), word == "auto" || word == "hold" {
            self = word == "auto" ? .automatic : .manual(nil)
        } else {
            throw DecodingError.dataCorruptedError(in: single, debugDescription: "must be \"auto\", \"hold\" or a whole number")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .automatic: try single.encode("auto")
        case .manual(nil): try single.encode("hold")
        case let .manual(value?): try single.encode(value)
        }
    }
}

/// The control settings the station asks for. Nil leaves a control as the camera has it.
public struct CameraSettings: Codable, Sendable, Hashable {
    public var exposure: AutoOrManual?
    public var whiteBalance: AutoOrManual?
    public var gain: AutoOrManual?
    public var focus: AutoOrManual?
    public var brightness: Int32?
    /// Mains frequency to suppress flicker for: 50 in China.
    public var powerLineHz: Int?

    public init(exposure: AutoOrManual? = nil, whiteBalance: AutoOrManual? = nil, gain: AutoOrManual? = nil,
                focus: AutoOrManual? = nil, brightness: Int32? = nil, powerLineHz: Int? = 50) {
        self.exposure = exposure
        self.whiteBalance = whiteBalance
        self.gain = gain
        self.focus = focus
        self.brightness = brightness
        self.powerLineHz = powerLineHz
    }
}

/// What happened to one requested control.
public struct ControlReport: Sendable, Equatable, CustomStringConvertible {
    public enum Outcome: Sendable, Equatable {
        /// Set, and read back as this value.
        case set(Int64)
        /// The camera has no such control; the setting is skipped.
        case missing
        case failed(String)
    }

    public var control: CameraControl
    public var outcome: Outcome

    public var description: String {
        switch outcome {
        case let .set(value): "\(control.rawValue) = \(value)"
        case .missing: "\(control.rawValue): this camera has no such control, left as it is"
        case let .failed(reason): "\(control.rawValue): not set (\(reason))"
        }
    }
}

/// An automatic control and the manual value it governs, with the values meaning on and off.
struct AutomaticPair: Sendable {
    var automatic: CameraControl
    var value: CameraControl
    /// The automatic control's "manual" value.
    var off: Int32
    /// Candidates for "automatic", the first the camera accepts wins (UVC exposure offers
    /// aperture priority, other drivers plain auto).
    var on: [Int32]

    static let exposure = AutomaticPair(automatic: .exposureAuto, value: .exposure, off: Int32(CV4L2_EXPOSURE_MANUAL),
                                        on: [Int32(CV4L2_EXPOSURE_APERTURE_PRIORITY), 0])
    static let whiteBalance = AutomaticPair(automatic: .autoWhiteBalance, value: .whiteBalanceTemperature, off: 0, on: [1])
    static let gain = AutomaticPair(automatic: .autoGain, value: .gain, off: 0, on: [1])
    static let focus = AutomaticPair(automatic: .focusAuto, value: .focus, off: 0, on: [1])

    /// What the station locks between the clean plate and the portrait.
    static let locked: [AutomaticPair] = [.exposure, .whiteBalance, .gain]
}

extension V4L2Device {
    /// Every control, with menus and current values.
    func controls() throws -> [ControlInfo] {
        var result = [ControlInfo]()
        var query = v4l2_query_ext_ctrl()
        query.id = CV4L2_CTRL_NEXT
        while true {
            if let code = tryIoctl(CV4L2_VIDIOC_QUERY_EXT_CTRL, &query) {
                if code == EINVAL { break }
                throw error("VIDIOC_QUERY_EXT_CTRL", code)
            }
            defer { query.id |= CV4L2_CTRL_NEXT }
            let type = v4l2_ctrl_type(rawValue: query.type)
            guard type != V4L2_CTRL_TYPE_CTRL_CLASS, query.flags & UInt32(V4L2_CTRL_FLAG_DISABLED) == 0 else { continue }
            let kinds: [v4l2_ctrl_type: String] = [
                V4L2_CTRL_TYPE_INTEGER: "integer", V4L2_CTRL_TYPE_BOOLEAN: "boolean", V4L2_CTRL_TYPE_MENU: "menu",
                V4L2_CTRL_TYPE_BUTTON: "button", V4L2_CTRL_TYPE_INTEGER64: "integer64", V4L2_CTRL_TYPE_STRING: "string",
                V4L2_CTRL_TYPE_BITMASK: "bitmask", V4L2_CTRL_TYPE_INTEGER_MENU: "integer-menu",
            ]
            let scalar = [V4L2_CTRL_TYPE_INTEGER, V4L2_CTRL_TYPE_BOOLEAN, V4L2_CTRL_TYPE_MENU,
                          V4L2_CTRL_TYPE_INTEGER_MENU, V4L2_CTRL_TYPE_BITMASK].contains(type)
            let writeOnly = query.flags & UInt32(V4L2_CTRL_FLAG_WRITE_ONLY) != 0
            let isMenu = type == V4L2_CTRL_TYPE_MENU || type == V4L2_CTRL_TYPE_INTEGER_MENU
            result.append(ControlInfo(
                id: query.id, name: cString(query.name), kind: kinds[type] ?? "type \(query.type)",
                minimum: query.minimum, maximum: query.maximum, step: query.step,
                defaultValue: query.default_value,
                value: scalar && !writeOnly ? try control(query.id).map(Int64.init) : nil,
                inactive: query.flags & UInt32(V4L2_CTRL_FLAG_INACTIVE) != 0,
                readOnly: query.flags & UInt32(V4L2_CTRL_FLAG_READ_ONLY) != 0,
                menu: isMenu ? menuEntries(query, integer: type == V4L2_CTRL_TYPE_INTEGER_MENU) : []))
        }
        return result
    }

    private func menuEntries(_ query: v4l2_query_ext_ctrl, integer: Bool) -> [ControlInfo.MenuEntry] {
        guard query.minimum >= 0, query.maximum < 256 else { return [] }
        return (query.minimum...query.maximum).compactMap { index in
            var item = v4l2_querymenu()
            item.id = query.id
            item.index = UInt32(index)
            guard tryIoctl(CV4L2_VIDIOC_QUERYMENU, &item) == nil else { return nil }
            let name = integer ? String(item.value) : cString(item.name)
            return ControlInfo.MenuEntry(value: index, name: name)
        }
    }

    /// The control's value, or nil when the camera has no such control.
    func control(_ id: UInt32) throws -> Int32? {
        var control = v4l2_control(id: id, value: 0)
        if let code = tryIoctl(CV4L2_VIDIOC_G_CTRL, &control) {
            if code == EINVAL { return nil }
            throw error("VIDIOC_G_CTRL", code)
        }
        return control.value
    }

    /// Sets a control and reads it back.
    func set(_ control: CameraControl, to value: Int32) throws -> ControlReport {
        var request = v4l2_control(id: control.id, value: value)
        if let code = tryIoctl(CV4L2_VIDIOC_S_CTRL, &request) {
            switch code {
            case EINVAL: return ControlReport(control: control, outcome: try self.control(control.id) == nil
                ? .missing : .failed("the camera refused \(value)"))
            case ERANGE: return ControlReport(control: control, outcome: .failed("\(value) is out of range"))
            case EACCES: return ControlReport(control: control, outcome: .failed("read-only or inactive now"))
            default: throw error("VIDIOC_S_CTRL \(control.rawValue)", code)
            }
        }
        let readBack = try self.control(control.id) ?? value
        return ControlReport(control: control, outcome: .set(Int64(readBack)))
    }

    /// Switches an automatic control on, or off at a value (by default the value the
    /// automatic setting had reached, which is what locking needs).
    func apply(_ setting: AutoOrManual, _ pair: AutomaticPair) throws -> [ControlReport] {
        switch setting {
        case .automatic:
            var report = ControlReport(control: pair.automatic, outcome: .missing)
            for candidate in pair.on {
                report = try set(pair.automatic, to: candidate)
                if case .set = report.outcome { break }
                if report.outcome == .missing { break }
            }
            return [report]
        case let .manual(value):
            let current = try control(pair.value.id)
            let off = try set(pair.automatic, to: pair.off)
            guard let target = value ?? current else {
                return [off, ControlReport(control: pair.value, outcome: .missing)]
            }
            return [off, try set(pair.value, to: target)]
        }
    }

    /// Applies every setting that is given; controls the camera lacks are reported, not fatal.
    func apply(_ settings: CameraSettings) throws -> [ControlReport] {
        var reports = [ControlReport]()
        let pairs: [(AutoOrManual?, AutomaticPair)] = [(settings.exposure, .exposure), (settings.whiteBalance, .whiteBalance),
                                                       (settings.gain, .gain), (settings.focus, .focus)]
        for case let (setting?, pair) in pairs { reports += try apply(setting, pair) }
        if let brightness = settings.brightness { reports.append(try set(.brightness, to: brightness)) }
        if let hertz = settings.powerLineHz {
            // The V4L2 menu: 0 disabled, 1 for 50 Hz, 2 for 60 Hz.
            reports.append(try set(.powerLineFrequency, to: hertz == 50 ? Int32(CV4L2_POWER_LINE_50HZ) : hertz == 60 ? 2 : 0))
        }
        return reports
    }
}

extension CameraSettings {
    /// Mains frequencies a camera can suppress flicker for (V4L2's menu has only these two).
    public static let allowedPowerLineHz = [50, 60]

    /// The first setting that cannot work, or nil: `key` names it (relative to the
    /// settings), `reason` says what it is and what is allowed. Manual values are checked
    /// against what the controls mean (an exposure time, a colour temperature); the camera
    /// still reports a value outside its own range when it is set.
    public func invalidSetting() -> (key: String, reason: String, related: [String])? {
        if let powerLineHz, !Self.allowedPowerLineHz.contains(powerLineHz) {
            return ("powerLineHz", "is \(powerLineHz); it must be 50 or 60 (the mains frequency: 50 in China), "
                + "or null to leave the camera as it is", [])
        }
        let manual: [(String, AutoOrManual?, ClosedRange<Int32>, String)] = [
            ("exposure", exposure, 1...Int32.max, "an exposure time of at least 1 (units of 100 µs)"),
            ("whiteBalance", whiteBalance, 1000...12000, "a colour temperature from 1000 to 12000 kelvin"),
            ("gain", gain, 0...Int32.max, "0 or more"),
            ("focus", focus, 0...Int32.max, "0 or more"),
        ]
        for case let (key, .manual(value?)?, range, allowed) in manual where !range.contains(value) {
            return (key, "is \(value); it must be \"auto\", \"hold\" or \(allowed)", [])
        }
        return nil
    }
}
