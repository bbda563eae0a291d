/// The screen model: remembers what the terminal shows and turns the next `CellGrid` into
/// the shortest escape sequence it can find for the cells that changed.
///
/// The output of one call is meant for one `write`, so that the terminal never shows half a
/// frame (and, where supported, it is wrapped in a synchronized update).
public struct ScreenEncoder: Sendable {
    private var previous: CellGrid?
    /// Wraps each frame in DEC mode 2026 (synchronized output); terminals without it ignore it.
    public var synchronizedUpdate: Bool

    public init(synchronizedUpdate: Bool = true) {
        self.synchronizedUpdate = synchronizedUpdate
    }

    /// Forgets what the screen shows, so the next frame is drawn in full (after a resize,
    /// or when something else may have written to the terminal).
    public mutating func invalidate() {
        previous = nil
    }

    private struct Pen: Equatable {
        var foreground: TerminalColor
        var background: TerminalColor
        var bold: Bool
    }

    /// The bytes that change the screen from the previous frame to `grid`; empty when
    /// nothing changed.
    public mutating func encode(_ grid: CellGrid) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(grid.columns * grid.rows * 4)
        let old = previous.flatMap { $0.columns == grid.columns && $0.rows == grid.rows ? $0 : nil }
        if old == nil { out.append(contentsOf: Array("\u{1B}[0m\u{1B}[2J".utf8)) }
        var pen: Pen?
        var cursor: (row: Int, column: Int)?
        let columns = grid.columns
        var dirty = [Bool](repeating: false, count: columns)
        for row in 0..<grid.rows {
            if !markDirty(&dirty, row: row, new: grid, old: old) { continue }
            for column in 0..<columns where dirty[column] {
                let cell = grid[column, row]
                if cell.width == 0 { continue }
                if cursor?.row != row || cursor?.column != column {
                    moveCursor(&out, from: cursor, to: (row, column))
                }
                write(cell, pen: &pen, into: &out)
                let next = column + Int(cell.width)
                cursor = next < columns ? (row, next) : nil
            }
        }
        previous = grid
        if out.isEmpty { return out }
        if synchronizedUpdate {
            out.insert(contentsOf: Array("\u{1B}[?2026h".utf8), at: 0)
            out.append(contentsOf: Array("\u{1B}[?2026l".utf8))
        }
        return out
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
            dirty[c] = new[c, row] != old[c, row]
            any = any || dirty[c]
        }
        guard any else { return false }
        for c in 0..<columns where new[c, row] != old[c, row] {
            let n = new[c, row], o = old[c, row]
            if (n.width == 0 || o.width == 0), c > 0 { dirty[c - 1] = true }
            if (n.width == 2 || o.width == 2), c + 1 < columns { dirty[c + 1] = true }
        }
        return true
    }

    private func moveCursor(_ out: inout [UInt8], from: (row: Int, column: Int)?, to: (row: Int, column: Int)) {
        if let from, from.row == to.row, to.column > from.column {
            appendCSI(&out, to.column - from.column == 1 ? "C" : "\(to.column - from.column)C")
        } else {
            appendCSI(&out, "\(to.row + 1);\(to.column + 1)H")
        }
    }

    private func write(_ cell: Cell, pen: inout Pen?, into out: inout [UInt8]) {
        var scalar = cell.scalar
        var wanted = Pen(foreground: cell.foreground, background: cell.background, bold: cell.bold)
        // "▀" with colours A over B is also "▄" with B over A: take whichever needs fewer
        // colour changes from the current pen.
        if scalar == "▀", let current = pen, wanted.foreground != .default, wanted.background != .default {
            let swapped = Pen(foreground: wanted.background, background: wanted.foreground, bold: wanted.bold)
            if changes(from: current, to: swapped) < changes(from: current, to: wanted) {
                scalar = "▄"
                wanted = swapped
            }
        }
        if cell.ignoresForeground, let current = pen { wanted.foreground = current.foreground }
        setPen(wanted, from: pen, into: &out)
        pen = wanted
        UTF8.encode(scalar) { out.append($0) }
    }

    private func changes(from a: Pen, to b: Pen) -> Int {
        (a.foreground == b.foreground ? 0 : 1) + (a.background == b.background ? 0 : 1)
    }

    private func setPen(_ wanted: Pen, from current: Pen?, into out: inout [UInt8]) {
        if let current, current == wanted { return }
        var params: [String] = []
        if current == nil || (current!.bold && !wanted.bold) {
            params.append("0")
            if wanted.bold { params.append("1") }
            if wanted.foreground != .default { params.append(Self.sgr(wanted.foreground, background: false)) }
            if wanted.background != .default { params.append(Self.sgr(wanted.background, background: true)) }
        } else if let current {
            if wanted.bold && !current.bold { params.append("1") }
            if wanted.foreground != current.foreground { params.append(Self.sgr(wanted.foreground, background: false)) }
            if wanted.background != current.background { params.append(Self.sgr(wanted.background, background: true)) }
        }
        appendCSI(&out, params.joined(separator: ";") + "m")
    }

    /// The SGR parameters that select `color` as foreground or background.
    static func sgr(_ color: TerminalColor, background: Bool) -> String {
        switch color {
        case let .rgb(r, g, b): "\(background ? 48 : 38);2;\(r);\(g);\(b)"
        case let .palette(i): "\(background ? 48 : 38);5;\(i)"
        case let .basic(i): i < 8 ? "\((background ? 40 : 30) + Int(i))" : "\((background ? 100 : 90) + Int(i) - 8)"
        case .default: background ? "49" : "39"
        }
    }

    private func appendCSI(_ out: inout [UInt8], _ body: String) {
        out.append(0x1B)
        out.append(0x5B)
        out.append(contentsOf: body.utf8)
    }
}
