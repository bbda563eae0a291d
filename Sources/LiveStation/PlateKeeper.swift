import Foundation
import ImageKit

/// When the station takes its clean plate and when a plate stops fitting the live picture.
///
/// The defaults were measured on the station frames of `../shared/eval/station-frames`
/// (25 walls, each with a plate and frames of the same wall with independent noise); see
/// docs/guidance.md, "The clean plate", for the figures behind each one.
public struct PlateSettings: Codable, Hashable, Sendable {
    /// Seconds the view must stay empty and still before a plate is taken: someone who just
    /// left is out of the picture and the camera's automatic controls have settled.
    public var stillSeconds = 1.5
    /// Mean grey change of the picture's cells from one frame to the next (grey levels) up to
    /// which the picture counts as still. Camera noise changes a cell by about 0.1 level; a
    /// hand or a person passing through changes it by far more.
    public var stillChange = 1.0
    /// Change of the border's colour against the plate's, per channel (0.04: 4 %), beyond which
    /// the light changed. Frames of the same wall differ by under 0.1 %.
    public var lightChange = 0.04
    /// Median difference of the border's cells from the plate's after the colour change is
    /// taken out, in units of the noise measured when the plate was taken, beyond which the
    /// picture changed (another wall, something moved). Noise alone gives at most 1.32.
    public var structureChange = 3.0
    /// Shift of the border's shading against the plate's, as a share of the frame's width
    /// (0.005: 6.4 px of a 1280-px frame), beyond which the camera moved.
    public var displacement = 0.005
    /// Height of the top strip, as a share of the frame's height.
    public var topStrip = 0.12
    /// Width of each side strip, as a share of the frame's width.
    public var sideStrip = 0.12
    /// Where the side strips end, as a share of the frame's height: above the shoulders of a
    /// seated student, who fills the lower middle of the frame down to its bottom edge.
    public var sideStripBottom = 0.5

    public init() {}
}

/// Why a plate was dropped.
public enum PlateStaleReason: String, Sendable, Hashable {
    case lightChanged = "light changed"
    case cameraMoved = "camera moved"
    case frameSizeChanged = "frame size changed"
}

/// How a plate stands against one picture.
public enum PlateVerdict: Sendable, Hashable, CustomStringConvertible {
    /// There is no plate (none taken yet, or the last one was dropped).
    case none
    case fits
    case stale(PlateStaleReason)

    public var description: String {
        switch self {
        case .none: "no plate"
        case .fits: "fits"
        case let .stale(reason): "stale (\(reason.rawValue))"
        }
    }
}

/// Takes the clean plate (a frame of the empty backdrop) by itself and keeps it only while it
/// fits the live picture.
///
/// Fed every analysed frame, it takes a plate when nobody has been in view and the picture
/// has been still for `PlateSettings.stillSeconds`; the operator can also ask for one at the
/// next empty frame. Each still frame's border (the top strip and the side strips above the
/// shoulders, where a seated student never is) is compared with the plate's: a colour change
/// means the light changed; a change of the pattern once the colour change is taken out, or a
/// shift of the shading, means the camera moved or the scene changed. Either drops the plate
/// until the view is empty and still again. Pure logic over images and times: the caller
/// decodes frames and keeps the clock.
public struct PlateKeeper: Sendable {
    /// What the keeper is doing, for the operator's figures.
    public enum State: Sendable, Hashable, CustomStringConvertible {
        /// No plate yet: the view has not been empty and still long enough.
        case none
        /// A plate that fits, taken `age` seconds ago.
        case fits(age: Double)
        /// The plate was dropped; a new one is taken when the view is empty and still again.
        case stale(PlateStaleReason)

        public var description: String {
            switch self {
            case .none: "none (no empty, still view yet)"
            case let .fits(age): "fits \(Int(age)) s"
            case let .stale(reason): "stale (\(reason.rawValue))"
            }
        }
    }

    /// Something the operator may want to be told.
    public enum Event: Sendable, Hashable {
        /// A plate was taken; `requested` when the operator asked for it.
        case taken(requested: Bool)
        case dropped(PlateStaleReason)
        /// The operator's request met a frame with someone in view.
        case requestRefused
    }

    /// A plate and what was measured on it when it was taken.
    struct Plate: Sendable {
        var image: RGBImage
        /// The analysis copy it was taken from.
        var viewImage: RGBImage
        var taken: Double
        /// The analysis copy's cells, for the live checks, and the full frame's, for the capture.
        var view: Reference
        var full: Reference
    }

    /// The cells of one size of the plate and the noise level they are compared against.
    struct Reference: Sendable {
        var size: PixelSize
        var grid: CellGrid
        /// Grey levels: the larger of the plate's own cell noise and the frame-to-frame
        /// difference of the last two still frames.
        var noise: Double
    }

