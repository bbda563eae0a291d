import FileOutput
import Foundation

/// Photos as files named by their SHA-256 under `blobs/ab/abcdef….jpg` (the first two hex
/// digits as a folder, so that no folder grows past 256 × a few thousand names).
struct BlobFolder: Sendable {
    let root: String

    func path(_ sha256: String) -> String {
        "\(root)/\(sha256.prefix(2))/\(sha256).jpg"
    }

    /// Writes the bytes all or nothing (AtomicFile: a temporary file, synced, renamed), and
    /// returns once they are on the disk. The blocking writes and syncs run on threads of
    /// their own (`writers`), so that they never hold up the server's few async threads and
    /// several photos' syncs wait on the disk at once.
    func write(_ bytes: Data, sha256: String) async throws(CentralStoreError) {
        let folder = "\(root)/\(sha256.prefix(2))"
        let target = path(sha256)
        let outcome: Result<Void, CentralStoreError> = await withCheckedContinuation { done in
            Self.writers[(Int(sha256.prefix(1), radix: 16) ?? 0) % Self.writers.count].async {
                do throws(FileOutputError) {
                    try OutputPaths.createFolder(NamedPath(folder))
                    try AtomicFile.write(bytes, to: NamedPath(target))
                    done.resume(returning: .success(()))
                } catch {
                    done.resume(returning: .failure(CentralStoreError(error)))
                }
            }
        }
        try outcome.get()
    }

    /// Serial queues, each with a thread of its own, that write the photos: a photo goes to
    /// the one its hash's first digit names.
    private static let writers = (0..<8).map { DispatchQueue(label: "kiosk-server.blob-writer-\($0)") }

    func read(_ sha256: String) throws(CentralStoreError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path(sha256)))
        } catch {
            throw .unavailable("the photo \(sha256) is recorded but its file \(path(sha256)) cannot be read: \(error)")
        }
    }
}
