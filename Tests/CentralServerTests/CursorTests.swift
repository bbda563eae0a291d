import CentralServer
import CentralStore
import Foundation
import Hummingbird
import HummingbirdTesting
import SyncWire
import Testing

@Suite("Downloads by cursor: roster changes and review decisions")
struct CursorTests {
    /// Every page of a download from cursor `from`, as a station walks them.
    func pages<Item: Codable & Sendable & Hashable>(_ path: String, _ type: Item.Type, from cursor: Int64 = 0, limit: Int,
                                                   station: Station, fixture: ServerFixture, client: any TestClientProtocol) async throws -> [Page<Item>] {
        var pages: [Page<Item>] = []
        var cursor = cursor
        repeat {
            let response = try await SignedRequest(method: .get, path: "\(path)?cursor=\(cursor)&limit=\(limit)", station: station, time: fixture.now)
                .send(client)
            try #require(response.status == .ok)
            pages.append(try response.decoded(Page<Item>.self))
            cursor = pages.last!.cursor
        } while pages.last!.more && pages.count < 20
        return pages
    }

    @Test("the roster in pages of two, then only what changed after the cursor", arguments: BackEnd.allCases)
    func rosterPages(backEnd: BackEnd) async throws {
        let fixture = try await ServerFixture(backEnd)
        defer { fixture.remove() }
        _ = try await fixture.store.importRoster(csv: """
            student_number,school,batch,name,id_tail
            N0004,North High,2025,赵四,1111
            N0005,North High,2026,钱五,2222
            """)
        try await fixture.withClient { client in
            let all = try await pages(SyncAPI.roster, RosterStudent.self, limit: 2, station: fixture.northStation, fixture: fixture, client: client)
            #expect(all.map { $0.items.map(\.studentNumber) } == [["N0001", "N0002"], ["N0003", "N0004"], ["N0005"]])
            #expect(all.map(\.more) == [true, true, false])
            let cursor = all.last!.cursor
            let nothing = try await pages(SyncAPI.roster, RosterStudent.self, from: cursor, limit: 2, station: fixture.northStation, fixture: fixture, client: client)
            #expect(nothing == [Page(items: [], cursor: cursor, more: false)])

            // A changed line of the file (a new batch) and an unchanged one: only the change.
            let summary = try await fixture.store.importRoster(csv: """
                student_number,school,batch,name,id_tail
                N0002,North High,2026,李明,4567
                N0003,North High,2025,欧阳春华,0001
                """)
            #expect(summary == RosterImportSummary(added: 0, updated: 1, unchanged: 1))
            let changed = try await pages(SyncAPI.roster, RosterStudent.self, from: cursor, limit: 2, station: fixture.northStation, fixture: fixture, client: client)
            #expect(changed.flatMap(\.items).map(\.studentNumber) == ["N0002"])
            #expect(changed.flatMap(\.items).first?.batch == "2026")

            let bad = try await SignedRequest(method: .get, path: SyncAPI.roster + "?cursor=-1", station: fixture.northStation, time: fixture.now).send(client)
            #expect(bad.status == .badRequest)
        }
    }

    @Test("decisions after the cursor, for the station's school only; a rejection owes a retake in the roster", arguments: BackEnd.allCases)
    func decisionPages(backEnd: BackEnd) async throws {
        let fixture = try await ServerFixture(backEnd)
        defer { fixture.remove() }
        let photos = [PhotoBytes(20), PhotoBytes(21)]
        let uploads = [sessionUpload(student: "N0001", photo: photos[0]), sessionUpload(student: "N0002", photo: photos[1])]
        for (photo, upload) in zip(photos, uploads) {
            #expect(try await fixture.store.acceptPhoto(sha256: photo.sha256, bytes: photo.bytes, at: fixture.now))
            #expect(try await fixture.store.acceptRecord(upload, from: fixture.northStation, at: fixture.now))
        }
        try await fixture.store.decide(session: uploads[0].id, accept: false, reason: "hair covers the eyebrows", at: fixture.now)
        await #expect(throws: CentralStoreError.self) {
            try await fixture.store.decide(session: uploads[1].id, accept: false, reason: " ", at: fixture.now)
        }
        try await fixture.withClient { client in
            let rosterCursor = try await pages(SyncAPI.roster, RosterStudent.self, limit: 10, station: fixture.northStation, fixture: fixture, client: client)
                .last!.cursor
            let first = try await pages(SyncAPI.decisions, ReviewDecision.self, limit: 10, station: fixture.northStation, fixture: fixture, client: client)
            let decisions = first.flatMap(\.items)
            #expect(decisions.map(\.sessionId) == [uploads[0].id])
            #expect(decisions.first?.review == .rejected)
            #expect(decisions.first?.reason == "hair covers the eyebrows")
            #expect(decisions.first?.retakeOwed == true)

            try await fixture.store.decide(session: uploads[1].id, accept: true, reason: nil, at: fixture.now)
            let next = try await pages(SyncAPI.decisions, ReviewDecision.self, from: first.last!.cursor, limit: 10,
                                       station: fixture.northStation, fixture: fixture, client: client)
            #expect(next.flatMap(\.items).map(\.sessionId) == [uploads[1].id])
            #expect(next.flatMap(\.items).first?.review == .accepted)

            let south = try await pages(SyncAPI.decisions, ReviewDecision.self, limit: 10, station: fixture.southStation, fixture: fixture, client: client)
            #expect(south.flatMap(\.items).isEmpty)

            // Both students changed after the roster cursor: N0001 owes a retake, N0002 is accepted.
            let changed = try await pages(SyncAPI.roster, RosterStudent.self, from: rosterCursor, limit: 10,
                                          station: fixture.northStation, fixture: fixture, client: client).flatMap(\.items)
            #expect(changed.map(\.studentNumber) == ["N0002"])
            let n1 = try #require(try await fixture.store.student(number: "N0001"))
            #expect(n1.review == .rejected && n1.retakeOwed && n1.rejectionReason == "hair covers the eyebrows")
            #expect(changed.first?.review == .accepted && changed.first?.retakeOwed == false)
        }
        #expect(try await fixture.store.recordsAwaitingReview(limit: 10).isEmpty)
    }
}
