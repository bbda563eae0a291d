import ArgumentParser
import Roster
import StationStore

struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Load the students this station may serve.",
        subcommands: [Import.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import the roster from a CSV file: all of it, or nothing when a row is wrong.",
            discussion: """
                The first line names the columns, in English or Chinese, in any order: student_number 学号, school 学校, \
                batch 批次, name 姓名, id_tail 身份证后四位, and optionally review_status 审核状态 (not-reviewed, \
                accepted, rejected), rejection_reason 驳回原因, retake_owed 免费重拍 (yes/no). Save it as "CSV UTF-8". \
                Only the masked name (张*明) and a salted hash of the ID tail are kept. Students already known are \
                updated. Every bad row is listed with its line number and nothing is imported; the file is checked \
                before the store is opened, so a bad file never makes or changes a store. \
                Exit status: 0 imported; 1 the file was refused (the message lists the lines to fix); 2 the store \
                cannot be opened or written (the message says why).
                """
        )

        @Argument(help: "The roster file (CSV, UTF-8).")
        var file: String

        @OptionGroup var storeOption: StoreOption

        func run() throws {
            let text: String
            do {
                text = try StationStore.rosterText(fileAt: file)
                _ = try RosterCSV.parse(text, key: .random())
            } catch {
                throw CommandFailure(status: 1, "\(StoreError(folder: try storeOption.settings.folder, .roster(error)))")
            }
            let store = try storeOption.open()
            do {
                let summary = try store.importRoster(text: text)
                print("\(file): \(summary.added) students added, \(summary.updated) updated, in \(store.folder)")
            } catch {
                throw CommandFailure(status: { if case .roster = error.reason { 1 } else { 2 } }(), "\(error)")
            }
        }
    }
}
