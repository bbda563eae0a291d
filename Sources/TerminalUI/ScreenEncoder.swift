/// The screen model: remembers what the terminal shows and turns the next `CellGrid` into
/// a short escape sequence for the cells that changed.
///
/// The output of one call is meant for one `write`, so that the terminal never shows half a
/// frame (and, where supported, it is wrapped in a synchronized update).
public struct ScreenEncoder: Sendable {
    /// What the terminal shows now (nil: unknown, so the next frame is drawn in full).
    private var shown: CellGrid?
    /// Wraps each frame in DEC mode 2026 (synchronized output); terminals without it ignore it.
    public var synchronizedUpdate: Bool
    /// Largest difference per channel between two 24-bit colours that counts as no change.
    ///
    /// Camera noise changes most pixels a little in every frame; with a tolerance of a few
    /// levels those cells are not rewritten, and a colour close to the one already selected
    /// is drawn with it instead of a new escape sequence. 0 keeps every colour exact.
    public var colorTolerance: Int

    public init(synchronizedUpdate: Bool = true, colorTolerance: Int = 0) {
        self.synchronizedUpdate = synchronizedUpdate
        self.colorTolerance = colorTolerance
    }

    /// Forgets what the screen shows, so the next frame is drawn in full (after a resize,
    /// or when something else may have written to the terminal).
    public mutating func invalidate() {
        shown = nil
    }

    private struct Pen: Equatable {
        var foreground: TerminalColor
        var background: TerminalColor
        var bold: Bool
    }