    public var settings: PlateSettings
    /// The state at the last frame.
    public private(set) var state: State = .none
    private var plate: Plate?
    private var previous: (grid: CellGrid, size: PixelSize, time: Double)?
    /// When the current run of empty, still frames began.
    private var quietSince: Double?
    private var personInView = false
    private var requested = false
    /// Consecutive still frames that did not fit: one damaged frame (webcams send some with a
    /// grey tail) does not drop the plate, two do.
    private var misfits = 0

    /// Cells across the frame: 15 px at the 480-px analysis width, 40 px in a 1280-px frame,
    /// large enough to average the noise away and small enough for the strips to hold many.
    static let columns = 32

    public init(settings: PlateSettings = PlateSettings()) {
        self.settings = settings
    }

    /// The plate while it fits, at the full frame's resolution.
    public var image: RGBImage? { plate?.image }

    /// The plate while it fits, at the analysis copy's size: the live analysis calibrates the
    /// exposure limits to it (`FrameAnalyzer.analyzeReduced(_:scale:time:plate:)`).
    public var viewImage: RGBImage? { plate?.viewImage }

    /// Takes in one analysed frame: `view` is its analysis copy, `personInView` whether the
    /// analysis found anyone, `time` the loop's clock in seconds. `fullFrame` gives the same
    /// frame at full resolution and is only called when a plate is taken, so that the other
    /// frames are never decoded in full.
    @discardableResult
    public mutating func observe(_ view: RGBImage, time: Double, personInView: Bool,
                                 fullFrame: () throws -> RGBImage) rethrows -> Event? {
        let grid = CellGrid(view, columns: Self.columns)
        let last = previous
        previous = (grid, view.size, time)
        self.personInView = personInView
        let still = last.map { $0.size == view.size && grid.change(from: $0.grid) <= settings.stillChange } ?? false
        var event: Event?
        // A moving picture is not compared: someone walking past covers the strips for a moment.
        if let current = plate, still || current.view.size != view.size {
            let verdict = Self.verdict(grid, size: view.size, against: current.view, settings: settings)
            misfits = verdict == .fits ? 0 : misfits + 1
            if case let .stale(reason) = verdict, misfits >= 2 || reason == .frameSizeChanged {
                plate = nil
                state = .stale(reason)
                event = .dropped(reason)
            }
        }
        if personInView || !still {
            quietSince = nil
        } else if quietSince == nil {
            quietSince = last?.time
        }
        if requested {
            requested = false
            if personInView {
                event = .requestRefused
            } else {
                try take(view, grid: grid, full: fullFrame(), time: time, stillBefore: still ? last?.grid : nil)
                event = .taken(requested: true)
            }
        } else if plate == nil, let since = quietSince, time - since >= settings.stillSeconds {
            try take(view, grid: grid, full: fullFrame(), time: time, stillBefore: last?.grid)
            event = .taken(requested: false)
        }
        if let plate { state = .fits(age: time - plate.taken) }
        return event
    }

    /// The operator asks for a plate now: it is taken at the next frame if nobody is in view
    /// then, still or not. False (refused) when someone is in view at the moment.
    public mutating func requestPlate() -> Bool {
        guard !personInView else { return false }
        requested = true
        return true
    }

    /// Whether the plate fits `image`, a full-resolution frame from the same camera (the one
    /// about to be standardised): the same size and the same border.
    public func verdict(for image: RGBImage) -> PlateVerdict {
        guard let plate else { return .none }
        return Self.verdict(CellGrid(image, columns: Self.columns), size: image.size, against: plate.full, settings: settings)
    }

    /// Keeps `full` as the plate. `stillBefore` is the frame before when it showed the same
    /// empty, still view: how much it differs from this one is what the camera's noise,
    /// flicker and compression alone do from frame to frame.
    private mutating func take(_ view: RGBImage, grid: CellGrid, full: RGBImage, time: Double, stillBefore: CellGrid?) {
        let cells = grid.border(settings)
        let temporal = stillBefore.map { Self.compare($0, with: grid, cells: cells).difference } ?? 0
        func reference(_ size: PixelSize, _ grid: CellGrid) -> Reference {
            Reference(size: size, grid: grid, noise: max(grid.noise(cells: grid.border(settings)), temporal, Self.noiseFloor))
        }
        plate = Plate(image: full, viewImage: view, taken: time, view: reference(view.size, grid),
                      full: reference(full.size, CellGrid(full, columns: Self.columns)))
        misfits = 0
        quietSince = nil
    }

    /// Grey levels: the least noise assumed, so that a plate without any (a synthetic one) still
    /// has a scale to compare with. The station frames' walls have 0.06–0.17.
    static let noiseFloor = 0.05

