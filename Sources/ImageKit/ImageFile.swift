import CPNG
import Foundation

/// Why an image file could not be read.
public enum ImageFileError: Error, CustomStringConvertible, Sendable {
    case unreadable(path: String, reason: String)
    case unsupportedFormat(path: String, firstBytes: String)
    case jpeg(path: String, JPEGError)
    case png(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            "cannot read \(path): \(reason)"
        case let .unsupportedFormat(path, firstBytes):
            "\(path) is neither JPEG nor PNG (it starts with \(firstBytes)); use a .jpg or .png photo"
        case let .jpeg(path, error):
            "\(path): \(error)"
        case let .png(path, reason):
            "\(path): the PNG data is damaged or unsupported (\(reason)); export the image again"
        }
    }
}

/// Reading photos from disk: JPEG and PNG, recognised by their content, not their name.
public enum ImageFile {
    /// Decodes a JPEG or PNG file to RGB.
    public static func read(_ url: URL, pixelLimit: Int = JPEG.defaultPixelLimit) throws(ImageFileError) -> RGBImage {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? error.localizedDescription : "no such file"
            throw .unreadable(path: url.path, reason: reason)
        }
        return try decode(data, name: url.path, pixelLimit: pixelLimit)
    }

    /// Decodes JPEG or PNG bytes to RGB; `name` appears in errors.
    public static func decode(_ data: Data, name: String = "image", pixelLimit: Int = JPEG.defaultPixelLimit)
        throws(ImageFileError) -> RGBImage {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return try decodePNG(data, name: name, pixelLimit: pixelLimit)
        }
        if data.count >= 2, !data.starts(with: [0xFF, 0xD8]) {
            let head = data.prefix(4).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw .unsupportedFormat(path: name, firstBytes: head)
        }
        do {
            return try JPEG.decode(data, pixelLimit: pixelLimit)
        } catch {
            throw .jpeg(path: name, error)
        }
    }

    private static func decodePNG(_ data: Data, name: String, pixelLimit: Int) throws(ImageFileError) -> RGBImage {
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&png) }
        let begun = data.withUnsafeBytes { png_image_begin_read_from_memory(&png, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw .png(path: name, reason: message(png)) }
        let width = Int(png.width), height = Int(png.height)
        guard width * height <= pixelLimit else {
            throw .png(path: name, reason: "\(width)×\(height) is more than \(pixelLimit) pixels")
        }
        png.format = UInt32(PNG_FORMAT_RGB)
        var image = RGBImage(width: width, height: height)
        // Transparent pixels are composited onto white, as a viewer would show them.
        var white = png_color(red: 255, green: 255, blue: 255)
        let finished = image.withUnsafeMutableRows { rows, stride in
            png_image_finish_read(&png, &white, rows, Int32(stride), nil)
        }
        guard finished != 0 else { throw .png(path: name, reason: message(png)) }
        return image
    }

    private static func message(_ png: png_image) -> String {
        withUnsafeBytes(of: png.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
