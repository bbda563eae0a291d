#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB

/// A photo file `kiosk purge` may remove, and why.
public struct PurgeCandidate: Sendable, Hashable {
    public var photoId: Int64
    public var receiptCode: String
    public var studentNumber: String
    /// `spec` or `source`.
    public var kind: String
    public var hash: ContentHash
    /// When the server confirmed the session's record.
    public var confirmedAt: Date
    /// When the retention ended: for the photo, the server's confirmation of it plus
    /// `confirmedPhotoRetentionDays`; for the source frame, its `keepUntil`.
    public var retainedUntil: Date
}

extension StationStore {
    /// The station's copies that may go at `now`: only of sessions whose record the server
    /// has confirmed, and only once their retention has passed. The one purge rule: the
    /// photo is kept `confirmedPhotoRetentionDays` after the server confirmed holding its
    /// hash (`confirmedPhoto`, written by `markSent`; never before), the source frame (never
    /// sent, the station's audit copy) until its `keepUntil`.
    public func purgeCandidates(at now: Date) throws(StoreError) -> [PurgeCandidate] {
        let photoRetention = Double(settings.confirmedPhotoRetentionDays) * 86_400
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT photo.id, photo.kind, photo.sha256, photo.size, photo.keepUntil,
                       session.receiptCode, session.studentNumber, record.sentAt AS confirmedAt,
                       confirmedPhoto.confirmedAt AS photoConfirmedAt
                FROM photo JOIN session ON session.id = photo.sessionId
                JOIN outbox AS record ON record.sessionId = session.id AND record.kind = 'session' AND record.sentAt IS NOT NULL
                LEFT JOIN confirmedPhoto ON confirmedPhoto.sha256 = photo.sha256
                WHERE photo.removedAt IS NULL ORDER BY photo.id
                """).compactMap { row -> PurgeCandidate? in
                let until: Date
                if row["kind"] as String == "spec" {
                    guard let confirmed = row["photoConfirmedAt"] as Date? else { return nil }
                    until = confirmed.addingTimeInterval(photoRetention)
                } else {
                    guard let keepUntil = row["keepUntil"] as Date? else { return nil }
                    until = keepUntil
                }
                guard until <= now else { return nil }
                return PurgeCandidate(photoId: row["id"], receiptCode: row["receiptCode"], studentNumber: row["studentNumber"],
                                      kind: row["kind"], hash: ContentHash(hex: row["sha256"], size: row["size"]),
                                      confirmedAt: row["confirmedAt"], retainedUntil: until)
            }
        }
    }

    /// Removes the files of `candidates` (from `purgeCandidates`): first every record is
    /// marked removed in one commit, then the files go, so a crash in between leaves files
    /// no record names (start-up repair sets them aside), never a record pointing at nothing.
    /// A file another kept record shares (the same bytes) stays. Returns the paths removed.
    @discardableResult
    public func purge(_ candidates: [PurgeCandidate], at now: Date) throws(StoreError) -> [String] {
        guard !candidates.isEmpty else { return [] }
        let hashes = try write { db -> [String] in
            for candidate in candidates {
                try db.execute(sql: "UPDATE photo SET removedAt = ? WHERE id = ? AND removedAt IS NULL", arguments: [now, candidate.photoId])
            }
            return try Set(candidates.map(\.hash.hex)).sorted().filter { hex in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM photo WHERE sha256 = ? AND removedAt IS NULL", arguments: [hex]) == 0
            }
        }
        var removed: [String] = []
        for hex in hashes {
            let path = "\(photos.path)/\(hex)\(PhotoFolder.fileExtension)"
            if unlink(path) == 0 { removed.append(path) }
        }
        PhotoFolder.sync(photos.path)
        return removed
    }
}
