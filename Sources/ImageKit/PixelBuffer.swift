/// The layout of one pixel: its element type and how many elements it has.
///
/// Formats are types, not values, so that a function asking for an RGB image can never be
/// handed a grey one.
public protocol PixelFormat: Sendable {
    associatedtype Element: BitwiseCopyable & Sendable & Numeric
    /// Elements per pixel.
    static var channels: Int { get }
}

/// 8-bit sRGB, three interleaved channels in R, G, B order.
public enum RGB: PixelFormat {
    public typealias Element = UInt8
    public static var channels: Int { 3 }
}

/// 8-bit single channel: luma, a mask, or an 8-bit alpha matte.
public enum Gray: PixelFormat {
    public typealias Element = UInt8
    public static var channels: Int { 1 }
}

/// 32-bit float single channel: an alpha matte in 0…1, a distance map, a response map.
public enum GrayFloat: PixelFormat {
    public typealias Element = Float
    public static var channels: Int { 1 }
}

/// CIE L\*a\*b\* (D65), 32-bit float: L in 0…100, a and b roughly −128…127.
public enum Lab: PixelFormat {
    public typealias Element = Float
    public static var channels: Int { 3 }
}

/// 32-bit signed single channel, used for integral images of 8-bit data.
public enum GrayInt32: PixelFormat {
    public typealias Element = Int32
    public static var channels: Int { 1 }
}

/// 64-bit float single channel, used for integral images of squares and float data.
public enum GrayDouble: PixelFormat {
    public typealias Element = Double
    public static var channels: Int { 1 }
}

public typealias RGBImage = PixelBuffer<RGB>
public typealias GrayImage = PixelBuffer<Gray>
public typealias FloatPlane = PixelBuffer<GrayFloat>
public typealias LabImage = PixelBuffer<Lab>

/// Reference-counted pixel memory shared by a buffer and the views cut from it.
final class PixelStorage<Element: BitwiseCopyable>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
    }

    deinit { base.deallocate() }
}

/// A rectangle in pixel coordinates; `x`, `y` is the top-left corner.
public struct PixelRect: Hashable, Sendable, Codable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// The part of this rectangle that lies inside `other` (empty when they do not meet).
    public func intersection(_ other: PixelRect) -> PixelRect {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        return PixelRect(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }

    public var description: String { "\(width)×\(height)+\(x)+\(y)" }
}

/// A two-dimensional grid of pixels of one `Format`, with value semantics.
///
/// Rows may be padded (`rowStride` ≥ `width × channels`), which lets `cropped(to:)` return a
/// view into the same memory without copying. Mutation copies the visible region first when
/// the memory is shared (copy on write), so a view never changes the image it came from.
public struct PixelBuffer<Format: PixelFormat>: @unchecked Sendable {
    public typealias Element = Format.Element

    public let width: Int
    public let height: Int
    /// Elements (not bytes) from the start of one row to the start of the next.
    public private(set) var rowStride: Int
    private var storage: PixelStorage<Element>
    private var offset: Int

    public static var channels: Int { Format.channels }

    /// A buffer of the given size with every element set to `value`.
    public init(width: Int, height: Int, filledWith value: Element = 0) {
        precondition(width >= 0 && height >= 0, "negative image size \(width)×\(height)")
        self.width = width
        self.height = height
        rowStride = width * Format.channels
        storage = PixelStorage(count: rowStride * height)
        offset = 0
        if value == .zero {
            // Zero-filling as bytes: the generic element-wise fill is not specialised for
            // callers in other modules and costs a witness call per element.
            UnsafeMutableRawPointer(storage.base)
                .initializeMemory(as: UInt8.self, repeating: 0, count: storage.count * MemoryLayout<Element>.stride)
        } else {
            storage.base.initialize(repeating: value, count: storage.count)
        }
    }

    /// A buffer whose pixel `(x, y)` channel `c` is `pixel(x, y)[c]`.
    public init(width: Int, height: Int, pixel: (Int, Int) -> [Element]) {
        self.init(width: width, height: height)
        let channels = Format.channels
        for y in 0..<height {
            for x in 0..<width {
                let value = pixel(x, y)
                precondition(value.count == channels, "pixel has \(value.count) channels, expected \(channels)")
                for c in 0..<channels { storage.base[y * rowStride + x * channels + c] = value[c] }
            }
        }
    }

