/// How the stored pixels of a photo must be turned to show it upright: the EXIF
/// Orientation tag (0x0112), which cameras and phones write instead of rotating the pixels.
///
/// The names say where the stored image's top row ends up, as in the EXIF and TIFF
/// specifications: `.right` (6) is a phone held upright whose sensor rows run down the
/// left side, to be turned 90° clockwise.
public enum ImageOrientation: Int, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// 1: stored upright.
    case up = 1
    /// 2: mirrored left to right.
    case upMirrored = 2
    /// 3: upside down (turn 180°).
    case down = 3
    /// 4: mirrored top to bottom.
    case downMirrored = 4
    /// 5: mirrored across the main diagonal (transpose).
    case leftMirrored = 5
    /// 6: turn 90° clockwise to show upright.
    case right = 6
    /// 7: mirrored across the other diagonal (transverse).
    case rightMirrored = 7
    /// 8: turn 90° anticlockwise to show upright.
    case left = 8

    /// The orientation that undoes this one: stored pixels turned by `inverse` and tagged
    /// `self` show the original image.
    public var inverse: ImageOrientation {
        switch self {
        case .right: .left
        case .left: .right
        default: self
        }
    }

    /// True for the four values that exchange width and height.
    public var swapsDimensions: Bool { rawValue >= 5 }

    public var description: String {
        switch self {
        case .up: "1 (upright)"
        case .upMirrored: "2 (mirrored)"
        case .down: "3 (upside down)"
        case .downMirrored: "4 (mirrored upside down)"
        case .leftMirrored: "5 (transposed)"
        case .right: "6 (turn 90° clockwise)"
        case .rightMirrored: "7 (transverse)"
        case .left: "8 (turn 90° anticlockwise)"
        }
    }
}

/// Reading the Orientation tag from the EXIF block (a TIFF structure) that JPEG's APP1
/// segment or PNG's eXIf chunk carries. Only IFD0's Orientation entry is read: a few bytes,
/// so no EXIF library is needed.
enum ExifReader {
    /// The Orientation of a TIFF/EXIF block starting at its byte-order mark ("II" or "MM");
    /// nil when there is no valid tag (a missing or unknown value means upright).
    static func orientation(tiff: UnsafeRawBufferPointer) -> ImageOrientation? {
        guard tiff.count >= 8 else { return nil }
        let littleEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            let a = Int(tiff[at]), b = Int(tiff[at + 1])
            return littleEndian ? a | b << 8 : a << 8 | b
        }
        func u32(_ at: Int) -> Int? {
            guard let low = u16(littleEndian ? at : at + 2), let high = u16(littleEndian ? at + 2 : at) else { return nil }
            return low | high << 16
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for entry in 0..<count {
            let at = ifd + 2 + 12 * entry
            guard let tag = u16(at) else { return nil }
            guard tag == 0x0112 else { continue }
            // SHORT (type 3), count 1: the value sits in the first two bytes of the value field.
            // Some writers use LONG (4); accept it too rather than show the photo sideways.
            guard let type = u16(at + 2), let value = type == 4 ? u32(at + 8) : u16(at + 8) else { return nil }
            return ImageOrientation(rawValue: value)
        }
        return nil
    }

    /// The Orientation in a JPEG's first Exif APP1 segment; nil when there is none.
    ///
    /// Walks the marker segments from SOI up to the first scan (SOS), where metadata ends.
    static func jpegOrientation(_ data: UnsafeRawBufferPointer) -> ImageOrientation? {
        guard data.count > 4, data[0] == 0xFF, data[1] == 0xD8 else { return nil }
        var at = 2
        while at + 4 <= data.count {
            guard data[at] == 0xFF else { return nil }
            let marker = data[at + 1]
            if marker == 0xFF { at += 1; continue } // fill byte before a marker
            // Markers without a length: TEM and RST0–7 (not expected here, but harmless).
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { at += 2; continue }
            if marker == 0xDA || marker == 0xD9 { return nil } // scan or end: no more metadata
            let length = Int(data[at + 2]) << 8 | Int(data[at + 3])
            guard length >= 2, at + 2 + length <= data.count else { return nil }
            let body = UnsafeRawBufferPointer(rebasing: data[(at + 4)..<(at + 2 + length)])
            if marker == 0xE1, body.count >= 6, body.starts(with: Array("Exif\0\0".utf8)) {
                return orientation(tiff: UnsafeRawBufferPointer(rebasing: body[6...]))
            }
            at += 2 + length
        }
        return nil
    }

