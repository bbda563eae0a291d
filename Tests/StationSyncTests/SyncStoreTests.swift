import Foundation
import Roster
import StationStore
import StoreTestSupport
import SyncWire
import Testing

/// The store's side of the sync: session ids, the record an outbox entry sends, the roster
/// and decisions taken from the server, confirmations and held entries.
@Suite struct SyncStoreTests {
    @Test func migrationGivesExistingSessionsTheirOwnIds() throws {
        let folder = try scratchFolder("migrate")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent(StationStore.databaseName)
        do {
            let store = try stationStore(in: folder, sessions: 3)
            let first = try store.pendingOutbox()[0]
            try store.markSent(first.sequence, at: Date(timeIntervalSince1970: 1_700_000_000))
        }
        // Back to the v2 schema, as a station of the previous version left it.
        try sqlite(database, """
            DROP INDEX sessionByUUID; DROP TABLE syncCursor; DROP TABLE confirmedPhoto;
            ALTER TABLE outbox DROP COLUMN heldAt; ALTER TABLE outbox DROP COLUMN heldReason;
            ALTER TABLE session DROP COLUMN uuid; DELETE FROM grdb_migrations WHERE identifier LIKE 'v3%';
            """)
        _ = try stationStore(in: folder)
        let ids = try sqlite(database, "SELECT uuid FROM session ORDER BY id")
        #expect(ids.count == 3)
        #expect(Set(ids).count == 3)
        #expect(ids.allSatisfy { UUID(uuidString: $0) != nil && $0 == $0.lowercased() })
        // The photo sent before the migration counts as confirmed.
        #expect(try sqlite(database, "SELECT count(*) FROM confirmedPhoto") == ["1"])
    }

    @Test func theRecordOfASessionIsMadeFromItsRowsTheSameEveryTime() throws {
        let folder = try scratchFolder("upload")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try stationStore(in: folder)
        let session = CrashSession.session(7)
        let saved = try store.save(session)
        let upload = try store.sessionUpload(forSession: saved.id)
        #expect(upload.id == saved.uuid)
        #expect(upload.receiptCode == saved.receiptCode)
        #expect(upload.studentNumber == CrashSession.student.text)
        #expect(upload.batch == "2024")
        #expect(upload.collectionCode == "CRASH-7")
        #expect(upload.photos == [SessionUpload.Photo(kind: "spec", sha256: saved.spec.hex, size: Int(saved.spec.size))])
        #expect(upload.checkReport == "{}")
        #expect(upload.fee.yuan == 20 && upload.fee.basis == "in-window" && upload.fee.method == "cash")
        #expect(upload.fee.confirmedBy == "crash-test")
        #expect(upload.identityCheck == nil)
        let encoder = WireCoding.encoder()
        #expect(try encoder.encode(upload) == encoder.encode(try store.sessionUpload(forSession: saved.id)))
    }

    @Test func aRosterPageIsTakenWholeWithItsCursorAndTheTailHashed() throws {
        let folder = try scratchFolder("roster")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try stationStore(in: folder)
        let descriptor = Data((0..<512).map { UInt8($0 % 256) })
        let page = Page(items: [
            RosterStudent(studentNumber: "2021000001", school: "测试大学", batch: "2025", maskedName: "王*丽", idTail: "123x",
                          review: .rejected, rejectionReason: "背景不均匀", retakeOwed: true, enrollmentDescriptor: descriptor),
            RosterStudent(studentNumber: CrashSession.student.text, school: "测试大学", batch: "2024", maskedName: "张*明",
                          idTail: "4321", review: .accepted, retakeOwed: false),
        ], cursor: 17, more: false)
        #expect(try store.applyRoster(page) == 2)
        #expect(try store.syncCursor(.roster) == 17)
        let added = try #require(try store.identify(StudentNumber("2021000001")!, tail: IDTail("123X")!))
        #expect(added.name.text == "王*丽")
        #expect(added.review == .rejected(reason: "背景不均匀"))
        #expect(added.retakeOwed)
        #expect(try store.enrollmentDescriptor(of: added.studentNumber)?.count == 128)
        // The tail changed with the server's roster; the old one no longer identifies.
        #expect(try store.identify(CrashSession.student, tail: IDTail("1234")!) == nil)
        #expect(try store.identify(CrashSession.student, tail: IDTail("4321")!)?.review == .accepted)
        // No tail is kept readable.
        let tails = try sqlite(folder.appendingPathComponent(StationStore.databaseName), "SELECT hex(idTailHash) FROM student")
        #expect(tails.allSatisfy { $0.count == 64 })

        let bad = Page(items: [
            RosterStudent(studentNumber: "2021000002", school: "测试大学", batch: "2025", maskedName: "李*", idTail: "12",
                          review: .notReviewed, retakeOwed: false),
        ], cursor: 18, more: false)
        #expect(throws: StoreError.self) { try store.applyRoster(bad) }
        #expect(try store.syncCursor(.roster) == 17)
        #expect(try store.student(StudentNumber("2021000002")!) == nil)
    }