    /// A buffer that takes tightly packed rows from `elements`.
    public init(width: Int, height: Int, elements: [Element]) {
        precondition(elements.count == width * height * Format.channels,
                     "\(elements.count) elements do not fill \(width)×\(height)×\(Format.channels)")
        self.init(width: width, height: height)
        elements.withUnsafeBufferPointer { src in
            storage.base.update(from: src.baseAddress!, count: elements.count)
        }
    }

    public var size: PixelSize { PixelSize(width: width, height: height) }
    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }
    /// True when rows follow each other without padding.
    public var isContiguous: Bool { rowStride == width * Format.channels }

    /// Element `channel` of pixel `(x, y)`.
    @inlinable
    public subscript(x: Int, y: Int, channel: Int = 0) -> Element {
        get { readElement(at: y * rowStride + x * Format.channels + channel) }
        set { writeElement(newValue, at: y * rowStride + x * Format.channels + channel) }
    }

    @usableFromInline
    func readElement(at index: Int) -> Element { storage.base[offset + index] }

    @usableFromInline
    mutating func writeElement(_ value: Element, at index: Int) {
        makeUnique()
        storage.base[offset + index] = value
    }

    /// A view of `rect` that shares this buffer's memory; `rect` is clipped to the bounds.
    public func cropped(to rect: PixelRect) -> PixelBuffer {
        let r = rect.intersection(bounds)
        return PixelBuffer(width: r.width, height: r.height, rowStride: rowStride,
                           storage: storage, offset: offset + r.y * rowStride + r.x * Format.channels)
    }

    private init(width: Int, height: Int, rowStride: Int, storage: PixelStorage<Element>, offset: Int) {
        self.width = width
        self.height = height
        self.rowStride = rowStride
        self.storage = storage
        self.offset = offset
    }

    /// A tightly packed copy that owns its memory.
    public func compacted() -> PixelBuffer {
        var copy = PixelBuffer(width: width, height: height)
        copy.withUnsafeMutableRows { dst, dstStride in
            withUnsafeRows { src, srcStride in
                for y in 0..<height {
                    (dst + y * dstStride).update(from: src + y * srcStride, count: width * Format.channels)
                }
            }
        }
        return copy
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) || storage.count != rowStride * height {
            self = compacted()
        }
    }

    /// Calls `body` with the first element of the first row and the row stride in elements.
    public func withUnsafeRows<R>(_ body: (UnsafePointer<Element>, Int) throws -> R) rethrows -> R {
        try body(UnsafePointer(storage.base + offset), rowStride)
    }

    /// Calls `body` with writable rows, copying shared memory first.
    public mutating func withUnsafeMutableRows<R>(_ body: (UnsafeMutablePointer<Element>, Int) throws -> R) rethrows -> R {
        makeUnique()
        return try body(storage.base + offset, rowStride)
    }

    /// The pixels row by row without padding.
    public var elements: [Element] {
        var out = [Element]()
        out.reserveCapacity(width * height * Format.channels)
        withUnsafeRows { src, stride in
            for y in 0..<height {
                out.append(contentsOf: UnsafeBufferPointer(start: src + y * stride, count: width * Format.channels))
            }
        }
        return out
    }
}

extension PixelBuffer: Equatable where Element: Equatable {
    /// Equal when sizes and every visible element match; padding is ignored.
    public static func == (lhs: PixelBuffer, rhs: PixelBuffer) -> Bool {
        lhs.width == rhs.width && lhs.height == rhs.height && lhs.elements == rhs.elements
    }
}

/// A width and a height in pixels.
public struct PixelSize: Hashable, Sendable, Codable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)×\(height)" }

    /// This size `factor` times larger, rounded: an analysis copy's size back in the full frame's pixels.
    public func scaled(by factor: Double) -> PixelSize {
        PixelSize(width: Int((Double(width) * factor).rounded()), height: Int((Double(height) * factor).rounded()))
    }
}

extension PixelBuffer where Format == RGB {
    /// The red, green and blue values of pixel `(x, y)`.
    public func rgb(_ x: Int, _ y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        (self[x, y, 0], self[x, y, 1], self[x, y, 2])
    }
}

extension PixelRect {
    /// This rectangle in an image `factor` times larger (a reduced copy's box in the full frame).
    public func scaled(by factor: Double) -> PixelRect {
        PixelRect(x: Int(Double(x) * factor), y: Int(Double(y) * factor),
                  width: Int(Double(width) * factor), height: Int(Double(height) * factor))
    }
}
