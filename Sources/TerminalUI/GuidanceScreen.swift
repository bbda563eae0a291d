import ImageKit

/// The mood of the screen: it colours the guide frame and the instruction banner.
public enum Tone: String, Sendable, CaseIterable {
    /// Waiting for someone, or nothing to say.
    case neutral
    /// Something must change: the banner says what.
    case adjust
    /// Everything holds: keep still.
    case good
    /// The countdown and the capture.
    case capture
    /// A failed check or an error.
    case failure

    /// The guide colour (24-bit; reduced for other modes).
    public var guideColor: (UInt8, UInt8, UInt8) {
        switch self {
        case .neutral: (230, 230, 230)
        case .adjust: (255, 176, 0)
        case .good: (0, 210, 90)
        case .capture: (0, 200, 255)
        case .failure: (235, 50, 50)
        }
    }

    var bannerText: TerminalColor {
        switch self {
        case .neutral, .failure: .rgb(255, 255, 255)
        case .adjust, .good, .capture: .rgb(0, 0, 0)
        }
    }

    var bannerBackground: TerminalColor {
        switch self {
        case .neutral: .rgb(60, 60, 60)
        default: .rgb(guideColor.0, guideColor.1, guideColor.2)
        }
    }
}

/// One item of the row of check marks.
public struct CheckMark: Hashable, Sendable {
    public enum State: Hashable, Sendable {
        case pass, fail, pending
    }

    public var label: String
    public var state: State

    public init(_ label: String, _ state: State) {
        self.label = label
        self.state = state
    }
}

/// Everything the guidance screen shows in one frame.
public struct ScreenContent: Sendable {
    /// The camera frame or the finished photo; drawn as large as fits above the text.
    public var image: RGBImage?
    /// Show the image as a mirror does (for the live preview only, never the photo).
    public var mirrored: Bool
    /// Where the head must sit, in fractions of the unmirrored image.
    public var guide: UnitRect?
    public var guideShape: GuideShape
    public var tone: Tone
    /// The instruction in the first language, shown bold.
    public var headline: String
    /// The same instruction in the second language (may be empty).
    public var subline: String
    /// A number drawn large over the preview during the countdown.
    public var countdown: Int?
    public var checks: [CheckMark]
    /// A dim line at the bottom: keys, source, frame rate.
    public var footer: String

    public init(image: RGBImage? = nil, mirrored: Bool = true, guide: UnitRect? = nil, guideShape: GuideShape = .oval,
                tone: Tone = .neutral, headline: String = "", subline: String = "", countdown: Int? = nil,
                checks: [CheckMark] = [], footer: String = "") {
        self.image = image
        self.mirrored = mirrored
        self.guide = guide
        self.guideShape = guideShape
        self.tone = tone
        self.headline = headline
        self.subline = subline
        self.countdown = countdown
        self.checks = checks
        self.footer = footer
    }
}

/// Lays a `ScreenContent` out on a terminal of a given size: the picture on top, then a
/// two-line instruction banner, the check marks and a footer.
public struct GuidanceScreen: Sendable {
    public var reducer: ColorReducer
    /// Rows below the picture: banner (2), check marks (1), footer (1).
    public static let textRows = 4

    public init(reducer: ColorReducer) {
        self.reducer = reducer
    }

    /// The pixel size the picture gets on a terminal of `columns` × `rows` for an image of
    /// `imageSize` (aspect kept, two pixels per cell row).
    public static func previewSize(for imageSize: PixelSize, columns: Int, rows: Int) -> PixelSize {
        let boxW = Double(columns), boxH = Double(max(0, rows - textRows) * 2)
        guard imageSize.width > 0, imageSize.height > 0, boxW > 0, boxH > 0 else { return PixelSize(width: 0, height: 0) }
        let scale = min(boxW / Double(imageSize.width), boxH / Double(imageSize.height))
        return PixelSize(width: max(1, Int(Double(imageSize.width) * scale)), height: max(1, Int(Double(imageSize.height) * scale)))
    }

    /// The cells of the whole screen.
    public func compose(_ content: ScreenContent, columns: Int, rows: Int) -> CellGrid {
        var grid = CellGrid(columns: columns, rows: rows)
        guard columns >= 20, rows >= 8 else {
            grid.put("终端太小 Terminal too small", row: rows / 2, alignment: .center)
            return grid
        }
        if let image = content.image {
            drawPicture(image, content: content, into: &grid)
        }
        let text = reducer.convert(content.tone.bannerText)
        let banner = reducer.convert(content.tone.bannerBackground)
        let bannerRow = rows - Self.textRows
        grid.put(content.headline, row: bannerRow, alignment: .center, foreground: text, background: banner, bold: true)
        grid.put(content.subline, row: bannerRow + 1, alignment: .center, foreground: text, background: banner)
        drawChecks(content.checks, row: rows - 2, into: &grid)
        grid.put(content.footer, row: rows - 1, column: 1, foreground: reducer.convert(.rgb(150, 150, 150)))
        return grid
    }

    private func drawPicture(_ image: RGBImage, content: ScreenContent, into grid: inout CellGrid) {
        let size = Self.previewSize(for: image.size, columns: grid.columns, rows: grid.rows)
        guard size.width > 0, size.height > 0 else { return }
        var preview = image.resized(to: size, filter: .area)
        if content.mirrored { preview = PreviewDrawing.mirrored(preview) }
        if let guide = content.guide {
            let rect = content.mirrored ? guide.mirrored : guide
            PreviewDrawing.drawGuide(content.guideShape, in: rect, color: content.tone.guideColor, on: &preview,
                                     thickness: size.height >= 80 ? 2 : 1.2)
        }
        if let digit = content.countdown {
            PreviewDrawing.drawDigit(digit, on: &preview, color: (255, 255, 255))
        }
        let previewRows = grid.rows - Self.textRows
        let column = (grid.columns - size.width) / 2
        let row = (previewRows - (size.height + 1) / 2) / 2
        HalfBlockRenderer(reducer: reducer).render(preview, into: &grid, column: column, row: row)
    }

    /// "✓ label" in green, "✗ label" in red, "· label" dim, centred on the row.
    private func drawChecks(_ checks: [CheckMark], row: Int, into grid: inout CellGrid) {
        guard !checks.isEmpty else { return }
        let items = checks.map { check -> (String, TerminalColor) in
            switch check.state {
            case .pass: ("✓ " + check.label, reducer.convert(.rgb(0, 210, 90)))
            case .fail: ("✗ " + check.label, reducer.convert(.rgb(235, 50, 50)))
            case .pending: ("· " + check.label, reducer.convert(.rgb(150, 150, 150)))
            }
        }
        let total = items.reduce(0) { $0 + DisplayWidth.of($1.0) } + 2 * (items.count - 1)
        var column = max(0, (grid.columns - total) / 2)
        for (text, color) in items {
            column = grid.put(text, row: row, column: column, foreground: color, bold: true) + 2
        }
    }
}
