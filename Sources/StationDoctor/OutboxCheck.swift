import Foundation

/// What is still to reach the server: entries waiting, entries kept back, and how long the
/// oldest has waited.
public enum OutboxCheck {
    /// Longer than this without the server is worth the operator's attention.
    public static let oldestAllowed: TimeInterval = 86_400

    public static func run(_ records: StoreRecords, now: Date = Date()) -> Finding {
        var what = "outbox: \(records.pending) waiting to be sent"
        var fixes: [String] = []
        if let oldest = records.oldestPending {
            what += ", the oldest from \(ClockCheck.text(oldest))"
            if now.timeIntervalSince(oldest) > oldestAllowed {
                what += " (over a day)"
                fixes.append("photos have not reached the server for over a day: mend what the server line says; the "
                    + "station sends them by itself once the server answers")
            }
        }
        if records.held > 0 {
            what += "; \(records.held) held back"
            fixes.append("the server refused the held ones for good: `kiosk sync --once` lists them (HELD or CONFLICT) "
                + "for the school's IT; once they have mended the cause, `kiosk sync --retry-held` sends them again")
        }
        guard !fixes.isEmpty else { return .ok("outbox", what) }
        return Finding(id: "outbox", level: .warning, what: what, fix: fixes.joined(separator: "; "))
    }
}
