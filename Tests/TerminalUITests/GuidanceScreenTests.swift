import ImageKit
import Testing
@testable import TerminalUI

@Suite("Guidance screen layout")
struct GuidanceScreenTests {
    /// Left half red, right half blue.
    private let split = RGBImage(width: 64, height: 48) { x, _ in x < 32 ? [255, 0, 0] : [0, 0, 255] }
    private let screen = GuidanceScreen(reducer: ColorReducer(mode: .trueColor))

    private func colorAt(_ grid: CellGrid, column: Int, row: Int) -> TerminalColor {
        grid[column, row].background
    }

    @Test("a line wider than the screen ends in … where it is cut, wide characters counted as two cells")
    func tooLongALineEndsInAnEllipsis() {
        var grid = CellGrid(columns: 10, rows: 2)
        grid.put("Face the camera straight on", row: 0, alignment: .center)
        #expect((0..<10).map { Character(grid[$0, 0].scalar) } == Array("Face the …"))
        grid.put("请正对镜头，脸不要转", row: 1, alignment: .center)
        #expect(grid[8, 1].scalar == "…" && grid[6, 1].scalar == "镜")
        #expect(CellGrid.fitted("fits", width: 10) == "fits")
    }

    @Test("the mirrored preview shows the image's left half on the right")
    func mirroredPreview() {
        let plain = screen.compose(ScreenContent(image: split, mirrored: false), columns: 40, rows: 20)
        let mirror = screen.compose(ScreenContent(image: split, mirrored: true), columns: 40, rows: 20)
        let size = GuidanceScreen.previewSize(for: split.size, columns: 40, rows: 20)
        let left = (40 - size.width) / 2 + 1, right = (40 + size.width) / 2 - 2
        #expect(colorAt(plain, column: left, row: 4) == .rgb(255, 0, 0))
        #expect(colorAt(mirror, column: left, row: 4) == .rgb(0, 0, 255))
        #expect(colorAt(mirror, column: right, row: 4) == .rgb(255, 0, 0))
    }

    @Test("the guide frame is drawn in the colour of the tone, and the instruction sits below the picture")
    func guideAndBanner() {
        let content = ScreenContent(image: RGBImage(width: 64, height: 48, filledWith: 40),
                                    guide: UnitRect(x: 0.3, y: 0.2, width: 0.4, height: 0.6), tone: .adjust,
                                    headline: "请抬头", subline: "Lift your chin",
                                    checks: [CheckMark("正脸", .pass), CheckMark("光线", .fail)])
        let grid = screen.compose(content, columns: 40, rows: 20)
        let amber = TerminalColor.rgb(255, 176, 0)
        #expect(grid.cells.contains { $0.foreground == amber || $0.background == amber && $0.scalar != " " || $0.scalar == " " && $0.background == amber })
        let bannerRow = 20 - GuidanceScreen.textRows
        let headline = (0..<40).map { String(grid[$0, bannerRow].scalar) }.joined()
        #expect(headline.contains("请") && headline.contains("抬"))
        let checks = (0..<40).map { String(grid[$0, 18].scalar) }.joined()
        #expect(checks.contains("✓") && checks.contains("✗"))
    }

    @Test("a terminal too small for the layout says so instead of drawing a broken screen")
    func tooSmall() {
        let grid = screen.compose(ScreenContent(image: split), columns: 30, rows: 5)
        let text = (0..<30).map { String(grid[$0, 2].scalar) }.joined()
        #expect(text.contains("Terminal too small"))
    }
}
