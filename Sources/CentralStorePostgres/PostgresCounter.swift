import CentralStore
import Logging
import PostgresNIO

/// The change numbers of the roster and the decision numbers, from a row per series in
/// `counter`. Not a sequence: a sequence hands out numbers in the order transactions ask,
/// and they may commit in another order, so a station that read change 7 before change 6
/// committed would skip 6 for good. Taking a number here locks the series' row until the
/// transaction ends, so numbers commit in the order they were taken, as SQLite's single
/// writer gives. Every transaction takes its counters before it touches a student's row
/// (and the decision series before the roster's), so two never wait on each other in a circle.
enum PostgresCounter: String {
    case studentChange = "student-change"
    case decision

    /// The next number of the series, the row locked until the transaction ends.
    func next(_ connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        try await value(connection.query("UPDATE counter SET value = value + 1 WHERE name = \(rawValue) RETURNING value", logger: logger))
    }

    /// The last number handed out, the row locked until the transaction ends, for a
    /// transaction that takes several (`advance(to:)` keeps how far it went).
    func lock(_ connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        try await value(connection.query("SELECT value FROM counter WHERE name = \(rawValue) FOR UPDATE", logger: logger))
    }

    /// Keeps `last` as the last number handed out, after `lock`.
    func advance(to last: Int64, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE counter SET value = \(last) WHERE name = \(rawValue)", logger: logger)
    }

    private func value(_ rows: PostgresRowSequence) async throws -> Int64 {
        guard let row = try await rows.collect().first else {
            throw CentralStoreError.unavailable("the database has no \(rawValue) counter (table counter); it is damaged")
        }
        return try row.decode(Int64.self)
    }
}
