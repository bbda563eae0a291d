import Foundation
import CJPEG

/// Why JPEG data could not be decoded or encoded. Each case says what to do about it.
public enum JPEGError: Error, Equatable, CustomStringConvertible, Sendable {
    /// There were no bytes at all.
    case empty
    /// The data does not start like a JPEG file (`FF D8`).
    case notJPEG(detail: String)
    /// The data stops before the image does: an interrupted copy or upload.
    case truncated(detail: String)
    /// libjpeg found damaged content.
    case corrupt(detail: String)
    /// A valid JPEG of a kind this decoder cannot read (12-bit samples, lossless or
    /// hierarchical coding): nothing is damaged, the file needs saving in an ordinary form.
    case unsupported(detail: String)
    /// The image has more pixels than `limit`; refused from its header, before decoding.
    case tooLarge(width: Int, height: Int, limit: Int)
    /// The caller asked for something the codec cannot do.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .empty:
            "the JPEG data is empty (0 bytes): the file was not written or the copy failed; take or copy it again"
        case let .notJPEG(detail):
            "this is not a JPEG file (\(detail)); use a .jpg photo"
        case let .truncated(detail):
            "the JPEG data ends too early (\(detail)): the file is incomplete; copy or capture it again"
        case let .corrupt(detail):
            "the JPEG data is damaged (\(detail)); capture or export the photo again"
        case let .unsupported(detail):
            "this JPEG is of a kind this program cannot decode (\(detail)); save it again as an ordinary "
                + "8-bit colour JPEG (for example `convert IN.jpg -depth 8 OUT.jpg`)"
        case let .tooLarge(width, height, limit):
            Self.tooLargeMessage(width: width, height: height, limit: limit)
        case let .invalidArgument(message):
            "invalid JPEG request: \(message)"
        }
    }

    /// "the image is 9000×9000 pixels (81.0 megapixels), more than the 50-megapixel limit; …",
    /// shared with PNG so both formats say it the same way.
    static func tooLargeMessage(width: Int, height: Int, limit: Int) -> String {
        func megapixels(_ pixels: Int) -> String {
            let value = Double(pixels) / 1_000_000
            return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
        }
        return "the image is \(width)×\(height) pixels (\(megapixels(width * height)) megapixels), more than the "
            + "\(megapixels(limit))-megapixel limit; scale it down (for example `convert IN -resize 6000x6000 OUT.jpg`) "
            + "and use that"
    }

    init(_ result: cjpeg_result) {
        let detail = withUnsafeBytes(of: result.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        switch cjpeg_status(UInt32(result.status)) {
        case CJPEG_EMPTY: self = .empty
        case CJPEG_NOT_JPEG: self = .notJPEG(detail: detail)
        case CJPEG_TRUNCATED: self = .truncated(detail: detail)
        case CJPEG_BAD_ARGUMENT: self = .invalidArgument(detail)
        case CJPEG_UNSUPPORTED: self = .unsupported(detail: detail)
        default: self = .corrupt(detail: detail)
        }
    }
}

/// DCT-domain downscaling that libjpeg applies while decoding: far cheaper than decoding
/// at full size and resizing, which makes it the way to preview MJPEG frames.
public enum JPEGScale: Int, Sendable, CaseIterable, Codable {
    case full = 1
    case half = 2
    case quarter = 4
    case eighth = 8
}

/// Chroma subsampling of an encoded JPEG.
public enum ChromaSubsampling: String, Sendable, Codable {
    /// Colour at half resolution in both directions: the usual photo setting, smaller files.
    case yuv420 = "4:2:0"
    /// Colour at full resolution.
    case yuv444 = "4:4:4"
}

/// Pixel density written in, or read from, the JFIF header.
public struct PixelDensity: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Unit: Int, Sendable, Codable {
        /// Only the aspect ratio is given.
        case none = 0
        case dotsPerInch = 1
        case dotsPerCentimetre = 2
    }

    public var unit: Unit
    public var x: Int
    public var y: Int

    public init(unit: Unit, x: Int, y: Int) {
        self.unit = unit
        self.x = x
        self.y = y
    }

    /// The same density in both directions, in dots per inch.
    public static func dpi(_ value: Int) -> PixelDensity { PixelDensity(unit: .dotsPerInch, x: value, y: value) }

    /// Dots per inch in x, converting from centimetres; nil when the file gives no unit.
    public var dotsPerInch: Double? {
        switch unit {
        case .none: nil
        case .dotsPerInch: Double(x)
        case .dotsPerCentimetre: Double(x) * 2.54
        }
    }

    public var description: String {
        switch unit {
        case .none: "\(x):\(y) (aspect only, no unit)"
        case .dotsPerInch: x == y ? "\(x) dpi" : "\(x)×\(y) dpi"
        case .dotsPerCentimetre: "\(x)×\(y) dots/cm"
        }
    }
}

