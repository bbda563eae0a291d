import CPNG
import ImageKit

/// The camera frame a photo was cut from, stored losslessly beside it so that a reviewer can
/// run `kiosk check PHOTO --source FRAME` on exactly what the station checked.
public enum SourceFrameFile {
    /// Why a frame could not be encoded.
    public struct EncodingError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The frame as an 8-bit RGB PNG (libpng's simplified writer: no gamma or colour chunks,
    /// so every reader gets the same pixels back).
    public static func png(_ frame: RGBImage) throws(EncodingError) -> [UInt8] {
        let pixels = frame.elements
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(frame.width)
        image.height = UInt32(frame.height)
        image.format = UInt32(PNG_FORMAT_RGB)
        let stride = Int32(3 * frame.width)
        // Compressing is the cost (asking libpng for the size first compresses the frame a
        // first time), so it is done once, into room for the raw rows and an eighth more, which
        // zlib never exceeds on image rows.
        let raw = frame.height * (3 * frame.width + 1)
        var size = raw + raw / 8 + 4096
        var bytes = [UInt8](repeating: 0, count: size)
        var written = write(&image, pixels, stride, into: &bytes, size: &size)
        if written == 0 && size > bytes.count {
            // Too small after all: libpng said how much it needs.
            bytes = [UInt8](repeating: 0, count: size)
            written = write(&image, pixels, stride, into: &bytes, size: &size)
        }
        guard written != 0 else { throw EncodingError(description: "the frame could not be encoded as PNG: \(message(image))") }
        return Array(bytes.prefix(size))
    }

    private static func write(_ image: inout png_image, _ pixels: [UInt8], _ stride: Int32, into bytes: inout [UInt8],
                              size: inout Int) -> Int32 {
        bytes.withUnsafeMutableBytes { out in
            pixels.withUnsafeBytes { png_image_write_to_memory(&image, out.baseAddress, &size, 0, $0.baseAddress, stride, nil) }
        }
    }

    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
