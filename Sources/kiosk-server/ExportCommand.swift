import ArgumentParser
import CentralServer
import CentralStore
import Foundation

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a school's batch of accepted photos to a ZIP for the registration upload.",
        discussion: """
            The ZIP holds <student number>.jpg for each student of the batch whose current review is an acceptance \
            (the photo of the accepted session), and manifest.csv (file, student number, school, batch, SHA-256, bytes, \
            receipt code, accepted at, collection code). Every photo is checked against its SHA-256 first; the file \
            is written all or nothing (a temporary file renamed), replacing OUT.zip when it exists. The review page \
            offers the same ZIP at /review/export?school=S&batch=B. \
            Exit status: 0 written; 1 no accepted photo in that batch; 2 the data folder or database, a photo or \
            OUT.zip cannot be used (nothing was written).
            """
    )

    @Option(help: "The school, as the roster names it.")
    var school: String

    @Option(help: "The batch, as the roster names it.")
    var batch: String

    @OptionGroup var storeOption: StoreOption

    @Argument(help: ArgumentHelp("The ZIP file to write.", valueName: "OUT.zip"))
    var output: String

    func run() async throws {
        try await storeOption.withStore { store in
            do throws(CentralStoreError) {
                let photos = try await ReviewExport.write(school: school, batch: batch, store: store, to: output)
                print("\(output): \(photos) photos of \(school) / \(batch) and \(ReviewExport.manifestName)")
            } catch {
                throw error.commandFailure
            }
        }
    }
}
