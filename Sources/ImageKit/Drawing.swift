import CVision

/// A colour to draw with, in the image's channel order (R, G, B for RGB images).
public struct DrawColor: Sendable, Hashable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public static let red = DrawColor(red: 230, green: 40, blue: 40)
    public static let green = DrawColor(red: 40, green: 210, blue: 60)
    public static let blue = DrawColor(red: 40, green: 110, blue: 240)
    public static let yellow = DrawColor(red: 250, green: 220, blue: 30)
    public static let white = DrawColor(red: 255, green: 255, blue: 255)
}

/// Anti-aliased drawing for images a person looks at (annotations, overlays), through
/// OpenCV's imgproc drawing functions. Coordinates are in pixels and may be fractional.
extension PixelBuffer where Format == RGB {
    public mutating func drawLine(from a: (x: Double, y: Double), to b: (x: Double, y: Double), color: DrawColor,
                                  thickness: Int = 1) {
        draw("line", color) { image, c in cvk_draw_line(image, a.x, a.y, b.x, b.y, c, Int32(thickness)) }
    }

    /// A circle outline of `thickness` pixels, or a filled disc when `filled`.
    public mutating func drawCircle(center: (x: Double, y: Double), radius: Double, color: DrawColor,
                                    thickness: Int = 1, filled: Bool = false) {
        draw("circle", color) { image, c in
            cvk_draw_circle(image, center.x, center.y, radius, c, filled ? -1 : Int32(thickness))
        }
    }

    public mutating func drawRectangle(_ rect: PixelRect, color: DrawColor, thickness: Int = 1) {
        draw("rectangle", color) { image, c in
            cvk_draw_rectangle(image, Int32(rect.x), Int32(rect.y), Int32(rect.width), Int32(rect.height), c,
                               Int32(thickness))
        }
    }

    /// `text` with its baseline starting at `origin`, capitals about `height` pixels tall.
    public mutating func drawText(_ text: String, at origin: (x: Double, y: Double), height: Double,
                                  color: DrawColor, thickness: Int = 1) {
        draw("text", color) { image, c in cvk_draw_text(image, text, origin.x, origin.y, height, c, Int32(thickness)) }
    }

    private mutating func draw(_ what: String, _ color: DrawColor, _ body: (cvk_image, UnsafePointer<UInt8>) -> Int32) {
        let rgb = [color.red, color.green, color.blue]
        let status = withMutableNativeImage { image in rgb.withUnsafeBufferPointer { body(image, $0.baseAddress!) } }
        // The only failure is a non-8-bit view, which the RGB type rules out.
        precondition(status == 0, "drawing a \(what) failed: \(String(cString: cvk_last_error()))")
    }
}
