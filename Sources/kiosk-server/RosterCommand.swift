import ArgumentParser
import CentralStore
import Foundation

struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Load the students the stations serve.",
        subcommands: [Import.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import students from a CSV file: all of it, or nothing when a row is wrong.",
            discussion: """
                The columns are the station's (kiosk roster import --help): student_number 学号, school 学校, batch 批次, \
                name 姓名, id_tail 身份证后四位, and optionally review_status 审核状态, rejection_reason 驳回原因, \
                retake_owed 免费重拍. The server keeps the full name and the ID tail; stations download the masked name. \
                A changed student reaches the stations with their next roster download. \
                Exit status: 0 imported; 1 the file was refused (the message lists the lines to fix); 2 the data folder \
                or database cannot be used.
                """
        )

        @Argument(help: "The roster file (CSV, UTF-8).")
        var file: String

        @OptionGroup var storeOption: StoreOption

        func run() async throws {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw CommandFailure(status: 1, "\(file) cannot be read as UTF-8 text; give the roster's CSV file, saved as \"CSV UTF-8\"")
            }
            try await storeOption.withStore { store in
                do throws(CentralStoreError) {
                    let summary = try await store.importRoster(csv: text)
                    print("\(file): \(summary.added) students added, \(summary.updated) updated, \(summary.unchanged) unchanged")
                } catch {
                    throw error.commandFailure
                }
            }
        }
    }
}
