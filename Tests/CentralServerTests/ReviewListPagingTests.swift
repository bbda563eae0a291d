import CentralStore
import Foundation
import KioskProgram
import SyncWire
import Testing

@Suite("Paging through the sessions awaiting review (store and kiosk-server review list --limit --after)")
struct ReviewListPagingTests {
    static let program = ServerProgram.path

    /// Three sessions of the North station awaiting review; their ids in the list's order.
    func threeSessions(_ fixture: ServerFixture) async throws -> [UUID] {
        try await fixture.withClient { client in
            for (seed, student) in ["N0001", "N0002", "N0003"].enumerated() {
                try await fixture.uploadSession(student: student, seed: UInt8(seed + 1), client)
            }
        }
        return try await fixture.store.recordsAwaitingReview(limit: 10).map(\.upload.id)
    }

    @Test("pages follow the list's order; a session decided meanwhile neither repeats nor skips one; an unknown start is empty",
          arguments: BackEnd.underTest)
    func pages(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let all = try await threeSessions(fixture)
            #expect(all.count == 3)
            let first = try await fixture.store.recordsAwaitingReview(after: nil, limit: 2).map(\.upload.id)
            #expect(first == Array(all.prefix(2)))
            _ = try await fixture.store.decide(session: all[0], accept: true, reason: nil, at: fixture.now)
            #expect(try await fixture.store.recordsAwaitingReview(after: all[0], limit: 2).map(\.upload.id) == Array(all.suffix(2)))
            #expect(try await fixture.store.recordsAwaitingReview(after: all[1], limit: 2).map(\.upload.id) == [all[2]])
            #expect(try await fixture.store.recordsAwaitingReview(after: UUID(), limit: 2).isEmpty)
        }
    }

    @Test("review list --limit prints one page and --after the next; a start that names no session exits 1, a bad limit 64",
          arguments: BackEnd.underTest)
    func command(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let all = try await threeSessions(fixture).map { $0.uuidString.lowercased() }
            let store = try fixture.programStoreOptions()
            func ids(_ arguments: [String]) throws -> [String] {
                try KioskProgram.output(of: Self.program, ["review", "list"] + arguments + store)
                    .split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
            }
            #expect(try ids(["--limit", "2"]) == Array(all.prefix(2)))
            #expect(try ids(["--limit", "2", "--after", all[1]]) == [all[2]])
            #expect(try ids(["--after", all[2]]).isEmpty)
            #expect {
                try KioskProgram.output(of: Self.program, ["review", "list", "--after", UUID().uuidString] + store)
            } throws: { "\($0)".contains("status 1") && "\($0)".contains("names no session") }
            #expect {
                try KioskProgram.output(of: Self.program, ["review", "list", "--limit", "0"] + store)
            } throws: { "\($0)".contains("status 64") && "\($0)".contains("--limit 0") }
        }
    }
}
