import CentralServer
import CentralStore
import Foundation
import Hummingbird
import HummingbirdTesting
import SyncWire
import Testing

@Suite("The reviewers' pages: the list, decisions by form, sign-in and the form token")
struct ReviewPageTests {
    @Test("the list shows an uploaded session: student, masked name, photo, report verdict and clauses, identity check", arguments: BackEnd.underTest)
    func listsSession(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            _ = try await fixture.addReviewer()
            try await fixture.withClient { client in
                let upload = try await fixture.uploadSession(student: "N0003", seed: 11, client)
                let page = try await fixture.page(client)
                #expect(page.status == .ok)
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                let html = page.text
                let id = upload.id.uuidString.lowercased()
                #expect(html.contains("id=\"session-\(id)\""))
                #expect(html.contains("欧阳*华 · N0003"))
                #expect(!html.contains("欧阳春华"), "the full name stays on the server")
                #expect(html.contains("<dd>North High</dd>") && html.contains("<dd>2025</dd>"))
                #expect(html.contains("<span class=\"verdict fail\">fail</span> 头顶距上边 top of head to the top edge (31 px, 限 limit 7–21 px) — 请坐低一点 / sit a little lower"))
                #expect(html.contains("<span class=\"verdict warn\">warn</span> 背景均匀 even backdrop"))
                #expect(!html.contains("双眼睁开"), "a passed clause is not listed")
                #expect(html.contains("<span class=\"verdict match\">match</span> 距离 distance 0.412, 阈值 threshold 0.600"))
                let photoPath = "/review/photos/\(upload.photos[0].sha256)"
                #expect(html.contains("<img src=\"\(photoPath)\""))
                let photo = try await fixture.page(client, photoPath)
                #expect(photo.status == .ok)
                #expect(photo.headers[.contentType] == "image/jpeg")
                #expect(Data(buffer: photo.body) == PhotoBytes(11).bytes)
            }
        }
    }

    @Test("accept by form: 303 to the list, gone from it, accepted in the store and the decisions feed", arguments: BackEnd.underTest)
    func acceptByForm(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let reviewer = try await fixture.addReviewer()
            try await fixture.withClient { client in
                let upload = try await fixture.uploadSession(student: "N0001", seed: 12, client)
                let token = reviewer.formToken(session: upload.id)
                #expect(try await fixture.page(client).text.contains("name=\"csrf\" value=\"\(token)\""))
                let answer = try await fixture.postDecision(upload.id, accept: true, fields: ["csrf": token], client)
                #expect(answer.status == .seeOther)
                #expect(answer.headers[.location] == "/review")
                #expect(!(try await fixture.page(client).text.contains(upload.id.uuidString.lowercased())))
                let decisions = try await fixture.northDecisions(client)
                #expect(decisions.map(\.sessionId) == [upload.id])
                #expect(decisions.first?.review == .accepted && decisions.first?.retakeOwed == false)
            }
            #expect(try await fixture.store.recordsAwaitingReview(limit: 10).isEmpty)
            #expect(try await fixture.store.student(number: "N0001")?.review == .accepted)
        }
    }

    @Test("reject by form with a reason: the retake owed reaches the station's decisions and roster", arguments: BackEnd.underTest)
    func rejectByForm(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let reviewer = try await fixture.addReviewer()
            try await fixture.withClient { client in
                let upload = try await fixture.uploadSession(student: "N0002", seed: 13, client)
                let reason = "头发遮住眉毛 hair covers the eyebrows & ears"
                let answer = try await fixture.postDecision(upload.id, accept: false, fields: ["csrf": reviewer.formToken(session: upload.id), "reason": reason], client)
                #expect(answer.status == .seeOther)
                let decision = try #require(try await fixture.northDecisions(client).first)
                #expect(decision.sessionId == upload.id && decision.review == .rejected)
                #expect(decision.reason == reason && decision.retakeOwed)
                let row = try #require(try await fixture.northRoster("N0002", client))
                #expect(row.review == .rejected && row.retakeOwed && row.rejectionReason == reason)
            }
        }
    }

    @Test("a rejection without a reason is refused with a page that says so, nothing decided", arguments: BackEnd.underTest)
    func rejectWithoutReason(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let reviewer = try await fixture.addReviewer()
            try await fixture.withClient { client in
                let upload = try await fixture.uploadSession(student: "N0002", seed: 14, client)
                let answer = try await fixture.postDecision(upload.id, accept: false, fields: ["csrf": reviewer.formToken(session: upload.id), "reason": "  "], client)
                #expect(answer.status == .badRequest)
                #expect(answer.text.contains("a rejection needs a reason"))
                #expect(try await fixture.northDecisions(client).isEmpty)
            }
            #expect(try await fixture.store.recordsAwaitingReview(limit: 10).count == 1)
        }
    }

    @Test("no password, a wrong one or an unknown reviewer: 401 asking for Basic auth, on the list, a photo and a decision", arguments: BackEnd.underTest)
    func wrongPassword(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let reviewer = try await fixture.addReviewer()
            try await fixture.withClient { client in
                let upload = try await fixture.uploadSession(student: "N0001", seed: 15, client)
                let wrong: [HTTPFields] = [[:], ServerFixture.basicAuth(ServerFixture.reviewerName, "correct horse battery!"),
                                           ServerFixture.basicAuth("zhang.san", ServerFixture.reviewerPassword), [.authorization: "Basic !!!"]]
                for auth in wrong {
                    let list = try await fixture.page(client, auth: auth)
                    #expect(list.status == .unauthorized)
                    #expect(list.headers[.wwwAuthenticate]?.hasPrefix("Basic realm=") == true)
                    #expect(!list.text.contains(upload.id.uuidString.lowercased()))
                    #expect(try await fixture.page(client, "/review/photos/\(upload.photos[0].sha256)", auth: auth).status == .unauthorized)
                    let post = try await fixture.postDecision(upload.id, accept: true, fields: ["csrf": reviewer.formToken(session: upload.id)], client, auth: auth)
                    #expect(post.status == .unauthorized)
                }
                #expect(try await fixture.northDecisions(client).isEmpty)
            }
        }
    }

    @Test("a POST without the form's token, or with another session's or reviewer's, is refused (403) and decides nothing", arguments: BackEnd.underTest)
    func formToken(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let reviewer = try await fixture.addReviewer()
            let other = try await fixture.store.addReviewer(name: "wang.fang", password: "another long password", at: fixture.now)
            try await fixture.withClient { client in
                let upload = try await fixture.uploadSession(student: "N0001", seed: 16, client)
                let forged: [[String: String]] = [[:], ["csrf": ""], ["csrf": reviewer.formToken(session: UUID())],
                                                  ["csrf": other.formToken(session: upload.id)]]
                for fields in forged {
                    let answer = try await fixture.postDecision(upload.id, accept: false, fields: fields.merging(["reason": "blurred"]) { a, _ in a }, client)
                    #expect(answer.status == .forbidden)
                    #expect(answer.text.contains("reload the review list"))
                }
                #expect(try await fixture.northDecisions(client).isEmpty)
            }
            #expect(try await fixture.store.recordsAwaitingReview(limit: 10).count == 1)
        }
    }

    @Test("reviewer add: a short password or a name with a colon is refused; the password is kept hashed and checked")
    func reviewerRules() async throws {
        try await ServerFixture.with(.sqlite) { fixture in
            await #expect(throws: CentralStoreError.self) { try await fixture.store.addReviewer(name: "li.wei", password: "short", at: fixture.now) }
            await #expect(throws: CentralStoreError.self) { try await fixture.store.addReviewer(name: "li:wei", password: "long enough password", at: fixture.now) }
            let kept = try await fixture.addReviewer()
            #expect(!kept.password.description.contains(ServerFixture.reviewerPassword))
            #expect(try await fixture.store.reviewer(name: ServerFixture.reviewerName, password: ServerFixture.reviewerPassword) != nil)
            #expect(try await fixture.store.reviewer(name: ServerFixture.reviewerName, password: "correct horse batterY") == nil)
            _ = try await fixture.store.addReviewer(name: ServerFixture.reviewerName, password: "a new long password", at: fixture.now)
            #expect(try await fixture.store.reviewer(name: ServerFixture.reviewerName, password: ServerFixture.reviewerPassword) == nil)
            #expect(try await fixture.store.reviewer(name: ServerFixture.reviewerName, password: "a new long password") != nil)
        }
    }
}
