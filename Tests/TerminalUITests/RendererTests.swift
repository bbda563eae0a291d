import ImageKit
import Testing
@testable import TerminalUI

private let esc = "\u{1B}"

private func image(_ width: Int, _ height: Int, _ pixels: [[UInt8]]) -> RGBImage {
    RGBImage(width: width, height: height, elements: pixels.flatMap { $0 })
}

private func encodeOnce(_ grid: CellGrid) -> String {
    var encoder = ScreenEncoder(synchronizedUpdate: false)
    return String(decoding: encoder.encode(grid), as: UTF8.self)
}

private func render(_ img: RGBImage, mode: ColorMode, dither: DitherMethod = .none) -> CellGrid {
    var grid = CellGrid(columns: img.width, rows: (img.height + 1) / 2)
    HalfBlockRenderer(reducer: ColorReducer(mode: mode, dither: dither)).render(img, into: &grid, column: 0, row: 0)
    return grid
}

@Suite("Half-block renderer and screen encoder")
struct RendererTests {
    @Test("two pixels of one cell become an upper half block, top as foreground, bottom as background")
    func halfBlockTrueColor() {
        let grid = render(image(1, 2, [[255, 0, 0], [0, 0, 255]]), mode: .trueColor)
        #expect(encodeOnce(grid) == "\(esc)[0m\(esc)[2J\(esc)[1;1H\(esc)[0;38;2;255;0;0;48;2;0;0;255m▀")
    }

    @Test("a cell whose two pixels agree is a space on that background, and the pen is reused")
    func equalPixelsAreSpaces() {
        let grid = render(image(2, 2, [[0, 128, 0], [0, 128, 0], [0, 128, 0], [9, 9, 9]]), mode: .trueColor)
        // The second cell keeps the green background and draws its dark bottom as "▄".
        #expect(encodeOnce(grid) == "\(esc)[0m\(esc)[2J\(esc)[1;1H\(esc)[0;48;2;0;128;0m \(esc)[38;2;9;9;9m▄")
    }

    @Test("an odd last pixel row shows over the default background")
    func oddHeight() {
        let grid = render(image(1, 1, [[10, 20, 30]]), mode: .trueColor)
        #expect(encodeOnce(grid).hasSuffix("\(esc)[0;38;2;10;20;30m▀"))
    }

    @Test("256-colour mode picks the cube or grey entry nearest to each pixel")
    func palette256() {
        let grid = render(image(1, 2, [[255, 0, 0], [128, 128, 128]]), mode: .palette256)
        #expect(encodeOnce(grid).hasSuffix("\(esc)[0;38;5;196;48;5;244m▀"))
        #expect(TerminalPalette.nearest256(0, 0, 0) == 16)
        #expect(TerminalPalette.nearest256(255, 255, 255) == 231)
        #expect(TerminalPalette.nearest256(95, 135, 175) == 16 + 36 * 1 + 6 * 2 + 3)
    }

    @Test("16-colour mode uses the bright SGR codes for colours 8 to 15")
    func basic16() {
        let grid = render(image(1, 2, [[250, 10, 10], [0, 0, 0]]), mode: .basic16)
        #expect(encodeOnce(grid).hasSuffix("\(esc)[0;91;40m▀"))
    }

    @Test("ordered dithering mixes two palette colours where one colour alone would band")
    func orderedDither() {
        // Half way between black and the 16-colour grey (127).
        let grey = RGBImage(width: 8, height: 8, filledWith: 64)
        let flat = Set(ColorReducer(mode: .basic16, dither: .none).reduce(grey))
        let ordered = Set(ColorReducer(mode: .basic16, dither: .ordered).reduce(grey))
        let diffused = Set(ColorReducer(mode: .basic16, dither: .diffusion).reduce(grey))
        #expect(flat.count == 1)
        #expect(ordered.count >= 2)
        #expect(diffused.count >= 2)
    }

    @Test("an unchanged frame writes nothing; one changed cell writes a cursor move, a colour and the cell")
    func diffWritesOnlyChanges() {
        var encoder = ScreenEncoder(synchronizedUpdate: false)
        var grid = CellGrid(columns: 4, rows: 2)
        _ = encoder.encode(grid)
        #expect(encoder.encode(grid).isEmpty)
        grid[2, 1] = Cell("x", foreground: .basic(2))
        #expect(String(decoding: encoder.encode(grid), as: UTF8.self) == "\(esc)[2;3H\(esc)[0;32mx")
    }

