/// One line of `kiosk doctor`: what was checked, how it stands, and what to do about it.
///
/// A plain value, so the daemon's status line and its metrics can show the same checks.
public struct Finding: Codable, Sendable, Hashable {
    /// How a finding stands.
    public enum Level: String, Codable, Sendable, Hashable {
        /// In order.
        case ok
        /// Wrong, but the station works without it (worse, or offline): `!`.
        case warning
        /// Wrong, and the station cannot work until it is fixed: `✗`.
        case failure

        /// The mark the doctor prints before the line.
        public var mark: String {
            switch self {
            case .ok: "✓"
            case .warning: "!"
            case .failure: "✗"
            }
        }
    }

    /// A stable name for the item (`camera`, `database`, …), for scripts and the status line.
    public var id: String
    public var level: Level
    /// What was found, in one line.
    public var what: String
    /// What the operator does about it, in words they can follow; nil when in order.
    public var fix: String?

    public init(id: String, level: Level, what: String, fix: String? = nil) {
        self.id = id
        self.level = level
        self.what = what
        self.fix = fix
    }

    /// The item in order.
    public static func ok(_ id: String, _ what: String) -> Finding {
        Finding(id: id, level: .ok, what: what)
    }

    /// The finding as the doctor prints it: the mark and what, the fix on the next line.
    public var text: String {
        var line = "\(level.mark) \(what)"
        if level != .ok, let fix { line += "\n    → \(fix)" }
        return line
    }
}

extension [Finding] {
    /// Whether something the station cannot work without is wrong (`kiosk doctor` exits 1).
    public var hasFailure: Bool { contains { $0.level == .failure } }
}
