import ImageKit

/// Draws an image into cells with the upper half block "▀": the top pixel of each cell is
/// the foreground colour, the bottom pixel the background, so one cell shows two pixels.
public struct HalfBlockRenderer: Sendable {
    public var reducer: ColorReducer

    public init(reducer: ColorReducer) {
        self.reducer = reducer
    }

    /// Cells needed for an image of `size`: one column per pixel, one row per two pixels.
    public static func cellSize(for size: PixelSize) -> (columns: Int, rows: Int) {
        (size.width, (size.height + 1) / 2)
    }

    /// Writes `image` into `grid` with its top-left pixel in cell (`column`, `row`); parts
    /// outside the grid are clipped. An odd last pixel row shows over the default background.
    public func render(_ image: RGBImage, into grid: inout CellGrid, column: Int, row: Int) {
        let colors = reducer.reduce(image)
        let w = image.width, h = image.height
        for cy in 0..<(h + 1) / 2 {
            let gy = row + cy
            guard gy >= 0, gy < grid.rows else { continue }
            let top = 2 * cy * w, bottom = (2 * cy + 1) * w
            for x in 0..<w {
                let gx = column + x
                guard gx >= 0, gx < grid.columns else { continue }
                let t = colors[top + x]
                let b = 2 * cy + 1 < h ? colors[bottom + x] : .default
                grid[gx, gy] = t == b ? Cell(" ", background: b) : Cell("▀", foreground: t, background: b)
            }
        }
    }
}
