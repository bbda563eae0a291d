import CZBar
import ImageKit

/// Reads the image-collection code (采集码) from a webcam frame: the QR codes ZBar finds in
/// the picture, each payload exactly as encoded.
///
/// The payload is never parsed: the national site encrypts it and the station only keeps
/// it. ZBar is told to hand over the raw bytes (no guessing of character sets, which would
/// change them); bytes that are UTF-8 become that text, any other bytes one character per
/// byte (U+0000–U+00FF), so that no byte is lost or altered.
public enum CollectionCodeReader {
    /// The payloads of the QR codes in `image`, in the order ZBar finds them; empty when there is none.
    public static func read(_ image: GrayImage) -> [String] {
        guard image.width > 0, image.height > 0, let scanner = zbar_image_scanner_create() else { return [] }
        defer { zbar_image_scanner_destroy(scanner) }
        // QR only: a barcode on a book or a shirt in the picture is not a collection code.
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
        zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
        zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1)
        guard let zImage = zbar_image_create() else { return [] }
        defer { zbar_image_destroy(zImage) }
        // ZBar wants the plain 8-bit grey plane ("Y800") without row padding.
        let pixels = image.withUnsafeRows { base, stride in
            (0..<image.height).flatMap { row in UnsafeBufferPointer(start: base + row * stride, count: image.width) }
        }
        zbar_image_set_format(zImage, fourCC("Y800"))
        zbar_image_set_size(zImage, UInt32(image.width), UInt32(image.height))
        return pixels.withUnsafeBytes { bytes -> [String] in
            zbar_image_set_data(zImage, bytes.baseAddress, UInt(bytes.count), nil)
            guard zbar_scan_image(scanner, zImage) > 0 else { return [] }
            var payloads: [String] = []
            var symbol = zbar_image_first_symbol(zImage)
            while let current = symbol {
                if let data = zbar_symbol_get_data(current) {
                    let count = Int(zbar_symbol_get_data_length(current))
                    payloads.append(text(of: UnsafeRawBufferPointer(start: data, count: count)))
                }
                symbol = zbar_symbol_next(current)
            }
            // ZBar's buffer is ours: detach it before the image is destroyed.
            zbar_image_set_data(zImage, nil, 0, nil)
            return payloads
        }
    }

    /// The payload's bytes as text without changing any: UTF-8 when they are, else one
    /// character per byte.
    static func text(of bytes: UnsafeRawBufferPointer) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    private static func fourCC(_ code: String) -> UInt {
        code.utf8.enumerated().reduce(UInt(0)) { $0 | UInt($1.element) << (8 * $1.offset) }
    }
}
