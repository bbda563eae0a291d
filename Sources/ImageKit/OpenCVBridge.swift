import CVision

/// A failure reported by the native image library, with its own message.
public struct ImageOperationError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let message: String
    public var description: String { "\(operation) failed: \(message)" }
}

/// Formats that the native layer can read and write in place.
public protocol NativePixelFormat: PixelFormat {
    static var nativeType: cvk_type { get }
}

extension RGB: NativePixelFormat { public static var nativeType: cvk_type { CVK_U8C3 } }
extension Gray: NativePixelFormat { public static var nativeType: cvk_type { CVK_U8C1 } }
extension GrayFloat: NativePixelFormat { public static var nativeType: cvk_type { CVK_F32C1 } }
extension Lab: NativePixelFormat { public static var nativeType: cvk_type { CVK_F32C3 } }
extension GrayInt32: NativePixelFormat { public static var nativeType: cvk_type { CVK_S32C1 } }
extension GrayDouble: NativePixelFormat { public static var nativeType: cvk_type { CVK_F64C1 } }

/// Three-channel float RGB in 0…1, the form OpenCV wants for exact L\*a\*b\* conversion.
enum RGBFloat: NativePixelFormat {
    typealias Element = Float
    static var channels: Int { 3 }
    static var nativeType: cvk_type { CVK_F32C3 }
}

extension PixelBuffer where Format: NativePixelFormat {
    /// Borrows the pixels as a native view for the duration of `body`.
    func withNativeImage<R>(_ body: (cvk_image) throws -> R) rethrows -> R {
        try withUnsafeRows { base, stride in
            try body(cvk_image(data: UnsafeMutableRawPointer(mutating: base), width: Int32(width),
                               height: Int32(height), stride: Int64(stride * MemoryLayout<Element>.stride),
                               type: Int32(Format.nativeType.rawValue)))
        }
    }

    /// Lends the pixels to the native layer for writing.
    mutating func withMutableNativeImage<R>(_ body: (cvk_image) throws -> R) rethrows -> R {
        let (w, h) = (width, height)
        return try withUnsafeMutableRows { base, stride in
            try body(cvk_image(data: UnsafeMutableRawPointer(base), width: Int32(w), height: Int32(h),
                               stride: Int64(stride * MemoryLayout<Element>.stride),
                               type: Int32(Format.nativeType.rawValue)))
        }
    }
}

/// Runs a native operation that fills a fresh `width × height` destination.
func nativeProduce<Format: NativePixelFormat>(
    _ operation: String, width: Int, height: Int, as _: Format.Type = Format.self,
    _ body: (cvk_image) -> Int32
) throws -> PixelBuffer<Format> {
    var out = PixelBuffer<Format>(width: width, height: height)
    let status = out.withMutableNativeImage(body)
    if status != 0 { throw ImageOperationError(operation: operation, message: String(cString: cvk_last_error())) }
    return out
}
