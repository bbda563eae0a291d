import ArgumentParser
import Foundation
import StationStore

struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Remove the station's copies of photos the server has confirmed, once their retention has passed.",
        discussion: """
            Only sessions whose record the server has confirmed are touched: the photo once \
            store.confirmedPhotoRetentionDays (default 30) have passed since the server confirmed it, the full-resolution \
            source frame once its retention (store.sourceFrameRetentionDays, default 90) has passed. The records stay; \
            only the files go. Without --delete nothing is removed: the command lists what would go (a dry run, the \
            default, so that a purge is always a decision). \
            Exit status: 0 listed or removed (also when nothing is due); 2 the store cannot be opened or written.
            """
    )

    @Flag(name: .customLong("dry-run"), help: "List what would be removed, remove nothing (the default).")
    var dryRun = false

    @Flag(help: "Remove the files listed.")
    var delete = false

    @OptionGroup var storeOption: StoreOption

    func validate() throws {
        if dryRun && delete { throw ValidationError("--dry-run and --delete exclude each other: give one") }
    }

    func run() throws {
        let store = try storeOption.openExisting()
        let now = Date()
        let candidates: [PurgeCandidate]
        do { candidates = try store.purgeCandidates(at: now) } catch { throw storeFailure(error) }
        let removing = delete
        print(removing ? "purge: removing the copies below" : "purge: dry run (the default; --delete removes them), nothing removed")
        for candidate in candidates {
            print("\(removing ? "remove" : "would remove") \(candidate.kind) photo of \(candidate.receiptCode) "
                + "(student \(candidate.studentNumber)), confirmed \(RecordText.time(candidate.confirmedAt)), "
                + "kept until \(RecordText.time(candidate.retainedUntil)): \(candidate.hash)")
        }
        guard removing else {
            print("\(candidates.count) files due in \(store.folder)")
            return
        }
        do {
            let removed = try store.purge(candidates, at: now)
            for path in removed { print("removed \(path)") }
            print("\(removed.count) files removed, \(candidates.count) records marked purged in \(store.folder)")
        } catch {
            throw storeFailure(error)
        }
    }
}
