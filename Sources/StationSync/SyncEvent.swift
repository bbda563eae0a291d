import Foundation

/// What the sync did, as it happens, for the operator's log and the station's screen.
public enum SyncEvent: Sendable, Hashable, CustomStringConvertible {
    /// The server confirmed a photo (by hash) or a record (by id).
    case photoSent(receiptCode: String, sha256: String, stored: Bool)
    case recordSent(receiptCode: String, stored: Bool)
    /// The server refused an entry for good; it is kept back until an operator releases it.
    /// `conflict`: another record already has the session's id (never overwritten).
    case held(receiptCode: String, reason: String, conflict: Bool)
    /// The server no longer held a photo a record names: it is sent again.
    case photoResent(receiptCode: String, sha256: String)
    /// Roster students and review decisions taken.
    case pulled(students: Int, decisions: Int)
    /// An attempt failed; the next comes after `retryIn` seconds (sooner when the network
    /// was away and the health probe sees it back).
    case failed(reason: String, retryIn: Double, networkAway: Bool)
    /// The health probe saw the server again after `awaySeconds`.
    case networkBack(awaySeconds: Double)
    /// Everything is sent and the downloads are up to date.
    case upToDate(held: Int)

    /// Whether this needs an operator's eyes (a held entry).
    public var isAlarm: Bool {
        if case .held = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case let .photoSent(receipt, hash, stored):
            "photo of \(receipt) \(stored ? "stored" : "already held") by the server (\(hash.prefix(12))…)"
        case let .recordSent(receipt, stored):
            "record \(receipt) \(stored ? "stored" : "already held") by the server"
        case let .held(receipt, reason, conflict):
            "\(conflict ? "CONFLICT" : "HELD"): session \(receipt) is kept back from the sync: \(reason)"
        case let .photoResent(receipt, hash):
            "the server lacks the photo of \(receipt) (\(hash.prefix(12))…): sending it again"
        case let .pulled(students, decisions):
            "roster: \(students) students changed; review: \(decisions) decisions"
        case let .failed(reason, retryIn, away):
            "\(reason); next try in \(String(format: "%.1f", retryIn)) s\(away ? " (or as soon as the server answers its health probe)" : "")"
        case let .networkBack(away):
            "the server answers again (after \(String(format: "%.1f", away)) s away)"
        case let .upToDate(held):
            held == 0 ? "up to date: the outbox is empty" : "up to date except \(held) held outbox entries (kiosk sync --retry-held after mending them)"
        }
    }
}
