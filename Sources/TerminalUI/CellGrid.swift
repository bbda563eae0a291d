/// One character cell of the screen.
///
/// A wide (two-cell) character sits in its left cell with `width == 2`; the cell to its right
/// is a continuation with `width == 0` that the encoder never writes.
public struct Cell: Hashable, Sendable {
    public var scalar: Unicode.Scalar
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var bold: Bool
    /// 1 for a normal cell, 2 for the left half of a wide character, 0 for its right half.
    public var width: UInt8

    public init(_ scalar: Unicode.Scalar = " ", foreground: TerminalColor = .default,
                background: TerminalColor = .default, bold: Bool = false, width: UInt8 = 1) {
        self.scalar = scalar
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.width = width
    }

    public static let blank = Cell()

    /// True when a change of the foreground colour cannot be seen (a space).
    var ignoresForeground: Bool { scalar == " " && !bold }
}

/// How a line of text sits in the width it is given.
public enum TextAlignment: Sendable {
    case left, center, right
}

/// A rectangle of cells: what the screen should show.
public struct CellGrid: Hashable, Sendable {
    public let columns: Int
    public let rows: Int
    public private(set) var cells: [Cell]

    public init(columns: Int, rows: Int, filledWith cell: Cell = .blank) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        cells = Array(repeating: cell, count: self.columns * self.rows)
    }

    public subscript(column: Int, row: Int) -> Cell {
        get { cells[row * columns + column] }
        set { cells[row * columns + column] = newValue }
    }

    /// Fills `width` cells of `row` from `column` with `cell` (clipped to the grid).
    public mutating func fill(row: Int, column: Int = 0, width: Int? = nil, with cell: Cell) {
        guard row >= 0, row < rows else { return }
        let start = max(0, column), end = min(columns, column + (width ?? columns))
        guard start < end else { return }
        for c in start..<end { self[c, row] = cell }
    }

    /// Writes `text` on `row` from `column`, wide characters taking two cells; what does not
    /// fit is cut at a character boundary. Returns the column after the last cell written.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, foreground: TerminalColor = .default,
                             background: TerminalColor = .default, bold: Bool = false) -> Int {
        guard row >= 0, row < rows else { return column }
        var c = column
        for scalar in text.unicodeScalars {
            let w = DisplayWidth.of(scalar)
            if w == 0 { continue }
            if c + w > columns { break }
            if c >= 0 {
                clearWide(at: c, row: row)
                if w == 2 { clearWide(at: c + 1, row: row) }
                self[c, row] = Cell(scalar, foreground: foreground, background: background, bold: bold, width: UInt8(w))
                if w == 2 {
                    self[c + 1, row] = Cell(" ", foreground: foreground, background: background, bold: bold, width: 0)
                }
            }
            c += w
        }
        return c
    }

    /// Writes `text` aligned inside `width` cells from `column`, filling the rest of that
    /// span with `background`. Text wider than the span ends in "…" where it is cut, so a
    /// reader sees that something is missing.
    public mutating func put(_ text: String, row: Int, column: Int = 0, width: Int? = nil, alignment: TextAlignment,
                             foreground: TerminalColor = .default, background: TerminalColor = .default, bold: Bool = false) {
        let span = width ?? (columns - column)
        fill(row: row, column: column, width: span, with: Cell(" ", background: background))
        let text = Self.fitted(text, width: span)
        let textWidth = DisplayWidth.of(text)
        let offset = switch alignment {
        case .left: 0
        case .center: max(0, (span - textWidth) / 2)
        case .right: max(0, span - textWidth)
        }
        put(text, row: row, column: column + offset, foreground: foreground, background: background, bold: bold)
    }

    /// `text` cut to `width` cells with "…" at the end, or as it is when it fits.
    static func fitted(_ text: String, width: Int) -> String {
        guard DisplayWidth.of(text) > width, width > 0 else { return text }
        var kept = String.UnicodeScalarView(), used = 0
        for scalar in text.unicodeScalars {
            let w = DisplayWidth.of(scalar)
            if used + w > width - 1 { break }
            kept.append(scalar)
            used += w
        }
        return String(kept) + "…"
    }

    /// Before a cell is overwritten, blanks the other half of a wide character it is part of,
    /// so that no half of a wide character is left alone.
    private mutating func clearWide(at column: Int, row: Int) {
        guard column < columns else { return }
        let cell = self[column, row]
        if cell.width == 2, column + 1 < columns {
            self[column + 1, row] = Cell(" ", background: cell.background)
        } else if cell.width == 0, column > 0 {
            self[column - 1, row] = Cell(" ", background: cell.background)
        }
    }
}
