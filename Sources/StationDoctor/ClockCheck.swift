import Foundation

/// The system clock, against what cannot be later than now: this release's year and the
/// newest time the store wrote down. A clock behind dates every photo and fee wrongly and
/// makes the server refuse the station's signed requests.
public enum ClockCheck {
    /// The first day of the year of this release: a clock before it is surely wrong.
    public static let releaseDay = Date(timeIntervalSince1970: 1_767_225_600) // 2026-01-01 00:00 UTC

    /// How far the store may be ahead before the clock counts as behind (a record written
    /// a moment ago on a clock that was then stepped back by NTP's first correction).
    public static let slack: TimeInterval = 300

    static let fix = "set the clock from the network: `sudo timedatectl set-ntp true` (needs the network), "
        + "or by hand: `sudo timedatectl set-time \"YYYY-MM-DD HH:MM:SS\"`; if it is wrong again after a restart, "
        + "the box's clock battery needs replacing"

    public static func run(now: Date = Date(), newestRecord: Date?) -> Finding {
        let clock = "clock \(text(now))"
        if now < releaseDay {
            return Finding(id: "clock", level: .failure, what: "\(clock): before this program was made (\(text(releaseDay)))", fix: fix)
        }
        if let newestRecord, newestRecord > now.addingTimeInterval(slack) {
            return Finding(id: "clock", level: .failure,
                           what: "\(clock): behind, the store already holds a record from \(text(newestRecord))", fix: fix)
        }
        return .ok("clock", newestRecord == nil ? "\(clock): after this program was made (no records to compare with)"
                                                : "\(clock): not behind the store's records")
    }

    /// A time as an operator reads it: UTC, to the minute.
    static func text(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