    /// The Orientation in a PNG's eXIf chunk (PNG 1.5 extension); nil when there is none.
    ///
    /// The chunk must come before the image data to count, as the extension says.
    static func pngOrientation(_ data: UnsafeRawBufferPointer) -> ImageOrientation? {
        var at = 8 // after the signature
        while at + 8 <= data.count {
            let length = Int(data[at]) << 24 | Int(data[at + 1]) << 16 | Int(data[at + 2]) << 8 | Int(data[at + 3])
            let type = String(decoding: data[(at + 4)..<(at + 8)], as: UTF8.self)
            guard length >= 0, at + 8 + length <= data.count else { return nil }
            if type == "IDAT" || type == "IEND" { return nil }
            if type == "eXIf" {
                return orientation(tiff: UnsafeRawBufferPointer(rebasing: data[(at + 8)..<(at + 8 + length)]))
            }
            at += 12 + length // length, type, data, CRC
        }
        return nil
    }
}

extension PixelBuffer {
    /// The image as it should be shown, given the `orientation` its pixels were stored in:
    /// turned and/or mirrored by copying (no resampling, so nothing is lost).
    ///
    /// Only for applying a file's own orientation tag: the kiosk never turns a photo for
    /// any other reason.
    public func oriented(_ orientation: ImageOrientation) -> PixelBuffer {
        if orientation == .up { return self }
        let (w, h) = (width, height)
        let outWidth = orientation.swapsDimensions ? h : w
        let outHeight = orientation.swapsDimensions ? w : h
        var out = PixelBuffer(width: outWidth, height: outHeight)
        let channels = Format.channels
        // For each output pixel, the stored pixel it shows: start and steps in the source,
        // as element offsets. Output row y, column x reads source (x0 + x·dx + y·dy).
        withUnsafeRows { src, srcStride in
            let pixelStep = channels
            let (first, alongRow, alongColumn): (Int, Int, Int) = switch orientation {
            case .up: (0, pixelStep, srcStride)
            case .upMirrored: ((w - 1) * pixelStep, -pixelStep, srcStride)
            case .down: ((h - 1) * srcStride + (w - 1) * pixelStep, -pixelStep, -srcStride)
            case .downMirrored: ((h - 1) * srcStride, pixelStep, -srcStride)
            // Output (x, y) = source (y, x).
            case .leftMirrored: (0, srcStride, pixelStep)
            // Output (x, y) = source (y, h − 1 − x).
            case .right: ((h - 1) * srcStride, -srcStride, pixelStep)
            // Output (x, y) = source (w − 1 − y, h − 1 − x).
            case .rightMirrored: ((h - 1) * srcStride + (w - 1) * pixelStep, -srcStride, -pixelStep)
            // Output (x, y) = source (w − 1 − y, x).
            case .left: ((w - 1) * pixelStep, srcStride, -pixelStep)
            }
            out.withUnsafeMutableRows { dst, dstStride in
                for y in 0..<outHeight {
                    var from = src + first + y * alongColumn
                    var to = dst + y * dstStride
                    for _ in 0..<outWidth {
                        for c in 0..<channels { to[c] = from[c] }
                        from += alongRow
                        to += channels
                    }
                }
            }
        }
        return out
    }
}
