import ArgumentParser
import CentralStore
import Foundation

struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "The reviewer's decisions on uploaded sessions.",
        subcommands: [List.self, Accept.self, Reject.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the sessions awaiting review, oldest first: id, student, station, identity check.",
            discussion: """
                A page of --limit sessions; when more wait, standard error says so with the command for the next page \
                (--after the last session listed). Sessions decided while paging drop out without shifting the pages. \
                Exit status: 0 listed; 1 --after names no session; 2 the data folder or database cannot be used.
                """
        )

        @OptionGroup var storeOption: StoreOption

        @Option(help: "At most this many (1 to \(Self.largestPage)).")
        var limit = 100

        @Option(help: ArgumentHelp("Start after this session (the last id of the previous page).", valueName: "session"))
        var after: String?

        static let largestPage = 10_000

        func validate() throws {
            guard (1...Self.largestPage).contains(limit) else {
                throw ValidationError("--limit \(limit) is not a page size; give 1 to \(Self.largestPage)")
            }
            if let after, UUID(uuidString: after) == nil {
                throw ValidationError("--after \(after) is not a session id (a UUID); give the last id of the previous page")
            }
        }

        func run() async throws {
            let after = after.flatMap(UUID.init(uuidString:))
            let limit = limit
            // nil: `after` names no session.
            let page: [StoredRecord]? = try await storeOption.withStore { store in
                do throws(CentralStoreError) {
                    if let after, try await store.record(id: after) == nil { return nil }
                    // One more than asked says whether another page follows.
                    return try await store.recordsAwaitingReview(after: after, limit: limit + 1)
                } catch {
                    throw error.commandFailure
                }
            }
            guard let records = page else {
                throw CommandFailure(status: 1, "--after \(self.after ?? "") names no session; give an id that `kiosk-server review list` printed")
            }
            for record in records.prefix(limit) {
                let upload = record.upload
                let identity = upload.identityCheck.map { check in
                    check.verdict + (check.distance.map { String(format: " (distance %.3f)", $0) } ?? "")
                } ?? "no identity check"
                print("\(upload.id.uuidString.lowercased())  student \(upload.studentNumber)  station \(record.stationId)  \(identity)")
            }
            if records.count > limit, let last = records.prefix(limit).last {
                let next = "kiosk-server review list --limit \(limit) --after \(last.upload.id.uuidString.lowercased())"
                FileHandle.standardError.write(Data("more sessions await review: \(next)\n".utf8))
            }
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept a session's photo.",
            discussion: "Exit status: 0 recorded; 1 no such session; 2 the data folder or database cannot be used."
        )

        @Argument(help: "The session's id (a UUID, from review list).")
        var session: String

        @OptionGroup var storeOption: StoreOption

        func run() async throws {
            try await ReviewCommand.decide(session, accept: true, reason: nil, storeOption)
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject a session's photo with the reason the student reads; their next retake is free at every station.",
            discussion: "Exit status: 0 recorded; 1 no such session, or no reason; 2 the data folder or database cannot be used."
        )

        @Argument(help: "The session's id (a UUID, from review list).")
        var session: String

        @Option(help: "Why, in words the student understands.")
        var reason: String?

        @OptionGroup var storeOption: StoreOption

        func run() async throws {
            try await ReviewCommand.decide(session, accept: false, reason: reason, storeOption)
        }
    }

    static func decide(_ session: String, accept: Bool, reason: String?, _ storeOption: StoreOption) async throws {
        guard let id = UUID(uuidString: session) else {
            throw CommandFailure(status: 1, "\(session) is not a session id (a UUID); kiosk-server review list shows them")
        }
        try await storeOption.withStore { store in
            do throws(CentralStoreError) {
                let decision = try await store.decide(session: id, accept: accept, reason: reason, at: Date())
                print("session \(id.uuidString.lowercased()) of student \(decision.studentNumber): \(decision.review.rawValue)"
                    + (decision.retakeOwed ? ", next retake free" : ""))
            } catch {
                throw error.commandFailure
            }
        }
    }
}