/// What a JPEG file says about itself, read from its headers without decoding pixels.
public struct JPEGInfo: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int
    /// 1 for grey, 3 for colour, 4 for CMYK.
    public var components: Int
    public var progressive: Bool
    public var arithmeticCoding: Bool
    /// True when the file has a JFIF header (where the density lives).
    public var hasJFIF: Bool
    public var density: PixelDensity
    /// The IJG quality (1–100) whose standard table matches the file's luminance table best.
    public var estimatedQuality: Int
    /// Chroma subsampling for colour files; nil for grey or unusual factors.
    public var subsampling: ChromaSubsampling?

    /// True for a baseline (sequential, Huffman-coded) JPEG, the kind every reader accepts.
    public var isBaseline: Bool { !progressive && !arithmeticCoding }
}

/// Encoding parameters for `JPEG.encode`.
public struct JPEGEncodeOptions: Sendable, Hashable {
    /// IJG quality, 1–100.
    public var quality: Int
    public var subsampling: ChromaSubsampling
    public var density: PixelDensity
    /// Optimal Huffman tables: about 5–10% smaller files at the same quality, still baseline.
    public var optimizeHuffman: Bool

    public init(quality: Int = 90, subsampling: ChromaSubsampling = .yuv420,
                density: PixelDensity = .dpi(300), optimizeHuffman: Bool = true) {
        self.quality = quality
        self.subsampling = subsampling
        self.density = density
        self.optimizeHuffman = optimizeHuffman
    }
}

/// JPEG decoding and encoding through libjpeg-turbo.
///
/// Every libjpeg error, including the ones its default handler answers with `exit()`,
/// comes back as a thrown `JPEGError`.
public enum JPEG {
    /// Images with more pixels than this are refused before any memory is allocated
    /// (50 megapixels: more than any webcam or phone photo, and decoded at 150 MB of RGB it
    /// keeps a whole command, detection included, near 1 GB at most).
    public static let defaultPixelLimit = 50_000_000

    /// Reads the headers: size, density, quality estimate, coding.
    public static func info(_ data: some ContiguousBytes) throws(JPEGError) -> JPEGInfo {
        try readInfo(data, scale: .full).info
    }

    /// The EXIF Orientation tag of the file (its first Exif APP1 segment); `.up` when there
    /// is none or it is not valid. `decode` does not apply it (camera frames carry none);
    /// `ImageFile` does.
    public static func orientation(_ data: some ContiguousBytes) -> ImageOrientation {
        data.withUnsafeBytes { ExifReader.jpegOrientation($0) } ?? .up
    }

    /// Decodes to 8-bit RGB, optionally scaled down in the DCT domain. Grey files come out
    /// grey in RGB; CMYK and YCCK files are converted without a colour profile.
    ///
    /// - Parameter tolerateDamage: accept data libjpeg could only decode by skipping damaged
    ///   parts (some webcams pad MJPEG frames); by default such data is an error.
    public static func decode(_ data: some ContiguousBytes, scale: JPEGScale = .full,
                              pixelLimit: Int = defaultPixelLimit,
                              tolerateDamage: Bool = false) throws(JPEGError) -> RGBImage {
        let (info, outWidth, outHeight) = try readInfo(data, scale: scale)
        guard info.width * info.height <= pixelLimit else {
            throw .tooLarge(width: info.width, height: info.height, limit: pixelLimit)
        }
        var image = RGBImage(width: outWidth, height: outHeight)
        let result = data.withUnsafeBytes { bytes in
            image.withUnsafeMutableRows { rows, stride in
                cjpeg_decode_rgb(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count,
                                 Int32(scale.rawValue), rows, stride, Int32(outWidth), Int32(outHeight))
            }
        }
        if result.status != CJPEG_OK.rawValue && !(tolerateDamage && result.warnings > 0) {
            throw JPEGError(result)
        }
        return image
    }

