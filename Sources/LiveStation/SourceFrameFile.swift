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
        var size = 0
        // First the size, then the bytes.
        guard pixels.withUnsafeBytes({ png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, stride, nil) }) != 0 else {
            throw EncodingError(description: "the frame could not be encoded as PNG: \(message(image))")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        let written = bytes.withUnsafeMutableBytes { out in
            pixels.withUnsafeBytes { png_image_write_to_memory(&image, out.baseAddress, &size, 0, $0.baseAddress, stride, nil) }
        }
        guard written != 0 else { throw EncodingError(description: "the frame could not be encoded as PNG: \(message(image))") }
        return Array(bytes.prefix(size))
    }

    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
