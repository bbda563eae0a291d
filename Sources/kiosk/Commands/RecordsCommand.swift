import ArgumentParser
import Foundation
import IdentityCheck
import StationStore

struct RecordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "List or show the sessions saved on this station (names masked, no ID data).",
        subcommands: [List.self, Show.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per saved session: receipt, time, student, fee, what the server has, review.",
            discussion: "Exit status: 0 listed (also when there is none); 2 the store cannot be opened (the message says why)."
        )

        @OptionGroup var storeOption: StoreOption

        func run() throws {
            let store = try storeOption.openExisting()
            let records: [SessionRecord]
            do { records = try store.records() } catch { throw storeFailure(error) }
            for record in records { print(RecordText.line(record)) }
            print("\(records.count) sessions in \(store.folder)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Everything the station keeps of the sessions with a receipt code or of a student number.",
            discussion: """
                The name is shown masked and the image-collection code only by its length; no ID data is kept to show. \
                Exit status: 0 shown; 1 no session has this receipt code or student number; 2 the store cannot be opened.
                """
        )

        @Argument(help: "A receipt code (K7QM-3XPA, the dash optional) or a student number.")
        var receiptOrStudent: String

        @OptionGroup var storeOption: StoreOption

        func run() throws {
            let store = try storeOption.openExisting()
            let records: [SessionRecord]
            do { records = try store.records(matching: receiptOrStudent) } catch { throw storeFailure(error) }
            guard !records.isEmpty else {
                throw CommandFailure(status: 1, "no session has the receipt code or student number \(receiptOrStudent); "
                    + "kiosk records list shows them all")
            }
            print(records.map(RecordText.details).joined(separator: "\n\n"))
        }
    }
}

/// How the record commands write a session.
enum RecordText {
    static func line(_ record: SessionRecord) -> String {
        [record.receiptCode, time(record.acceptedAt), record.studentNumber, record.maskedName, record.batch,
         "\(record.feeYuan) yuan", sent(record), review(record), record.identityCheck.map { "face \($0.verdict.rawValue)" } ?? "",
         record.photos.contains { $0.problem != nil } ? "FILE PROBLEM" : ""]
            .filter { !$0.isEmpty }.joined(separator: "  ")
    }

    static func details(_ record: SessionRecord) -> String {
        var lines = [
            "receipt \(record.receiptCode)",
            "student \(record.studentNumber) \(record.maskedName), \(record.school), batch \(record.batch)",
            "started \(time(record.startedAt)), accepted \(time(record.acceptedAt))",
            "image-collection code: \(record.collectionCodeBytes) bytes (kept verbatim, not shown)",
            "fee \(record.feeYuan) yuan (\(record.feeBasis)), paid by \(record.paymentMethod) at \(time(record.paidAt)), "
                + "confirmed by \(record.confirmedBy)",
        ]
        if let check = record.identityCheck { lines.append("identity check: \(check.message)") }
        for photo in record.photos {
            var text = "\(photo.kind) photo: \(photo.hash)"
            if let problem = photo.problem { text += ", \(problem.uppercased()) (start-up repair)" }
            if let removed = photo.removedAt { text += ", purged \(time(removed))" }
            if let keepUntil = photo.keepUntil, photo.removedAt == nil { text += ", kept until \(time(keepUntil))" }
            lines.append(text)
        }
        lines.append("server: \(sent(record))")
        lines.append("review: \(review(record))\(record.retakeOwed ? ", free retake owed" : "")")
        return lines.joined(separator: "\n")
    }

    private static func sent(_ record: SessionRecord) -> String {
        switch (record.photoSentAt, record.recordSentAt) {
        case let (_, recordSent?): "confirmed \(time(recordSent))"
        case (.some, nil): "photo sent, record waiting"
        case (nil, nil): "waiting to be sent"
        }
    }

    private static func review(_ record: SessionRecord) -> String {
        switch record.review {
        case .notReviewed: "not reviewed"
        case .accepted: "accepted"
        case let .rejected(reason): "rejected: \(reason)"
        }
    }

    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}
