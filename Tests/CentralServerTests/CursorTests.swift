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

    @Test("the roster in pages of two, then only what changed after the cursor", arguments: BackEnd.underTest)
    func rosterPages(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
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
    }

    @Test("decisions after the cursor, for the station's school only; a rejection owes a retake in the roster", arguments: BackEnd.underTest)
    func decisionPages(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
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

    @Test("uploads for many students at once: a station following the roster cursor meanwhile sees each student's change once, none skipped",
          arguments: BackEnd.underTest)
    func concurrentChanges(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let numbers = (1...40).map { "C\(1000 + $0)" }
            _ = try await fixture.store.importRoster(csv: "student_number,school,batch,name,id_tail\n"
                + numbers.map { "\($0),\(ServerFixture.north),2025,张三明,1234" }.joined(separator: "\n") + "\n")
            let photo = PhotoBytes(40)
            _ = try await fixture.store.acceptPhoto(sha256: photo.sha256, bytes: photo.bytes, at: fixture.now)
            let start = try await fixture.store.rosterChanges(school: ServerFixture.north, after: 0, limit: 1000).cursor
            let store = fixture.store
            let station = fixture.northStation
            let now = fixture.now
            let finished = Flag()
            let uploads = Task {
                defer { Task { await finished.set() } }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for number in numbers {
                        group.addTask { _ = try await store.acceptRecord(sessionUpload(student: number, photo: photo), from: station, at: now) }
                    }
                    try await group.waitForAll()
                }
            }
            // A change number taken by one upload and committed after a later one's would be
            // behind the cursor by the time it shows: that student would never be seen.
            var seen: [String] = []
            var cursor = start
            while true {
                // Read before the page: a page asked for after the uploads ended shows them all.
                let over = await finished.isSet
                let page = try await store.rosterChanges(school: ServerFixture.north, after: cursor, limit: 5)
                #expect(page.cursor >= cursor)
                seen += page.items.map(\.studentNumber)
                cursor = page.cursor
                if over && !page.more { break }
                if !page.more { try await Task.sleep(for: .milliseconds(2)) }
            }
            try await uploads.value
            #expect(seen.sorted() == numbers)
        }
    }
}

/// Set once, read from other tasks.
private actor Flag {
    private(set) var isSet = false
    func set() { isSet = true }
}
