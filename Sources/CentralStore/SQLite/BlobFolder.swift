import FileOutput
import Foundation

/// Photos as files named by their SHA-256 under `blobs/ab/abcdef….jpg` (the first two hex
/// digits as a folder, so that no folder grows past 256 × a few thousand names).
struct BlobFolder: Sendable {
    let root: String

    func path(_ sha256: String) -> String {
        "\(root)/\(sha256.prefix(2))/\(sha256).jpg"
    }

    /// Writes the bytes all or nothing (AtomicFile: a temporary file, synced, renamed).
    func write(_ bytes: Data, sha256: String) throws(CentralStoreError) {
        do {
            try OutputPaths.createFolder(NamedPath("\(root)/\(sha256.prefix(2))"))
            try AtomicFile.write(bytes, to: NamedPath(path(sha256)))
        } catch {
            throw CentralStoreError(error)
        }
    }

    func read(_ sha256: String) throws(CentralStoreError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path(sha256)))
        } catch {
            throw .unavailable("the photo \(sha256) is recorded but its file \(path(sha256)) cannot be read: \(error)")
        }
    }
}