    @Test func aRosterPageDoesNotOweAgainARetakeUsedBySessionTheServerHasNotConfirmed() throws {
        let folder = try scratchFolder("roster-pending")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try stationStore(in: folder, sessions: 1)
        #expect(try store.student(CrashSession.student)?.retakeOwed == false)
        func page(_ cursor: Int64) -> Page<RosterStudent> {
            Page(items: [RosterStudent(studentNumber: CrashSession.student.text, school: "测试大学", batch: "2024", maskedName: "张*明",
                                       idTail: "1234", review: .rejected, rejectionReason: "背景不均匀", retakeOwed: true)],
                 cursor: cursor, more: false)
        }
        // The server's roster still owes the retake the station's unsent session used.
        #expect(try store.applyRoster(page(3)) == 1)
        #expect(try store.student(CrashSession.student)?.retakeOwed == false)
        #expect(try store.syncCursor(.roster) == 3)
        // Once the record is through, the server's view is the newer one.
        for entry in try store.pendingOutbox() { try store.markSent(entry.sequence, at: Date()) }
        #expect(try store.applyRoster(page(4)) == 1)
        #expect(try store.student(CrashSession.student)?.retakeOwed == true)
    }

    @Test func aDecisionSetsTheStudentsReviewUnlessANewerSessionFollowedIt() throws {
        let folder = try scratchFolder("decisions")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try stationStore(in: folder, sessions: 1)
        let saved = try store.sessions()[0]
        let rejection = ReviewDecision(sessionId: UUID(), studentNumber: CrashSession.student.text, review: .rejected,
                                       reason: "头部过小", retakeOwed: true, decidedAt: saved.acceptedAt + 3600)
        #expect(try store.applyDecisions(Page(items: [rejection], cursor: 5, more: false)) == 1)
        #expect(try store.syncCursor(.decisions) == 5)
        let student = try #require(try store.student(CrashSession.student))
        #expect(student.review == .rejected(reason: "头部过小"))
        #expect(student.retakeOwed)

        // A decision made before the station's latest session of the student is stale.
        let stale = ReviewDecision(sessionId: UUID(), studentNumber: CrashSession.student.text, review: .accepted,
                                   reason: nil, retakeOwed: false, decidedAt: saved.acceptedAt - 60)
        #expect(try store.applyDecisions(Page(items: [stale], cursor: 6, more: false)) == 0)
        #expect(try store.student(CrashSession.student)?.review == .rejected(reason: "头部过小"))
        #expect(try store.syncCursor(.decisions) == 6)
    }

    @Test func purgeTakesOnlyPhotosWhoseHashTheServerConfirmed() throws {
        let folder = try scratchFolder("purge")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try stationStore(in: folder, sessions: 1)
        let entries = try store.pendingOutbox()
        let accepted = try store.sessions()[0].acceptedAt
        // The record confirmed, the photo not: nothing of the spec photo may go.
        try store.markSent(entries[1].sequence, at: accepted)
        let late = accepted + 400 * 86_400
        #expect(try store.purgeCandidates(at: late).map(\.kind) == ["source"])
        try store.markSent(entries[0].sequence, at: accepted + 86_400)
        #expect(try store.purgeCandidates(at: accepted + 20 * 86_400).isEmpty)
        #expect(try Set(store.purgeCandidates(at: late).map(\.kind)) == ["spec", "source"])
    }

    @Test func aHeldEntryKeepsItsSessionBackUntilReleased() throws {
        let folder = try scratchFolder("held")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try stationStore(in: folder, sessions: 2)
        let entries = try store.pendingOutbox()
        try store.hold(entries[1].sequence, reason: "conflict", at: Date())
        #expect(try store.pendingOutbox().map(\.sessionId) == [entries[2].sessionId, entries[3].sessionId])
        #expect(try store.heldOutbox().map(\.reason) == ["conflict"])
        let counts = try store.outboxCounts()
        #expect(counts.pending == 3 && counts.held == 1 && counts.sent == 0)
        #expect(try store.releaseHeld() == 1)
        #expect(try store.pendingOutbox().count == 4)
    }
}
