import ArgumentParser
import StationStore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a batch's accepted photos to a folder, named by student number, with a checksummed manifest.",
        discussion: """
            For when no network ever comes: the newest accepted photo of each student of the batch as \
            <student number>.jpg, as the registration upload expects, and manifest.csv (file, student number, \
            school, batch, SHA-256, bytes, receipt, time, image-collection code). A student rejected at review, \
            a file start-up repair flagged and a purged copy are listed as skipped. Every photo is checked against \
            its SHA-256 and the folder appears whole or not at all (written beside it, then renamed); a folder that \
            already has files is refused unless --overwrite (then same-named files are replaced, the manifest last). \
            Exit status: 0 exported; 1 the batch is unknown or has no photo to export; 2 the store or the folder \
            cannot be used (the message says why).
            """
    )

    @Option(help: "The batch, as the roster names it (e.g. 2024).")
    var batch: String

    @Argument(help: "The folder to write (new or empty).")
    var folder: String

    @Flag(help: "Write into a folder that already has files, replacing files of the same name.")
    var overwrite = false

    @OptionGroup var storeOption: StoreOption

    func run() throws {
        do {
            try BatchExport.checkTarget(folder, overwrite: overwrite)
        } catch {
            throw CommandFailure(status: 2, "\(error)")
        }
        let store = try storeOption.openExisting()
        let selection: BatchSelection
        do { selection = try store.acceptedPhotos(batch: batch) } catch { throw storeFailure(error) }
        guard selection.knownBatches.contains(batch) else {
            throw CommandFailure(status: 1, "the roster has no batch \(batch); its batches are "
                + (selection.knownBatches.isEmpty ? "none (import the roster first)" : selection.knownBatches.joined(separator: ", ")))
        }
        for skipped in selection.skipped { print("skipped \(skipped.studentNumber): \(skipped.reason)") }
        guard !selection.photos.isEmpty else {
            throw CommandFailure(status: 1, "batch \(batch) has no accepted photo to export; nothing was written")
        }
        do {
            try BatchExport.write(selection, to: folder, overwrite: overwrite)
        } catch {
            throw CommandFailure(status: 2, "\(error)")
        }
        print("\(folder): \(selection.photos.count) photos of batch \(batch) and \(BatchExport.manifestName)")
    }
}
