#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FileOutput
import Foundation
import GRDB

/// Brings the photo folder and the records back in step after a crash, before the station
/// takes anyone: temporary files of interrupted writes are removed; files no record names
/// (or named unlike the store's files) are moved to `set-aside/`; every record's file is
/// checked for presence, size and SHA-256, and a missing or damaged one is flagged on its
/// record (never deleted) and reported. Every step is safe to repeat if a crash interrupts it.
struct StartupRepair {
    let folder: String
    let photos: PhotoFolder
    let pool: DatabasePool

    private var setAsideFolder: String { "\(folder)/\(StationStore.setAsideFolderName)" }

    func run(now: Date) throws(StoreError) -> RepairReport {
        var report = RepairReport()
        let names = photos.names()
        for name in names where PhotoFolder.isTemporary(name) {
            if unlink("\(photos.path)/\(name)") == 0 { report.temporaryFilesRemoved.append(name) }
        }
        if !report.temporaryFilesRemoved.isEmpty {
            PhotoFolder.sync(photos.path)
            try record(report.temporaryFilesRemoved.map { ("temporary-removed", $0, nil) }, at: now)
        }
        let rows = try database { db in
            try Row.fetchAll(db, sql: """
                SELECT photo.id, photo.kind, photo.sha256, photo.size, photo.problem, session.receiptCode, session.studentNumber
                FROM photo JOIN session ON session.id = photo.sessionId WHERE photo.removedAt IS NULL
                """)
        }
        let referenced = Set(rows.map { $0["sha256"] as String })
        for name in names where !PhotoFolder.isTemporary(name) {
            guard let hash = PhotoFolder.hash(named: name) else {
                report.filesSetAside.append(try setAside(name, .unknownName, at: now))
                continue
            }
            if !referenced.contains(hash) { report.filesSetAside.append(try setAside(name, .orphan, at: now)) }
        }
        try verify(rows, into: &report, at: now)
        return report
    }

    /// Checks each record's file; flags and reports what changed since the last check.
    private func verify(_ rows: [Row], into report: inout RepairReport, at now: Date) throws(StoreError) {
        var verdicts: [String: RepairReport.PhotoProblem.Kind?] = [:]
        for row in rows {
            let hex: String = row["sha256"]
            let expected = ContentHash(hex: hex, size: row["size"])
            let verdict: RepairReport.PhotoProblem.Kind?
            if let known = verdicts[hex] {
                verdict = known
            } else {
                let path = photos.path(of: expected)
                if access(path, F_OK) != 0 {
                    verdict = .missing
                } else {
                    report.photosVerified += 1
                    if ContentHash.ofFile(atPath: path) == expected {
                        verdict = nil
                    } else {
                        verdict = .damaged
                        report.filesSetAside.append(try setAside("\(hex)\(PhotoFolder.fileExtension)", .damaged, at: now))
                    }
                }
                verdicts[hex] = verdict
            }
            let stored = (row["problem"] as String?).flatMap(RepairReport.PhotoProblem.Kind.init(rawValue:))
            // A damaged file set aside earlier is missing now: the record keeps "damaged".
            if stored == verdict || (stored == .damaged && verdict == .missing) { continue }
            let id: Int64 = row["id"]
            try database { db in
                try db.execute(sql: "UPDATE photo SET problem = ? WHERE id = ?", arguments: [verdict?.rawValue, id])
            }
            if let verdict {
                report.photoProblems.append(.init(photoId: id, kind: verdict, photoKind: row["kind"], receiptCode: row["receiptCode"],
                                                  studentNumber: row["studentNumber"], sha256: hex))
                try record([(verdict.rawValue, "\(hex)\(PhotoFolder.fileExtension)", id)], at: now)
            }
        }
    }

    /// Moves `name` out of the photo folder under the first free name in `set-aside/`,
    /// recording the move first, so that a crash in between repeats the same move next time.
    private func setAside(_ name: String, _ reason: RepairReport.SetAsideReason, at now: Date) throws(StoreError) -> RepairReport.SetAside {
        do {
            try PhotoFolder.create(setAsideFolder)
        } catch {
            throw StoreError(folder: folder, .files(error))
        }
        var target = name
        var suffix = 0
        while access("\(setAsideFolder)/\(target)", F_OK) == 0 {
            suffix += 1
            target = "\(name).\(suffix)"
        }
        try record([("set-aside-\(reason.rawValue)", target, nil)], at: now)
        guard rename("\(photos.path)/\(name)", "\(setAsideFolder)/\(target)") == 0 else {
            let code = errno
            throw StoreError(folder: folder, .files(FileOutputError(NamedPath("\(photos.path)/\(name)"), .init(errno: code, folder: setAsideFolder))))
        }
        PhotoFolder.sync(setAsideFolder)
        PhotoFolder.sync(photos.path)
        return .init(name: name, setAsideName: target, reason: reason)
    }

    private func record(_ events: [(kind: String, file: String, photoId: Int64?)], at now: Date) throws(StoreError) {
        try database { db in
            for event in events {
                try db.execute(sql: "INSERT OR IGNORE INTO repairEvent (at, kind, file, photoId) VALUES (?, ?, ?, ?)",
                               arguments: [now, event.kind, event.file, event.photoId])
            }
        }
    }

    private func database<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try pool.write(folder: folder, body)
    }
}
