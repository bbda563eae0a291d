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
            discussion: "Exit status: 0 listed; 2 the data folder or database cannot be used."
        )

        @OptionGroup var storeOption: StoreOption

        @Option(help: "At most this many.")
        var limit = 100

        func run() async throws {
            let records = try await storeOption.withStore { store in
                do throws(CentralStoreError) {
                    return try await store.recordsAwaitingReview(limit: limit)
                } catch {
                    throw error.commandFailure
                }
            }
            for record in records {
                let upload = record.upload
                let identity = upload.identityCheck.map { check in
                    check.verdict + (check.distance.map { String(format: " (distance %.3f)", $0) } ?? "")
                } ?? "no identity check"
                print("\(upload.id.uuidString.lowercased())  student \(upload.studentNumber)  station \(record.stationId)  \(identity)")
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
