/// A colour as the terminal is told it: 24-bit, an index into the 256-colour palette, one
/// of the 16 basic colours, or the terminal's own default.
public enum TerminalColor: Hashable, Sendable {
    case rgb(UInt8, UInt8, UInt8)
    /// xterm 256-colour palette index (16…255 are the 6×6×6 cube and 24 greys).
    case palette(UInt8)
    /// One of the 16 basic colours, 0…7 normal and 8…15 bright.
    case basic(UInt8)
    case `default`
}

/// How many colours the terminal can show.
public enum ColorMode: String, Sendable, CaseIterable, Codable {
    /// 24-bit colour (`COLORTERM=truecolor`): xterm, VTE, kitty, tmux with `Tc`, kmscon.
    case trueColor = "truecolor"
    /// The xterm 256-colour palette.
    case palette256 = "256"
    /// The 16 ANSI colours: the Linux console and fbterm.
    case basic16 = "16"

    /// The best mode the environment promises: `COLORTERM` first (the only variable that
    /// announces 24-bit colour), then `TERM`. The Linux console (`TERM=linux`) gets 16
    /// colours because its palette has only 16 entries whatever it accepts.
    public static func detect(environment: [String: String]) -> ColorMode {
        let colorTerm = environment["COLORTERM"]?.lowercased() ?? ""
        if colorTerm == "truecolor" || colorTerm == "24bit" { return .trueColor }
        let term = environment["TERM"]?.lowercased() ?? ""
        if term.contains("direct") { return .trueColor }
        if term.contains("256color") { return .palette256 }
        return .basic16
    }
}

/// The xterm palette and nearest-colour search for the reduced modes.
///
/// Hand-written: the palette is a fixed table and the search is a few comparisons per
/// pixel; no library on the machine offers it for Swift.
public enum TerminalPalette {
    /// The six levels of each axis of xterm's 6×6×6 colour cube.
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The 16 basic colours as xterm draws them by default. Other terminals (the Linux
    /// console among them) use slightly different values; the nearest choice is the same
    /// for almost every colour.
    public static let basic: [(r: Int, g: Int, b: Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The RGB value of palette entry `index` (16…255; 0…15 are the basic colours).
    public static func rgb(ofPaletteIndex index: Int) -> (r: Int, g: Int, b: Int) {
        switch index {
        case 0..<16: return basic[index]
        case 16..<232:
            let i = index - 16
            return (cubeLevels[i / 36], cubeLevels[(i / 6) % 6], cubeLevels[i % 6])
        default:
            let v = 8 + 10 * (index - 232)
            return (v, v, v)
        }
    }

    /// Index of the cube level nearest to `v`.
    @inline(__always)
    static func nearestCubeLevel(_ v: Int) -> Int {
        // Level boundaries are the midpoints between neighbouring cube levels.
        if v < 48 { return 0 }
        if v < 115 { return 1 }
        return min(5, (v - 35) / 40)
    }

    /// Squared distance with weights that follow the eye's sensitivity (red 2, green 4,
    /// blue 3: a cheap stand-in for a perceptual distance, good enough for 256 entries).
    @inline(__always)
    static func distance(_ r: Int, _ g: Int, _ b: Int, _ c: (r: Int, g: Int, b: Int)) -> Int {
        let dr = r - c.r, dg = g - c.g, db = b - c.b
        return 2 * dr * dr + 4 * dg * dg + 3 * db * db
    }

    /// The 256-palette index nearest to the colour: the better of the nearest cube entry and
    /// the nearest grey (0…15 are left out because terminals redefine them freely).
    public static func nearest256(_ r: Int, _ g: Int, _ b: Int) -> UInt8 {
        let ri = nearestCubeLevel(r), gi = nearestCubeLevel(g), bi = nearestCubeLevel(b)
        let cube = (r: cubeLevels[ri], g: cubeLevels[gi], b: cubeLevels[bi])
        let cubeIndex = 16 + 36 * ri + 6 * gi + bi
        let mean = (r + g + b) / 3
        let greyStep = max(0, min(23, (mean - 3) / 10))
        let greyValue = 8 + 10 * greyStep
        let grey = (r: greyValue, g: greyValue, b: greyValue)
        return distance(r, g, b, grey) < distance(r, g, b, cube) ? UInt8(232 + greyStep) : UInt8(cubeIndex)
    }

    /// The basic colour (0…15) nearest to the colour.
    public static func nearest16(_ r: Int, _ g: Int, _ b: Int) -> UInt8 {
        var best = 0, bestDistance = Int.max
        for (i, c) in basic.enumerated() {
            let d = distance(r, g, b, c)
            if d < bestDistance { best = i; bestDistance = d }
        }
        return UInt8(best)
    }
}