    /// How `grid` (a picture of `size`) stands against the plate's `reference`.
    static func verdict(_ grid: CellGrid, size: PixelSize, against reference: Reference,
                        settings: PlateSettings) -> PlateVerdict {
        guard size == reference.size, grid.columns == reference.grid.columns, grid.rows == reference.grid.rows else {
            return .stale(.frameSizeChanged)
        }
        let comparison = compare(grid, with: reference.grid, cells: reference.grid.border(settings))
        let gain = comparison.gain
        if max(abs(gain.x - 1), abs(gain.y - 1), abs(gain.z - 1)) > settings.lightChange { return .stale(.lightChanged) }
        if comparison.difference > settings.structureChange * reference.noise { return .stale(.cameraMoved) }
        if let shift = comparison.shift(plate: reference.grid, noise: reference.noise),
           hypot(shift.x, shift.y) > settings.displacement * Double(size.width) {
            return .stale(.cameraMoved)
        }
        return .fits
    }

    /// The border of `grid` against the plate's: the colour gain per channel (median of the
    /// cells' ratios, so that a few cells with hair or a shadow in them do not count) and the
    /// median difference left once the gain is taken out.
    static func compare(_ grid: CellGrid, with plate: CellGrid, cells: [Int]) -> Comparison {
        var gain = SIMD3<Double>(repeating: 1)
        for c in 0..<3 {
            gain[c] = median(cells.map { grid.means[$0][c] / max(1, plate.means[$0][c]) }) ?? 1
        }
        let residuals = cells.map { grid.means[$0] / gain - plate.means[$0] }
        let difference = median(residuals.map { ($0.x.magnitude + $0.y.magnitude + $0.z.magnitude) / 3 }) ?? 0
        return Comparison(gain: gain, difference: difference, cells: cells, residuals: residuals)
    }

    struct Comparison {
        /// Picture over plate, per channel.
        var gain: SIMD3<Double>
        /// Grey levels, median over the cells of the mean over the channels.
        var difference: Double
        var cells: [Int]
        /// Per cell: the gain-corrected picture minus the plate.
        var residuals: [SIMD3<Double>]

        /// The shift (pixels of the picture) that best explains the residuals as the plate's
        /// shading moved, or nil when the border's shading is too flat to tell a shift from
        /// noise (on a flat wall a moved camera changes nothing a plate is used for).
        ///
        /// Least squares on the linearised shift, r ≈ a + ∇P·(−d), per channel with an offset
        /// a of its own (the median gain is a little off, and an offset over a shading slope
        /// would otherwise read as a shift), over the cells whose residual is within a few noise
        /// levels (hair or a shadow in a cell would pull it). The shift counts when it is at
        /// least four standard errors.
        func shift(plate: CellGrid, noise: Double) -> (x: Double, y: Double)? {
            let used = zip(cells, residuals).filter { ($0.1.x.magnitude + $0.1.y.magnitude + $0.1.z.magnitude) / 3 <= 6 * noise }
            guard used.count >= 8 else { return nil }
            let slopes = used.map { plate.gradient(at: $0.0) }
            let count = Double(used.count)
            let meanR = used.reduce(SIMD3<Double>.zero) { $0 + $1.1 } / count
            let meanX = slopes.reduce(SIMD3<Double>.zero) { $0 + $1.x } / count
            let meanY = slopes.reduce(SIMD3<Double>.zero) { $0 + $1.y } / count
            var a = (xx: 0.0, xy: 0.0, yy: 0.0), b = (x: 0.0, y: 0.0)
            for (u, g) in zip(used, slopes) {
                let gx = g.x - meanX, gy = g.y - meanY, r = u.1 - meanR
                a.xx += (gx * gx).sum()
                a.xy += (gx * gy).sum()
                a.yy += (gy * gy).sum()
                b.x -= (gx * r).sum()
                b.y -= (gy * r).sum()
            }
            let det = a.xx * a.yy - a.xy * a.xy
            guard det > 0 else { return nil }
            let d = (x: (a.yy * b.x - a.xy * b.y) / det, y: (a.xx * b.y - a.xy * b.x) / det)
            // The spread of what the fit leaves unexplained, robustly (1.4826 × the median
            // absolute value is σ for Gaussian noise).
            let left = zip(used, slopes).flatMap { u, g -> [Double] in
                let e = (u.1 - meanR) + (g.x - meanX) * d.x + (g.y - meanY) * d.y
                return [e.x.magnitude, e.y.magnitude, e.z.magnitude]
            }
            let sigma = 1.4826 * (median(left) ?? 0)
            let se = (x: sigma * (a.yy / det).squareRoot(), y: sigma * (a.xx / det).squareRoot())
            guard d.x.magnitude > 4 * se.x || d.y.magnitude > 4 * se.y else { return nil }
            return d
        }
    }
}

