import Foundation

/// One pixel format a camera offers, with its frame sizes and rates.
public struct FormatDescription: Codable, Sendable, Equatable {
    public var pixelFormat: FourCC
    /// The driver's name for it ("YUYV 4:2:2", "Motion-JPEG").
    public var name: String
    public var compressed: Bool
    public var sizes: [FrameSizeDescription]

    public init(pixelFormat: FourCC, name: String, compressed: Bool, sizes: [FrameSizeDescription]) {
        self.pixelFormat = pixelFormat
        self.name = name
        self.compressed = compressed
        self.sizes = sizes
    }
}

/// A frame size and the rates the camera offers at it, fastest first.
public struct FrameSizeDescription: Codable, Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var framesPerSecond: [Double]

    public init(width: Int, height: Int, framesPerSecond: [Double]) {
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
    }

    /// For cameras that give a range of sizes instead of a list: the usual webcam sizes that
    /// fit the range and its steps, and the largest size.
    /// `640×480 @ 30/15 fps`.
    public var summary: String {
        "\(width)×\(height) @ \(framesPerSecond.map(\.rateText).joined(separator: "/")) fps"
    }

    static func commonSizes(minWidth: Int, maxWidth: Int, stepWidth: Int,
                            minHeight: Int, maxHeight: Int, stepHeight: Int) -> [(Int, Int)] {
        let usual = [(320, 240), (640, 480), (800, 600), (1280, 720), (1920, 1080), (2560, 1440), (3840, 2160)]
        let fitting = usual.filter { w, h in
            (minWidth...maxWidth).contains(w) && (minHeight...maxHeight).contains(h)
                && (w - minWidth) % stepWidth == 0 && (h - minHeight) % stepHeight == 0
        }
        return fitting + (fitting.contains { $0 == (maxWidth, maxHeight) } ? [] : [(maxWidth, maxHeight)])
    }
}

/// The format, size and rate a camera streams in.
public struct CaptureMode: Codable, Sendable, Hashable, CustomStringConvertible {
    public var pixelFormat: FourCC
    public var width: Int
    public var height: Int
    public var framesPerSecond: Double

    public init(pixelFormat: FourCC, width: Int, height: Int, framesPerSecond: Double) {
        self.pixelFormat = pixelFormat
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
    }

    public var description: String {
        "\(pixelFormat) \(width)×\(height) @ \(framesPerSecond.rateText) fps"
    }
}

/// What mode to ask a camera for. The default is the station's live capture: the largest
/// size that still keeps 30 frames per second, MJPEG if the camera has it, else YUYV.
public struct ModeRequest: Codable, Sendable, Hashable, CustomStringConvertible {
    /// A pixel format to insist on; nil tries MJPEG, then YUYV, then the other decodable ones.
    public var pixelFormat: FourCC?
    /// An exact size to insist on; nil takes the largest that keeps `minimumFPS`.
    public var width: Int?
    public var height: Int?
    /// The lowest acceptable rate; 0 takes the largest size at any rate (for snapshots).
    public var minimumFPS: Double

    public init(pixelFormat: FourCC? = nil, width: Int? = nil, height: Int? = nil, minimumFPS: Double = 30) {
        self.pixelFormat = pixelFormat
        self.width = width
        self.height = height
        self.minimumFPS = minimumFPS
    }

    /// The full-resolution still: the largest size in the preferred format, whatever its rate.
    public static let largest = ModeRequest(minimumFPS: 0)

    public var description: String {
        let format = pixelFormat?.description ?? "MJPG or YUYV"
        let size = width.flatMap { w in height.map { "\(w)×\($0)" } } ?? "the largest size"
        return minimumFPS > 0 ? "\(format) at \(size) with at least \(minimumFPS.rateText) fps" : "\(format) at \(size)"
    }

    /// Picks the mode from what the camera offers.
    ///
    /// Formats are tried in preference order; within one, the largest size whose fastest rate
    /// reaches `minimumFPS` wins, at the slowest rate that still reaches it. When no size of
    /// any format is fast enough, the fastest mode of the first usable format is taken, so a
    /// slow camera still works.
    public func choose(from formats: [FormatDescription], device: String) throws -> CaptureMode {
        let order = pixelFormat.map { [$0] } ?? FourCC.decodable
        let usable = order.compactMap { code in formats.first { $0.pixelFormat == code } }
        var fallback: CaptureMode?
        for format in usable {
            let sizes = format.sizes.filter { size in
                (width == nil || size.width == width) && (height == nil || size.height == height)
                    && !size.framesPerSecond.isEmpty
            }
            let fastEnough = sizes.filter { $0.framesPerSecond[0] >= minimumFPS }
            if let best = fastEnough.max(by: { $0.width * $0.height < $1.width * $1.height }) {
                let rate = minimumFPS > 0 ? best.framesPerSecond.filter { $0 >= minimumFPS }.min()!
                    : best.framesPerSecond[0]
                return CaptureMode(pixelFormat: format.pixelFormat, width: best.width, height: best.height,
                                   framesPerSecond: rate)
            }
            if fallback == nil, let fastest = sizes.max(by: {
                ($0.framesPerSecond[0], $0.width * $0.height) < ($1.framesPerSecond[0], $1.width * $1.height)
            }) {
                fallback = CaptureMode(pixelFormat: format.pixelFormat, width: fastest.width, height: fastest.height,
                                       framesPerSecond: fastest.framesPerSecond[0])
            }
        }
        if let fallback { return fallback }
        let offered = formats.flatMap { format in
            format.sizes.map { "\(format.pixelFormat) \($0.width)×\($0.height)" }
        }
        throw CaptureError.noUsableFormat(path: device, wanted: description, offered: Array(offered.prefix(12)))
    }
}

extension Double {
    var rateText: String {
        self == rounded() ? String(Int(self)) : String(format: "%.2f", self)
    }
}

extension ModeRequest {
    /// Frame sizes a request may insist on: what V4L2 cameras offer, up to 8K (7680 × 4320).
    public static let allowedWidth = 16...7680
    public static let allowedHeight = 16...4320
    /// Rates a request may ask for; 0 takes the largest size at any rate.
    public static let allowedFPS = 0.0...1000.0

    /// The first setting of this request that cannot work, or nil: `key` names it (relative
    /// to the request), `reason` says what it is and what is allowed.
    public func invalidSetting() -> (key: String, reason: String, related: [String])? {
        if let pixelFormat, !FourCC.decodable.contains(pixelFormat) {
            let formats = FourCC.decodable.map { "\"\($0)\"" }
            return ("pixelFormat", "is \"\(pixelFormat)\"; the station decodes only "
                + formats.dropLast().joined(separator: ", ") + " or " + formats.last!, [])
        }
        for (key, side, range) in [("width", width, Self.allowedWidth), ("height", height, Self.allowedHeight)] {
            if let side, !range.contains(side) {
                return (key, "is \(side); it must be a whole number of pixels from \(range.lowerBound) to \(range.upperBound)", [])
            }
        }
        if !Self.allowedFPS.contains(minimumFPS) {
            return ("minimumFPS", "is \(minimumFPS.rateText); it must be from 0 (any rate) to 1000 frames per second", [])
        }
        return nil
    }
}