    /// The bytes that change the screen from what it shows to `grid`; empty when nothing
    /// (beyond the colour tolerance) changed.
    public mutating func encode(_ grid: CellGrid) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(grid.columns * grid.rows * 8)
        let old = shown.flatMap { $0.columns == grid.columns && $0.rows == grid.rows ? $0 : nil }
        if synchronizedUpdate { Self.append("\u{1B}[?2026h", to: &out) }
        let prefix = out.count
        if old == nil { Self.append("\u{1B}[0m\u{1B}[2J", to: &out) }
        var now = old ?? grid
        var pen: Pen?
        var cursor: (row: Int, column: Int)?
        let columns = grid.columns
        var dirty = [Bool](repeating: false, count: columns)
        for row in 0..<grid.rows {
            if !markDirty(&dirty, row: row, new: grid, old: old) { continue }
            for column in 0..<columns where dirty[column] {
                let cell = grid[column, row]
                now[column, row] = cell
                if cell.width == 0 { continue }
                if cursor?.row != row || cursor?.column != column {
                    moveCursor(&out, from: cursor, to: (row, column))
                }
                now[column, row] = write(cell, pen: &pen, into: &out)
                let next = column + Int(cell.width)
                cursor = next < columns ? (row, next) : nil
            }
        }
        shown = now
        if out.count == prefix { return [] }
        if synchronizedUpdate { Self.append("\u{1B}[?2026l", to: &out) }
        return out
    }

    /// Whether `a` and `b` look the same within the tolerance.
    @inline(__always)
    private func close(_ a: TerminalColor, _ b: TerminalColor) -> Bool {
        if a == b { return true }
        guard colorTolerance > 0, case let .rgb(r1, g1, b1) = a, case let .rgb(r2, g2, b2) = b else { return false }
        return abs(Int(r1) - Int(r2)) <= colorTolerance && abs(Int(g1) - Int(g2)) <= colorTolerance
            && abs(Int(b1) - Int(b2)) <= colorTolerance
    }

    private func same(_ a: Cell, _ b: Cell) -> Bool {
        a.scalar == b.scalar && a.width == b.width && a.bold == b.bold && close(a.background, b.background)
            && (a.ignoresForeground && b.ignoresForeground || close(a.foreground, b.foreground))
    }

    /// Marks the cells of `row` that must be written; a wide character and its continuation
    /// are always written together. Returns whether any cell is dirty.
    private func markDirty(_ dirty: inout [Bool], row: Int, new: CellGrid, old: CellGrid?) -> Bool {
        let columns = new.columns
        guard let old else {
            for c in 0..<columns { dirty[c] = true }
            return columns > 0
        }
        var any = false
        for c in 0..<columns {
            dirty[c] = !same(new[c, row], old[c, row])
            any = any || dirty[c]
        }
        guard any else { return false }
        for c in 0..<columns where !same(new[c, row], old[c, row]) {
            let n = new[c, row], o = old[c, row]
            if (n.width == 0 || o.width == 0), c > 0 { dirty[c - 1] = true }
            if (n.width == 2 || o.width == 2), c + 1 < columns { dirty[c + 1] = true }
        }
        return true
    }

    private func moveCursor(_ out: inout [UInt8], from: (row: Int, column: Int)?, to: (row: Int, column: Int)) {
        out.append(0x1B)
        out.append(0x5B)
        if let from, from.row == to.row, to.column > from.column {
            if to.column - from.column > 1 { Self.appendDecimal(to.column - from.column, to: &out) }
            out.append(0x43)  // C
        } else {
            Self.appendDecimal(to.row + 1, to: &out)
            out.append(0x3B)
            Self.appendDecimal(to.column + 1, to: &out)
            out.append(0x48)  // H
        }
    }

    /// Writes `cell` and returns the cell as the terminal now shows it (colours the pen
    /// already had may stand in for close ones).
    private func write(_ cell: Cell, pen: inout Pen?, into out: inout [UInt8]) -> Cell {
        var scalar = cell.scalar
        var wanted = Pen(foreground: cell.foreground, background: cell.background, bold: cell.bold)
        if let current = pen {
            if close(wanted.foreground, current.foreground) { wanted.foreground = current.foreground }
            if close(wanted.background, current.background) { wanted.background = current.background }
        }
        var shownCell = cell
        // "▀" with colours A over B is also "▄" with B over A: take whichever needs fewer
        // colour changes from the current pen.
        if scalar == "▀", let current = pen, wanted.foreground != .default, wanted.background != .default {
            var swapped = Pen(foreground: cell.background, background: cell.foreground, bold: wanted.bold)
            if close(swapped.foreground, current.foreground) { swapped.foreground = current.foreground }
            if close(swapped.background, current.background) { swapped.background = current.background }
            if changes(from: current, to: swapped) < changes(from: current, to: wanted) {
                scalar = "▄"
                wanted = swapped
            }
        }
        if cell.ignoresForeground, let current = pen { wanted.foreground = current.foreground }
        setPen(wanted, from: pen, into: &out)
        pen = wanted
        UTF8.encode(scalar) { out.append($0) }
        if scalar == "▄" {
            shownCell.foreground = wanted.background
            shownCell.background = wanted.foreground
        } else {
            shownCell.foreground = wanted.foreground
            shownCell.background = wanted.background
        }
        return shownCell
    }

    private func changes(from a: Pen, to b: Pen) -> Int {
        (a.foreground == b.foreground ? 0 : 1) + (a.background == b.background ? 0 : 1)
    }

    private func setPen(_ wanted: Pen, from current: Pen?, into out: inout [UInt8]) {
        if let current, current == wanted { return }
        out.append(0x1B)
        out.append(0x5B)
        var first = true
        func separate() {
            if !first { out.append(0x3B) }
            first = false
        }
        if current == nil || (current!.bold && !wanted.bold) {
            out.append(0x30)  // 0: reset, then set what differs from the defaults
            first = false
            if wanted.bold { separate(); out.append(0x31) }
            if wanted.foreground != .default { separate(); Self.appendSGR(wanted.foreground, background: false, to: &out) }
            if wanted.background != .default { separate(); Self.appendSGR(wanted.background, background: true, to: &out) }
        } else if let current {
            if wanted.bold && !current.bold { separate(); out.append(0x31) }
            if wanted.foreground != current.foreground { separate(); Self.appendSGR(wanted.foreground, background: false, to: &out) }
            if wanted.background != current.background { separate(); Self.appendSGR(wanted.background, background: true, to: &out) }
        }
        out.append(0x6D)  // m
    }

    /// The SGR parameters that select `color` as foreground or background.
    static func appendSGR(_ color: TerminalColor, background: Bool, to out: inout [UInt8]) {
        switch color {
        case let .rgb(r, g, b):
            appendDecimal(background ? 48 : 38, to: &out)
            out.append(contentsOf: [0x3B, 0x32, 0x3B])  // ;2;
            appendDecimal(Int(r), to: &out)
            out.append(0x3B)
            appendDecimal(Int(g), to: &out)
            out.append(0x3B)
            appendDecimal(Int(b), to: &out)
        case let .palette(i):
            appendDecimal(background ? 48 : 38, to: &out)
            out.append(contentsOf: [0x3B, 0x35, 0x3B])  // ;5;
            appendDecimal(Int(i), to: &out)
        case let .basic(i):
            appendDecimal(i < 8 ? (background ? 40 : 30) + Int(i) : (background ? 100 : 90) + Int(i) - 8, to: &out)
        case .default:
            appendDecimal(background ? 49 : 39, to: &out)
        }
    }

    @inline(__always)
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value >= 1000 {
            out.append(contentsOf: String(value).utf8)
            return
        }
        if value >= 100 { out.append(UInt8(0x30 + value / 100)) }
        if value >= 10 { out.append(UInt8(0x30 + (value / 10) % 10)) }
        out.append(UInt8(0x30 + value % 10))
    }

    private static func append(_ text: StaticString, to out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }
}
