import CentralStore
import Foundation
import Mustache
import SyncWire

/// What the review list shows, built from the store's records and rendered with
/// `ReviewTemplates` (Mustache reads these structs' stored properties by name).
struct ReviewPage {
    /// The most sessions one page lists, oldest first.
    static let pageSize = 50

    struct Session {
        var id: String
        var studentNumber: String
        var maskedName: String
        var school: String
        var batch: String
        var taken: String
        var takenISO: String
        var station: String
        var photoPath: String
        var reportVerdict: String
        var reportNote: String?
        var clauses: [Clause]
        var hasClauses: Bool
        var identityVerdict: String
        var identityFigures: String?
        var token: String
        var acceptPath: String
        var rejectPath: String
    }

    struct Clause {
        var verdict: String
        var clause: String
        var measured: String?
        var hint: String?
    }

    struct Batch {
        var school: String
        var batch: String
        var exportPath: String
    }

    var style = ReviewTemplates.style
    var reviewer: String
    var count: String
    var sessions: [Session]
    var batches: [Batch]

    static let listTemplate = try! MustacheTemplate(string: ReviewTemplates.list)
    static let refusalTemplate = try! MustacheTemplate(string: ReviewTemplates.refusal)

    /// The page for `reviewer` over the store's records awaiting review.
    static func build(for reviewer: Reviewer, store: any CentralStore) async throws(CentralStoreError) -> ReviewPage {
        let records = try await store.recordsAwaitingReview(limit: pageSize)
        var sessions: [Session] = []
        for record in records {
            let student = try await store.student(number: record.upload.studentNumber)
            let station = try await store.station(id: record.stationId)
            sessions.append(Session(record, student: student, stationName: station?.name, reviewer: reviewer))
        }
        let batches = try await store.schoolBatches().map { batch in
            Batch(school: batch.school, batch: batch.batch, exportPath: ReviewRoutes.exportPath(batch))
        }
        let count = records.count == pageSize ? "\(pageSize)+ (最早的 \(pageSize) 个 / the \(pageSize) oldest)" : "\(records.count)"
        return ReviewPage(reviewer: reviewer.name, count: count, sessions: sessions, batches: batches)
    }

    var html: String { Self.listTemplate.render(self) }

    static func refusal(_ refusal: ReviewRefusal) -> String {
        refusalTemplate.render(["style": ReviewTemplates.style, "status": "\(refusal.status.code) \(refusal.status.reasonPhrase)",
                                "message": refusal.message])
    }
}

extension ReviewPage.Session {
    init(_ record: StoredRecord, student: Student?, stationName: String?, reviewer: Reviewer) {
        let upload = record.upload
        id = upload.id.uuidString.lowercased()
        studentNumber = upload.studentNumber
        maskedName = student?.wire.maskedName ?? "(不在名册 not on the roster)"
        school = record.school
        batch = upload.batch
        takenISO = ISO8601DateFormatter().string(from: upload.acceptedAt)
        // 2025-10-09T08:31:30Z → 2025-10-09 08:31 UTC
        taken = takenISO.prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC"
        station = stationName.map { "\($0) (\(record.stationId.prefix(8)))" } ?? record.stationId
        photoPath = ReviewRoutes.photoPath(upload.photos.first { $0.kind == "spec" }?.sha256 ?? upload.photos.first?.sha256 ?? "")
        let report = CheckReportSummary(json: upload.checkReport)
        reportVerdict = report.verdict
        reportNote = report.note
        clauses = report.clauses
        hasClauses = !report.clauses.isEmpty
        if let check = upload.identityCheck {
            identityVerdict = check.verdict
            var figures: [String] = []
            if let distance = check.distance { figures.append(String(format: "距离 distance %.3f", distance)) }
            if let threshold = check.threshold { figures.append(String(format: "阈值 threshold %.3f", threshold)) }
            if let obstacle = check.obstacle { figures.append(obstacle) }
            identityFigures = figures.isEmpty ? nil : figures.joined(separator: ", ")
        } else {
            identityVerdict = "not-checked"
            identityFigures = "工作站未比对 the station did not compare"
        }
        token = reviewer.formToken(session: upload.id)
        acceptPath = ReviewRoutes.decisionPath(upload.id, accept: true)
        rejectPath = ReviewRoutes.decisionPath(upload.id, accept: false)
    }
}

/// The station's check report (the `ComplianceReport` JSON a record carries verbatim), read
/// for the reviewer: its verdict and the clauses that failed or warned. The server does not
/// link the checks themselves, so it reads only the fields it shows and tolerates others.
struct CheckReportSummary {
    var verdict: String
    var note: String?
    var clauses: [ReviewPage.Clause]

    private struct Report: Decodable {
        var verdict: String?
        var results: [Result]?
    }

    private struct Result: Decodable {
        var id: String
        var clause: String?
        var value: Double?
        var unit: String?
        var limit: String?
        var verdict: String
        var hint: Hint?
    }

    private struct Hint: Decodable {
        var chinese: String
        var english: String
    }

    init(json: String) {
        guard let report = try? JSONDecoder().decode(Report.self, from: Data(json.utf8)) else {
            verdict = "unreadable"
            note = "报告无法读取 the station's report does not parse"
            clauses = []
            return
        }
        let results = report.results ?? []
        // Failures first, then warnings, each in the report's (clause) order.
        let shown = results.filter { $0.verdict == "fail" } + results.filter { $0.verdict == "warn" }
        clauses = shown.map { result in
            let measured = result.value.map { value in
                String(format: "%.3g", value) + (result.unit.map { " \($0)" } ?? "") + (result.limit.map { ", 限 limit \($0)" } ?? "")
            }
            return ReviewPage.Clause(verdict: result.verdict, clause: result.clause ?? result.id, measured: measured,
                                     hint: result.hint.map { "\($0.chinese) / \($0.english)" })
        }
        verdict = report.verdict ?? (results.contains { $0.verdict == "fail" } ? "fail" : results.contains { $0.verdict == "warn" } ? "warn" : "pass")
        note = results.isEmpty ? "报告中没有检查项 the report lists no checks" : nil
    }
}
