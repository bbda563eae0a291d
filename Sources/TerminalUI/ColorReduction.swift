import ImageKit

/// How colours are spread when the terminal has fewer colours than the image.
public enum DitherMethod: String, Sendable, CaseIterable, Codable {
    /// Nearest colour only: flat areas stay flat, gradients band.
    case none
    /// A fixed 4×4 Bayer threshold pattern: stable from frame to frame, so a live preview
    /// does not shimmer where the picture does not change.
    case ordered
    /// Floyd–Steinberg error diffusion: the closest average colour, but the pattern moves
    /// with every small change of the input, which crawls on a live preview.
    case diffusion
}

/// Turns pixels into terminal colours for one `ColorMode`, dithering when asked.
public struct ColorReducer: Sendable, Hashable {
    public var mode: ColorMode
    public var dither: DitherMethod

    public init(mode: ColorMode, dither: DitherMethod = .ordered) {
        self.mode = mode
        self.dither = dither
    }

    /// 4×4 Bayer matrix, values 0…15.
    private static let bayer4: [Int] = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5]

    /// Spread of the ordered-dither offset: half a palette step. A full step (the textbook
    /// choice) makes a checkerboard of every flat colour that falls between two entries, and
    /// at two pixels per cell a checkerboard is all the eye sees; half a step still breaks up
    /// the bands of a gradient. (256 colours: the cube steps are 40 levels; 16 colours: more
    /// than 100.)
    private var orderedAmplitude: Int {
        switch mode {
        case .trueColor: 0
        case .palette256: 20
        case .basic16: 64
        }
    }

    /// The terminal colour of every pixel of `image`, row by row.
    public func reduce(_ image: RGBImage) -> [TerminalColor] {
        let w = image.width, h = image.height
        var out = [TerminalColor]()
        out.reserveCapacity(w * h)
        if mode == .trueColor {
            image.withUnsafeRows { p, stride in
                for y in 0..<h {
                    let row = p + y * stride
                    for x in 0..<w { out.append(.rgb(row[3 * x], row[3 * x + 1], row[3 * x + 2])) }
                }
            }
            return out
        }
        switch dither {
        case .none, .ordered:
            let amplitude = dither == .ordered ? orderedAmplitude : 0
            image.withUnsafeRows { p, stride in
                for y in 0..<h {
                    let row = p + y * stride
                    for x in 0..<w {
                        let t = amplitude == 0 ? 0 : (Self.bayer4[(y & 3) * 4 + (x & 3)] * 2 - 15) * amplitude / 32
                        out.append(nearest(Int(row[3 * x]) + t, Int(row[3 * x + 1]) + t, Int(row[3 * x + 2]) + t))
                    }
                }
            }
        case .diffusion:
            diffuse(image, into: &out)
        }
        return out
    }

    /// Floyd–Steinberg, left to right on every row; errors carried in two row buffers.
    private func diffuse(_ image: RGBImage, into out: inout [TerminalColor]) {
        let w = image.width, h = image.height
        var current = [Int](repeating: 0, count: (w + 2) * 3)
        var next = current
        image.withUnsafeRows { p, stride in
            for y in 0..<h {
                let row = p + y * stride
                for i in next.indices { next[i] = 0 }
                for x in 0..<w {
                    let e = (x + 1) * 3
                    let r = clamp(Int(row[3 * x]) + current[e] / 16)
                    let g = clamp(Int(row[3 * x + 1]) + current[e + 1] / 16)
                    let b = clamp(Int(row[3 * x + 2]) + current[e + 2] / 16)
                    let color = nearest(r, g, b)
                    out.append(color)
                    let q = Self.rgb(of: color)
                    for (c, err) in [(0, r - q.r), (1, g - q.g), (2, b - q.b)] {
                        current[e + 3 + c] += err * 7
                        next[e - 3 + c] += err * 3
                        next[e + c] += err * 5
                        next[e + 3 + c] += err
                    }
                }
                swap(&current, &next)
            }
        }
    }

    @inline(__always)
    private func clamp(_ v: Int) -> Int { min(255, max(0, v)) }

    private func nearest(_ r: Int, _ g: Int, _ b: Int) -> TerminalColor {
        let r = clamp(r), g = clamp(g), b = clamp(b)
        switch mode {
        case .trueColor: return .rgb(UInt8(r), UInt8(g), UInt8(b))
        case .palette256: return .palette(TerminalPalette.nearest256(r, g, b))
        case .basic16: return .basic(TerminalPalette.nearest16(r, g, b))
        }
    }

    /// The RGB value a reduced colour stands for.
    static func rgb(of color: TerminalColor) -> (r: Int, g: Int, b: Int) {
        switch color {
        case let .rgb(r, g, b): (Int(r), Int(g), Int(b))
        case let .palette(i): TerminalPalette.rgb(ofPaletteIndex: Int(i))
        case let .basic(i): TerminalPalette.basic[Int(i)]
        case .default: (0, 0, 0)
        }
    }

    /// `color` in this mode: RGB overlay colours are reduced like image pixels (no dither).
    public func convert(_ color: TerminalColor) -> TerminalColor {
        guard case let .rgb(r, g, b) = color else { return color }
        return nearest(Int(r), Int(g), Int(b))
    }
}
