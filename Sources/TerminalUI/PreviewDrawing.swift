import ImageKit

/// The outline that shows where the head must sit.
public enum GuideShape: String, Sendable, CaseIterable, Codable {
    /// An oval around the head.
    case oval
    /// The head oval with the line of the shoulders below it.
    case headAndShoulders = "head-and-shoulders"
}

/// A rectangle in fractions of an image (0…1 on both axes, origin top-left).
public struct UnitRect: Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The same rectangle in an image flipped left to right.
    public var mirrored: UnitRect { UnitRect(x: 1 - x - width, y: y, width: width, height: height) }
}

/// Drawing on the small preview image, before it becomes cells.
///
/// Hand-written: at preview size (a few thousand pixels) a per-pixel loop costs
/// microseconds, and the outline thickness is chosen in terminal pixels, which is what the
/// student sees.
public enum PreviewDrawing {
    /// `image` flipped left to right, as a mirror shows it.
    public static func mirrored(_ image: RGBImage) -> RGBImage {
        var out = RGBImage(width: image.width, height: image.height)
        let w = image.width
        out.withUnsafeMutableRows { dst, dstStride in
            image.withUnsafeRows { src, srcStride in
                for y in 0..<image.height {
                    let s = src + y * srcStride, d = dst + y * dstStride
                    for x in 0..<w {
                        let sx = 3 * (w - 1 - x)
                        d[3 * x] = s[sx]
                        d[3 * x + 1] = s[sx + 1]
                        d[3 * x + 2] = s[sx + 2]
                    }
                }
            }
        }
        return out
    }

    /// Draws `shape` for the head box `rect` (fractions of `image`) in `color`.
    public static func drawGuide(_ shape: GuideShape, in rect: UnitRect, color: (UInt8, UInt8, UInt8),
                                 on image: inout RGBImage, thickness: Double = 1.0) {
        let w = Double(image.width), h = Double(image.height)
        let cx = (rect.x + rect.width / 2) * w, cy = (rect.y + rect.height / 2) * h
        let a = rect.width / 2 * w, b = rect.height / 2 * h
        drawEllipse(on: &image, cx: cx, cy: cy, a: a, b: b, thickness: thickness, color: color) { _, _ in true }
        if shape == .headAndShoulders {
            // Shoulders: the upper half of a wide, flat ellipse starting below the chin,
            // left out where it would cross the head oval.
            let sy = cy + 2.2 * b
            drawEllipse(on: &image, cx: cx, cy: sy, a: 2.6 * a, b: 1.1 * b, thickness: thickness, color: color) { x, y in
                y < sy && ((x - cx) / a) * ((x - cx) / a) + ((y - cy) / b) * ((y - cy) / b) > 1.3
            }
        }
    }

    private static func drawEllipse(on image: inout RGBImage, cx: Double, cy: Double, a: Double, b: Double,
                                    thickness: Double, color: (UInt8, UInt8, UInt8),
                                    where include: (Double, Double) -> Bool) {
        guard a > 0.5, b > 0.5 else { return }
        let y0 = max(0, Int(cy - b - thickness)), y1 = min(image.height - 1, Int(cy + b + thickness))
        let x0 = max(0, Int(cx - a - thickness)), x1 = min(image.width - 1, Int(cx + a + thickness))
        guard y0 <= y1, x0 <= x1 else { return }
        image.withUnsafeMutableRows { p, stride in
            for y in y0...y1 {
                let py = Double(y) + 0.5
                for x in x0...x1 {
                    let px = Double(x) + 0.5
                    let u = (px - cx) / a, v = (py - cy) / b
                    let r = (u * u + v * v).squareRoot()
                    guard r > 0 else { continue }
                    // Distance to the curve along the radius, in pixels: close enough to the
                    // true distance for an outline one or two pixels thick.
                    let gradient = ((u / a) * (u / a) + (v / b) * (v / b)).squareRoot() / r
                    let distance = abs(r - 1) / max(gradient, 1e-9)
                    guard distance <= thickness / 2 + 0.25, include(px, py) else { continue }
                    let o = y * stride + 3 * x
                    p[o] = color.0
                    p[o + 1] = color.1
                    p[o + 2] = color.2
                }
            }
        }
    }

    /// 3×5 bitmaps of the digits, one row per element, bit 2 the leftmost pixel.
    private static let digitRows: [[UInt8]] = [
        [7, 5, 5, 5, 7], [2, 6, 2, 2, 7], [7, 1, 7, 4, 7], [7, 1, 7, 1, 7], [5, 5, 7, 1, 1],
        [7, 4, 7, 1, 7], [7, 4, 7, 5, 7], [7, 1, 1, 1, 1], [7, 5, 7, 5, 7], [7, 5, 7, 1, 7],
    ]

    /// Draws the digit `digit` (0…9) large, centred on the image: each bitmap pixel becomes
    /// a block `scale` pixels wide with a dark border, so it reads over any picture.
    public static func drawDigit(_ digit: Int, on image: inout RGBImage, color: (UInt8, UInt8, UInt8)) {
        guard (0...9).contains(digit) else { return }
        let scale = max(1, min(image.width / 6, image.height / 10))
        let ox = (image.width - 3 * scale) / 2, oy = (image.height - 5 * scale) / 2
        let rows = digitRows[digit]
        func on(_ gx: Int, _ gy: Int) -> Bool {
            gx >= 0 && gx < 3 && gy >= 0 && gy < 5 && rows[gy] & (4 >> gx) != 0
        }
        let width = image.width, height = image.height
        image.withUnsafeMutableRows { p, stride in
            for y in max(0, oy - 1)..<min(height, oy + 5 * scale + 1) {
                for x in max(0, ox - 1)..<min(width, ox + 3 * scale + 1) {
                    let gx = (x - ox + scale) / scale - 1, gy = (y - oy + scale) / scale - 1
                    let inside = x >= ox && y >= oy && on(gx, gy)
                    // Border: any neighbour of a lit pixel that is not lit itself.
                    let nearLit = !inside && [(-1, 0), (1, 0), (0, -1), (0, 1)].contains { d in
                        let nx = x + d.0, ny = y + d.1
                        return nx >= ox && ny >= oy && on((nx - ox) / scale, (ny - oy) / scale)
                    }
                    guard inside || nearLit else { continue }
                    let o = y * stride + 3 * x
                    let c = inside ? color : (0, 0, 0)
                    p[o] = c.0
                    p[o + 1] = c.1
                    p[o + 2] = c.2
                }
            }
        }
    }
}