/// The median of `values`, nil when there are none.
private func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// The mean colours of a picture in square cells: cheap to compare frame with frame and
/// frame with plate, and averaging over a cell removes most of the camera noise.
struct CellGrid: Sendable, Equatable {
    var columns: Int
    var rows: Int
    /// Side of a cell in the picture's pixels.
    var cell: Int
    /// Mean R, G, B (0…255) of each cell, row by row.
    var means: [SIMD3<Double>]

    /// The grid of `image` with `columns` cells across; rows of cells as many as fit.
    init(_ image: RGBImage, columns: Int) {
        let cell = max(1, image.width / columns)
        let columns = min(columns, image.width / cell), rows = image.height / cell
        var sums = [SIMD3<Int>](repeating: .zero, count: columns * rows)
        image.withUnsafeRows { p, rowStride in
            for y in 0..<(rows * cell) {
                let row = p + y * rowStride
                let base = (y / cell) * columns
                for column in 0..<columns {
                    var r = 0, g = 0, b = 0
                    for i in stride(from: column * cell * 3, to: (column + 1) * cell * 3, by: 3) {
                        r += Int(row[i])
                        g += Int(row[i + 1])
                        b += Int(row[i + 2])
                    }
                    sums[base + column] &+= SIMD3(r, g, b)
                }
            }
        }
        let area = Double(cell * cell)
        self.columns = columns
        self.rows = rows
        self.cell = cell
        means = sums.map { SIMD3<Double>($0) / area }
    }

    /// Mean absolute grey change between two grids of the same picture size.
    func change(from other: CellGrid) -> Double {
        guard other.columns == columns, other.rows == rows, !means.isEmpty else { return .infinity }
        let weights = SIMD3(0.299, 0.587, 0.114)
        let total = zip(means, other.means).reduce(0.0) { $0 + (($1.0 - $1.1) * weights).sum().magnitude }
        return total / Double(means.count)
    }

    /// The cells of the top strip and of the side strips above the shoulders.
    func border(_ settings: PlateSettings) -> [Int] {
        let topRows = min(rows, max(1, Int((Double(rows) * settings.topStrip).rounded())))
        let sideColumns = min(columns / 2, max(1, Int((Double(columns) * settings.sideStrip).rounded())))
        let sidesEnd = max(topRows, Int((Double(rows) * settings.sideStripBottom).rounded()))
        var cells = Array(0..<(topRows * columns))
        for row in topRows..<min(sidesEnd, rows) {
            cells += (0..<sideColumns).map { row * columns + $0 }
            cells += ((columns - sideColumns)..<columns).map { row * columns + $0 }
        }
        return cells
    }

    /// The cell noise of a picture of an empty view: the median difference of a cell from the
    /// mean of its neighbours, which the smooth shading of a wall hardly changes.
    func noise(cells: [Int]) -> Double {
        median(cells.map { index in
            let row = index / columns, column = index % columns
            var sum = SIMD3<Double>.zero, count = 0.0
            for dy in -1...1 {
                for dx in -1...1 where dx != 0 || dy != 0 {
                    let y = row + dy, x = column + dx
                    guard (0..<rows).contains(y), (0..<columns).contains(x) else { continue }
                    sum += means[y * columns + x]
                    count += 1
                }
            }
            let d = means[index] - sum / count
            return (d.x.magnitude + d.y.magnitude + d.z.magnitude) / 3
        }) ?? 0
    }

    /// The shading's slope at a cell, in grey levels per pixel of the picture, per channel:
    /// central differences (one-sided at the grid's edge), each averaged with the rows or
    /// columns beside it to halve the noise.
    func gradient(at index: Int) -> (x: SIMD3<Double>, y: SIMD3<Double>) {
        let row = index / columns, column = index % columns
        func mean(rows: ClosedRange<Int>, columns range: ClosedRange<Int>) -> SIMD3<Double> {
            let rs = max(0, rows.lowerBound)...min(self.rows - 1, rows.upperBound)
            let cs = max(0, range.lowerBound)...min(columns - 1, range.upperBound)
            var sum = SIMD3<Double>.zero
            for y in rs { for x in cs { sum += means[y * columns + x] } }
            return sum / Double(rs.count * cs.count)
        }
        let left = max(0, column - 1), right = min(columns - 1, column + 1)
        let up = max(0, row - 1), down = min(rows - 1, row + 1)
        let across = (row - 1)...(row + 1), along = (column - 1)...(column + 1)
        let x = (mean(rows: across, columns: right...right) - mean(rows: across, columns: left...left)) / Double((right - left) * cell)
        let y = (mean(rows: down...down, columns: along) - mean(rows: up...up, columns: along)) / Double((down - up) * cell)
        return (x, y)
    }
}