    @Test("with a colour tolerance, camera noise rewrites nothing and a close colour reuses the pen")
    func colorTolerance() {
        var encoder = ScreenEncoder(synchronizedUpdate: false, colorTolerance: 6)
        var grid = CellGrid(columns: 2, rows: 1)
        grid[0, 0] = Cell(" ", background: .rgb(100, 100, 100))
        grid[1, 0] = Cell(" ", background: .rgb(103, 98, 100))
        #expect(String(decoding: encoder.encode(grid), as: UTF8.self) == "\(esc)[0m\(esc)[2J\(esc)[1;1H\(esc)[0;48;2;100;100;100m  ")
        grid[0, 0] = Cell(" ", background: .rgb(104, 97, 101))
        #expect(encoder.encode(grid).isEmpty)
        grid[0, 0] = Cell(" ", background: .rgb(130, 100, 100))
        #expect(String(decoding: encoder.encode(grid), as: UTF8.self) == "\(esc)[1;1H\(esc)[0;48;2;130;100;100m ")
    }

    @Test("a resize redraws the whole screen")
    func resizeRedraws() {
        var encoder = ScreenEncoder(synchronizedUpdate: false)
        _ = encoder.encode(CellGrid(columns: 4, rows: 2))
        let out = String(decoding: encoder.encode(CellGrid(columns: 5, rows: 2)), as: UTF8.self)
        #expect(out.hasPrefix("\(esc)[0m\(esc)[2J"))
    }

    @Test("a half block with swapped colours is written as a lower half block without a colour change")
    func lowerHalfSwap() {
        let grid = render(image(2, 2, [[255, 0, 0], [0, 0, 255], [0, 0, 255], [255, 0, 0]]), mode: .trueColor)
        #expect(encodeOnce(grid).hasSuffix("m▀▄"))
    }

    @Test("frames are wrapped in a synchronized update when asked")
    func synchronizedUpdate() {
        var encoder = ScreenEncoder()
        let out = String(decoding: encoder.encode(CellGrid(columns: 1, rows: 1)), as: UTF8.self)
        #expect(out.hasPrefix("\(esc)[?2026h") && out.hasSuffix("\(esc)[?2026l"))
    }

    @Test("a wide character is written once and covers two cells")
    func wideCharacter() {
        var grid = CellGrid(columns: 6, rows: 1)
        let end = grid.put("请坐", row: 0, column: 1)
        #expect(end == 5)
        #expect(encodeOnce(grid) == "\(esc)[0m\(esc)[2J\(esc)[1;1H\(esc)[0m 请坐 ")
    }

    @Test("replacing a wide character by narrow ones rewrites both of its cells")
    func wideReplacedByNarrow() {
        var encoder = ScreenEncoder(synchronizedUpdate: false)
        var grid = CellGrid(columns: 4, rows: 1)
        grid.put("好", row: 0, column: 0)
        _ = encoder.encode(grid)
        grid.put("ab", row: 0, column: 0)
        #expect(String(decoding: encoder.encode(grid), as: UTF8.self) == "\(esc)[1;1H\(esc)[0mab")
    }

    @Test("text that does not fit is cut before a wide character, not through it")
    func clipWide() {
        var grid = CellGrid(columns: 3, rows: 1)
        #expect(grid.put("请坐", row: 0, column: 0) == 2)
        #expect(grid[2, 0] == .blank)
    }
}

@Suite("Display width")
struct DisplayWidthTests {
    @Test("CJK ideographs and fullwidth punctuation take two cells, Latin and check marks one")
    func widths() {
        #expect(DisplayWidth.of("请坐到框内") == 10)
        #expect(DisplayWidth.of("Lift your chin") == 14)
        #expect(DisplayWidth.of("✓ 正脸") == 6)
        #expect(DisplayWidth.of("，：") == 4)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("한국") == 4)
    }
}

@Suite("Colour mode")
struct ColorModeTests {
    @Test("COLORTERM announces 24-bit colour, TERM 256 colours, the Linux console gets 16")
    func detect() {
        #expect(ColorMode.detect(environment: ["COLORTERM": "truecolor", "TERM": "xterm"]) == .trueColor)
        #expect(ColorMode.detect(environment: ["TERM": "tmux-256color"]) == .palette256)
        #expect(ColorMode.detect(environment: ["TERM": "linux"]) == .basic16)
        #expect(ColorMode.detect(environment: [:]) == .basic16)
    }
}

@Suite("Key decoding")
struct KeyDecoderTests {
    @Test("letters, Enter, arrows, Ctrl keys and UTF-8 characters")
    func keys() {
        var decoder = KeyDecoder()
        #expect(decoder.decode(Array("r\r\u{1B}[A\u{03}好".utf8)) == [.character("r"), .enter, .up, .control("c"), .character("好")])
    }

    @Test("an escape sequence split across two reads becomes one key; a lone ESC is Escape")
    func splitSequence() {
        var decoder = KeyDecoder()
        #expect(decoder.decode([0x1B, 0x5B]) == [])
        #expect(decoder.decode([0x44]) == [.left])
        #expect(decoder.decode([0x1B]) == [.escape])
    }
}