    private static func readInfo(_ data: some ContiguousBytes, scale: JPEGScale)
        throws(JPEGError) -> (info: JPEGInfo, outputWidth: Int, outputHeight: Int) {
        var raw = cjpeg_info()
        let result = data.withUnsafeBytes { bytes in
            cjpeg_read_info(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count,
                            Int32(scale.rawValue), &raw)
        }
        guard result.status == CJPEG_OK.rawValue else { throw JPEGError(result) }
        let subsampling: ChromaSubsampling? = switch (raw.components, raw.luma_h_sampling, raw.luma_v_sampling) {
        case (3, 2, 2): .yuv420
        case (3, 1, 1): .yuv444
        default: nil
        }
        let info = JPEGInfo(
            width: Int(raw.width), height: Int(raw.height), components: Int(raw.components),
            progressive: raw.progressive != 0, arithmeticCoding: raw.arithmetic != 0, hasJFIF: raw.saw_jfif != 0,
            density: PixelDensity(unit: PixelDensity.Unit(rawValue: Int(raw.density_unit)) ?? .none,
                                  x: Int(raw.x_density), y: Int(raw.y_density)),
            estimatedQuality: Int(raw.estimated_quality), subsampling: subsampling)
        return (info, Int(raw.output_width), Int(raw.output_height))
    }

    /// Encodes an RGB image as a baseline JFIF JPEG.
    public static func encode(_ image: RGBImage, options: JPEGEncodeOptions = .init()) throws(JPEGError) -> [UInt8] {
        try encode(image, components: 3, options: options)
    }

    /// Encodes a grey image as a baseline JFIF JPEG (one component).
    public static func encode(_ image: GrayImage, options: JPEGEncodeOptions = .init()) throws(JPEGError) -> [UInt8] {
        try encode(image, components: 1, options: options)
    }

    /// How a CMYK JPEG stores its ink, in the three ways print files come.
    enum CMYKStorage: CaseIterable {
        /// CMYK as is, no Adobe segment (0 = no ink).
        case plain
        /// CMYK inverted (255 = no ink) with an Adobe APP14 segment saying so: Photoshop's way.
        case adobeInverted
        /// Inverted CMYK transformed to YCCK, Adobe segment: Photoshop's and ImageMagick's way.
        case adobeYCCK
    }

    /// Encodes C, M, Y, K ink amounts (0 none … 255 full, four bytes a pixel) as a CMYK JPEG
    /// stored as `storage` says. The kiosk writes no CMYK; this makes the files the decoder
    /// is tested on.
    static func encodeCMYK(ink: [UInt8], width: Int, height: Int, storage: CMYKStorage,
                           quality: Int = 95) throws(JPEGError) -> [UInt8] {
        precondition(ink.count == width * height * 4, "\(ink.count) bytes are not \(width)×\(height) CMYK pixels")
        let stored = storage == .plain ? ink : ink.map { 255 - $0 }
        // withUnsafe… rethrows as `any Error`: the typed error travels in a Result.
        return try stored.withUnsafeBufferPointer { pixels in
            Result { () throws(JPEGError) in
                try encode(rows: pixels.baseAddress!, stride: width * 4, width: width, height: height, components: 4,
                           options: JPEGEncodeOptions(quality: quality), ycck: storage == .adobeYCCK,
                           adobeMarker: storage != .plain)
            }
        }.get()
    }

    private static func encode<F>(_ image: PixelBuffer<F>, components: Int32,
                                  options: JPEGEncodeOptions) throws(JPEGError) -> [UInt8] where F.Element == UInt8 {
        try image.withUnsafeRows { rows, stride in
            Result { () throws(JPEGError) in
                try encode(rows: rows, stride: stride, width: image.width, height: image.height,
                           components: components, options: options)
            }
        }.get()
    }

    private static func encode(rows: UnsafePointer<UInt8>, stride: Int, width: Int, height: Int, components: Int32,
                               options: JPEGEncodeOptions, ycck: Bool = false,
                               adobeMarker: Bool = false) throws(JPEGError) -> [UInt8] {
        let nativeOptions = cjpeg_encode_options(
            quality: Int32(options.quality), subsampling_444: options.subsampling == .yuv444 ? 1 : 0,
            density_unit: Int32(options.density.unit.rawValue), x_density: Int32(options.density.x),
            y_density: Int32(options.density.y), optimize_huffman: options.optimizeHuffman ? 1 : 0,
            cmyk_as_ycck: ycck ? 1 : 0, cmyk_adobe_marker: adobeMarker ? 1 : 0)
        var buffer: UnsafeMutablePointer<UInt8>?
        var size = 0
        let result = cjpeg_encode(rows, stride, Int32(width), Int32(height), components, nativeOptions, &buffer, &size)
        guard result.status == CJPEG_OK.rawValue, let buffer else { throw JPEGError(result) }
        defer { cjpeg_free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: size))
    }
}
