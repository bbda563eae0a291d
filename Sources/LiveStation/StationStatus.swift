import Foundation
import StationMetrics
import StationStore
import StationSync
import Synchronization
import TerminalUI

/// What the daemon knows about its parts, kept as it learns it (from any thread): the camera
/// from the frames asked for, the store from its readiness before each student and each save,
/// the outbox and the server from the sync. The station's screen shows it as one status line
/// (`StatusLine`); the outbox and the last sync also go to the meters.
public final class StationStatus: Sendable {
    /// The status at one moment.
    public struct Snapshot: Sendable, Hashable {
        public enum Camera: Sendable, Hashable {
            /// No frame asked for yet.
            case unknown
            case ok
            case lost
        }

        public enum Sync: Sendable, Hashable {
            /// No server in the settings: the station works offline.
            case off
            /// The last attempt failed; `last` is the last exchange the server confirmed.
            case failing(last: Date?)
            /// The server confirmed an exchange at `last` (nil: none yet, nothing failed yet either).
            case ok(last: Date?)
        }

        public var camera = Camera.unknown
        /// Why the store refuses sessions; nil while it takes them.
        public var storeProblem: String?
        public var outboxWaiting = 0
        public var outboxHeld = 0
        public var sync: Sync

        public init(camera: Camera = .unknown, storeProblem: String? = nil, outboxWaiting: Int = 0, outboxHeld: Int = 0, sync: Sync) {
            self.camera = camera
            self.storeProblem = storeProblem
            self.outboxWaiting = outboxWaiting
            self.outboxHeld = outboxHeld
            self.sync = sync
        }
    }

    private let state: Mutex<Snapshot>
    private let meters: StationMeters

    /// `syncing`: whether the settings name a server.
    public init(syncing: Bool, meters: StationMeters = StationMeters()) {
        state = Mutex(Snapshot(sync: syncing ? .ok(last: nil) : .off))
        self.meters = meters
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    /// A frame came (`true`) or the camera went away (`false`); whether that changed the camera's state.
    @discardableResult
    public func camera(ok: Bool) -> Bool {
        state.withLock {
            let before = $0.camera
            $0.camera = ok ? .ok : .lost
            return $0.camera != before
        }
    }

    /// The store takes sessions (nil) or refuses them (why).
    public func store(problem: String?) {
        state.withLock { $0.storeProblem = problem }
    }

    /// The outbox now: entries waiting to be sent, and held back for an operator.
    public func outbox(waiting: Int, held: Int) {
        state.withLock {
            $0.outboxWaiting = waiting
            $0.outboxHeld = held
        }
        meters.outbox(waiting: waiting, held: held)
    }

    /// The outbox of `store` counted again (after a save, after the sync sent something).
    public func countOutbox(of store: StationStore) {
        if let counts = try? store.outboxCounts() { outbox(waiting: counts.pending, held: counts.held) }
    }

    /// What the sync just did: anything the server answered is a confirmed exchange; a
    /// failure marks the sync failing until the next one.
    public func sync(_ event: SyncEvent, at time: Date = Date()) {
        switch event {
        case .failed:
            state.withLock {
                if case let .ok(last) = $0.sync { $0.sync = .failing(last: last) }
            }
        case .photoSent, .recordSent, .held, .photoResent, .pulled, .networkBack, .upToDate:
            state.withLock { $0.sync = .ok(last: time) }
            meters.synced(atUnixTime: time.timeIntervalSince1970)
        }
    }
}

/// The status as the bottom row of the station's screen: short, each part with its Chinese
/// word before the English (the English alone when the row is too narrow for both), the parts
/// that need the operator in red.
public struct StatusLine: Sendable {
    /// One part of the line and whether it needs attention.
    public struct Part: Sendable, Hashable {
        /// The part's name in Chinese: 摄像头, 存储, 待传, 同步.
        public var chinese: String
        /// The part in English: "camera ok", "outbox 3 (1 held)".
        public var text: String
        public var alarm: Bool

        public init(_ chinese: String, _ text: String, alarm: Bool = false) {
            self.chinese = chinese
            self.text = text
            self.alarm = alarm
        }
    }

    /// The parts of `snapshot`, times in `timeZone` (HH:MM).
    public static func parts(_ snapshot: StationStatus.Snapshot, timeZone: TimeZone = .current) -> [Part] {
        let camera = switch snapshot.camera {
        case .unknown: Part("摄像头", "camera …")
        case .ok: Part("摄像头", "camera ok")
        case .lost: Part("摄像头", "camera LOST", alarm: true)
        }
        let store = snapshot.storeProblem == nil ? Part("存储", "store ok") : Part("存储", "store REFUSING", alarm: true)
        let outbox = Part("待传", "outbox \(snapshot.outboxWaiting)" + (snapshot.outboxHeld > 0 ? " (\(snapshot.outboxHeld) held)" : ""),
                          alarm: snapshot.outboxHeld > 0)
        let sync = switch snapshot.sync {
        case .off: Part("同步", "sync off")
        case .ok(nil): Part("同步", "sync …")
        case let .ok(last?): Part("同步", "sync \(clock(last, timeZone))")
        case let .failing(last): Part("同步", "sync offline" + (last.map { " (last \(clock($0, timeZone)))" } ?? ""), alarm: true)
        }
        return [camera, store, outbox, sync]
    }

    /// HH:MM of `date`.
    private static func clock(_ date: Date, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// `screen` with one more row at the bottom holding `parts`, right-aligned, separated by
    /// " · "; what still does not fit is cut at the right edge.
    public static func adding(_ parts: [Part], below screen: TerminalUI.CellGrid, reducer: ColorReducer) -> TerminalUI.CellGrid {
        var grid = TerminalUI.CellGrid(columns: screen.columns, rows: screen.rows + 1)
        for row in 0..<screen.rows {
            for column in 0..<screen.columns { grid[column, row] = screen[column, row] }
        }
        let separator = " · ", room = grid.columns - 2
        let both = parts.map { "\($0.chinese) \($0.text)" }
        let texts = width(of: both, separator) <= room ? both : parts.map(\.text)
        let row = screen.rows
        let calm = reducer.convert(.rgb(150, 150, 150)), alarm = reducer.convert(.rgb(235, 50, 50))
        var column = max(1, grid.columns - width(of: texts, separator) - 1)
        for (index, (part, text)) in zip(parts, texts).enumerated() {
            if index > 0 { column = grid.put(separator, row: row, column: column, foreground: calm) }
            column = grid.put(text, row: row, column: column, foreground: part.alarm ? alarm : calm, bold: part.alarm)
        }
        return grid
    }

    private static func width(of texts: [String], _ separator: String) -> Int {
        texts.reduce(0) { $0 + DisplayWidth.of($1) } + DisplayWidth.of(separator) * max(0, texts.count - 1)
    }
}
