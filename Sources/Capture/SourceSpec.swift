import Foundation

/// Where a V4L2 camera is found.
public enum CameraAddress: Hashable, Sendable, CustomStringConvertible {
    /// A device node or a stable name pointing at one (`/dev/kiosk-camera`, `/dev/v4l/by-id/…`).
    case path(String)
    /// Whatever video node the USB device with this vendor and product id has.
    case usb(vendor: UInt16, product: UInt16)

    public var description: String {
        switch self {
        case let .path(path): path
        case let .usb(vendor, product): String(format: "usb:%04x:%04x", vendor, product)
        }
    }
}

/// A frame source named by a string, as given on the command line or in the configuration:
/// `/dev/video0`, `/dev/kiosk-camera`, `usb:046d:0825`, `replay:DIR[@FPS][,once][,unplug=N/M]`,
/// `pattern:[WxH][@FPS]`.
public enum SourceSpec: Hashable, Sendable, CustomStringConvertible {
    case camera(CameraAddress)
    /// Recorded frames at `fps`; `loops` starts over at the end instead of ending; `unplugging`
    /// makes the camera go away and come back on a schedule (for soak tests).
    case replay(path: String, fps: Double, loops: Bool, unplugging: Unplugging? = nil)
    case pattern(width: Int, height: Int, fps: Double)

    public static let defaultReplayFPS = 15.0

    public init(parsing text: String) throws {
        let spec = text.trimmingCharacters(in: .whitespaces)
        func fail(_ reason: String) -> CaptureError { .invalidSpec(text, reason: reason) }
        func rate(_ text: Substring) throws -> Double {
            guard let fps = Double(text), fps > 0, fps <= 1000 else {
                throw fail("the frame rate \"\(text)\" is not a number of frames per second between 0 and 1000")
            }
            return fps
        }
        if spec.hasPrefix("pattern") {
            var rest = spec.dropFirst("pattern".count)
            guard rest.isEmpty || rest.hasPrefix(":") else { throw fail("write pattern: or pattern:640x480@30") }
            rest = rest.dropFirst()
            var fps = 30.0
            if let at = rest.lastIndex(of: "@") {
                fps = try rate(rest[rest.index(after: at)...])
                rest = rest[..<at]
            }
            var (width, height) = (640, 480)
            if !rest.isEmpty {
                let parts = rest.lowercased().split(separator: "x")
                guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]),
                      (128...7680).contains(w), (16...4320).contains(h) else {
                    throw fail("the size \"\(rest)\" is not WIDTHxHEIGHT (128…7680 × 16…4320)")
                }
                (width, height) = (w, h)
            }
            self = .pattern(width: width, height: height, fps: fps)
        } else if spec.hasPrefix("replay:") {
            var rest = Substring(spec.dropFirst("replay:".count))
            var loops = true
            var unplugging: Unplugging?
            // Options after the path, in any order: ,once and ,unplug=N/M.
            while let comma = rest.lastIndex(of: ","), case let option = rest[rest.index(after: comma)...],
                  option == "once" || option.hasPrefix("unplug=") {
                if option == "once" {
                    loops = false
                } else {
                    do {
                        unplugging = try Unplugging(parsing: option.dropFirst("unplug=".count))
                    } catch {
                        throw fail("\"\(option)\" is not unplug=EVERY/FOR, two numbers of seconds with FOR shorter than EVERY (unplug=60/5)")
                    }
                }
                rest = rest[..<comma]
            }
            var fps = Self.defaultReplayFPS
            if let at = rest.lastIndex(of: "@"), !rest[rest.index(after: at)...].contains("/") {
                fps = try rate(rest[rest.index(after: at)...])
                rest = rest[..<at]
            }
            guard !rest.isEmpty else { throw fail("give the folder or .mjpeg file to replay after replay:") }
            self = .replay(path: String(rest), fps: fps, loops: loops, unplugging: unplugging)
        } else if spec.hasPrefix("usb:") {
            let parts = spec.dropFirst(4).split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ $0.count == 4 }),
                  let vendor = UInt16(parts[0], radix: 16), let product = UInt16(parts[1], radix: 16) else {
                throw fail("a USB id is two groups of four hex digits, as `lsusb` shows them: usb:046d:0825")
            }
            self = .camera(.usb(vendor: vendor, product: product))
        } else if spec.hasPrefix("/") {
            self = .camera(.path(spec))
        } else if let number = Int(spec.hasPrefix("video") ? String(spec.dropFirst(5)) : spec), number >= 0 {
            self = .camera(.path("/dev/video\(number)"))
        } else {
            throw fail(spec.isEmpty ? "it is empty" : "it is not a device path, USB id, replay: or pattern: source")
        }
    }

    public var description: String {
        switch self {
        case let .camera(address): address.description
        case let .replay(path, fps, loops, unplugging):
            "replay:\(path)@\(fps.rateText)\(loops ? "" : ",once")\(unplugging.map { ",\($0)" } ?? "")"
        case let .pattern(width, height, fps): "pattern:\(width)x\(height)@\(fps.rateText)"
        }
    }

    /// The camera the station uses when none is configured: the udev rule's stable name when
    /// it exists, else the first video node.
    public static func defaultCamera(devices: DeviceDirectory = .system) -> SourceSpec {
        let stable = devices.dev + "/kiosk-camera"
        return .camera(.path(FileManager.default.fileExists(atPath: stable) ? stable : devices.dev + "/video0"))
    }

    /// Opens the source and, for a camera, starts streaming in the chosen mode with the
    /// given control settings.
    public func open(mode: ModeRequest = ModeRequest(), settings: CameraSettings = CameraSettings()) throws -> any FrameSource {
        switch self {
        case let .camera(address):
            let camera = V4L2Camera(address: address, request: mode, settings: settings)
            try camera.start()
            return camera
        case let .replay(path, fps, loops, unplugging):
            let replay = PacedSource(generator: try ReplayGenerator(path: path, name: description), fps: fps, loops: loops)
            return unplugging.map { UnpluggedSource(replay, schedule: $0) } ?? replay
        case let .pattern(width, height, fps):
            return PacedSource(generator: PatternGenerator(width: width, height: height, name: description),
                               fps: fps, loops: true)
        }
    }
}
