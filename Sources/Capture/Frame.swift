import Foundation
import ImageKit

/// A V4L2 pixel format code: four ASCII characters packed little-endian (`YUYV`, `MJPG`).
public struct FourCC: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let yuyv = FourCC(string: "YUYV")!
    public static let mjpeg = FourCC(string: "MJPG")!
    /// What some cameras call their motion JPEG; the frames are ordinary JPEG files.
    public static let jpeg = FourCC(string: "JPEG")!
    public static let nv12 = FourCC(string: "NV12")!
    public static let rgb24 = FourCC(string: "RGB3")!
    public static let grey = FourCC(string: "GREY")!

    /// Formats this module can turn into an `RGBImage`, in the order a camera mode prefers them.
    public static let decodable: [FourCC] = [.mjpeg, .jpeg, .yuyv, .nv12, .rgb24, .grey]

    public var isCompressed: Bool { self == .mjpeg || self == .jpeg }

    public var description: String {
        // Bit 31 marks the big-endian variant of a format (V4L2_PIX_FMT_FLAG_BE).
        let bigEndian = rawValue & 0x8000_0000 != 0
        let letters = (0..<4).map { UInt8(truncatingIfNeeded: (rawValue & 0x7FFF_FFFF) >> (8 * $0)) }
            .map { (0x20..<0x7F).contains($0) ? $0 : UInt8(ascii: "?") }
        return String(decoding: letters, as: UTF8.self).trimmingCharacters(in: .whitespaces) + (bigEndian ? "-BE" : "")
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = FourCC(string: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "\(text) is not a four-character pixel format"))
        }
        self = code
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Parses `"YUYV"`, `"mjpg"` (upper-cased), or a shorter code padded with spaces.
    public init?(string: String) {
        let bytes = Array(string.uppercased().utf8)
        guard (1...4).contains(bytes.count), bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
        let padded = bytes + Array(repeating: 0x20, count: 4 - bytes.count)
        rawValue = padded.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// A point on the kernel's `CLOCK_MONOTONIC`, the clock V4L2 stamps frames with.
public struct MonotonicTime: Hashable, Comparable, Sendable, Codable {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static func now() -> MonotonicTime {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return MonotonicTime(nanoseconds: UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec))
    }

    public static func < (a: MonotonicTime, b: MonotonicTime) -> Bool { a.nanoseconds < b.nanoseconds }

    /// The signed time from `b` to `a`.
    public static func - (a: MonotonicTime, b: MonotonicTime) -> Duration {
        .nanoseconds(Int64(bitPattern: a.nanoseconds &- b.nanoseconds))
    }

    public static func + (a: MonotonicTime, d: Duration) -> MonotonicTime {
        MonotonicTime(nanoseconds: UInt64(Int64(a.nanoseconds) + d.nanosecondsRounded))
    }
}

extension Duration {
    var nanosecondsRounded: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// The bytes of one frame: either owned memory, or a camera buffer lent until the last
/// reference goes away, at which point it is handed back to the driver.
public final class FrameBytes: @unchecked Sendable {
    // Immutable after init; the lent memory is not written while a frame refers to it,
    // because the driver only fills buffers that have been queued back.
    private let owned: [UInt8]?
    private let lent: UnsafeRawBufferPointer?
    private let giveBack: (@Sendable () -> Void)?

    public init(_ bytes: [UInt8]) {
        owned = bytes
        lent = nil
        giveBack = nil
    }

    /// Memory that stays valid until `giveBack` is called, which happens exactly once.
    init(lending memory: UnsafeRawBufferPointer, giveBack: @escaping @Sendable () -> Void) {
        owned = nil
        lent = memory
        self.giveBack = giveBack
    }

    deinit { giveBack?() }

    public var count: Int { owned?.count ?? lent!.count }
    /// True when the bytes are a driver buffer that goes back to the camera on release.
    public var isLent: Bool { lent != nil }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let owned { return try owned.withUnsafeBytes(body) }
        return try body(lent!)
    }
}

/// One image from a source, with what is needed to interpret and order it.
public struct Frame: Sendable {
    public var pixelFormat: FourCC
    public var width: Int
    public var height: Int
    /// Bytes from one row to the next in the first plane (0 for compressed formats).
    public var bytesPerLine: Int
    /// When the first byte was captured, on `CLOCK_MONOTONIC`.
    public var timestamp: MonotonicTime
    /// Counts every frame the source produced, delivered or not: a gap means dropped frames.
    public var sequence: UInt64
    public var bytes: FrameBytes

    public init(pixelFormat: FourCC, width: Int, height: Int, bytesPerLine: Int,
                timestamp: MonotonicTime, sequence: UInt64, bytes: FrameBytes) {
        self.pixelFormat = pixelFormat
        self.width = width
        self.height = height
        self.bytesPerLine = bytesPerLine
        self.timestamp = timestamp
        self.sequence = sequence
        self.bytes = bytes
    }

    /// A copy in owned memory, so that a camera buffer can go back to the driver at once.
    public func detached() -> Frame {
        guard bytes.isLent else { return self }
        var copy = self
        copy.bytes = FrameBytes(bytes.withUnsafeBytes { Array($0) })
        return copy
    }

    /// The frame as RGB. MJPEG is scaled while decoding (cheap); raw formats are converted at
    /// full size and then reduced by area averaging.
    public func rgbImage(scale: JPEGScale = .full) throws -> RGBImage {
        let image: RGBImage = try bytes.withUnsafeBytes { raw in
            switch pixelFormat {
            case .mjpeg, .jpeg:
                // Webcams often pad MJPEG frames or end them early; a picture with a damaged
                // tail is still worth showing.
                return try JPEG.decode(raw, scale: scale, tolerateDamage: true)
            case .yuyv:
                return try RGBImage(yuyv: raw, width: width, height: height, bytesPerLine: bytesPerLine)
            case .nv12:
                return try RGBImage(nv12: raw, width: width, height: height, bytesPerLine: bytesPerLine)
            case .rgb24, .grey:
                let channels = pixelFormat == .rgb24 ? 3 : 1
                let needed = bytesPerLine * (height - 1) + width * channels
                guard raw.count >= needed else {
                    throw RawFrameError.tooShort(format: pixelFormat.description, needed: needed, got: raw.count)
                }
                let src = raw.bindMemory(to: UInt8.self)
                var rows = [UInt8]()
                rows.reserveCapacity(width * height * channels)
                for y in 0..<height { rows += src[(y * bytesPerLine)..<(y * bytesPerLine + width * channels)] }
                return channels == 3 ? RGBImage(width: width, height: height, elements: rows)
                    : GrayImage(width: width, height: height, elements: rows).rgb()
            default:
                throw CaptureError.unsupportedPixelFormat(pixelFormat)
            }
        }
        guard !pixelFormat.isCompressed, scale != .full else { return image }
        let size = PixelSize(width: (width + scale.rawValue - 1) / scale.rawValue,
                             height: (height + scale.rawValue - 1) / scale.rawValue)
        return image.resized(to: size, filter: .area)
    }
}
