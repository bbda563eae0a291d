import CentralStore
import Crypto
import FileOutput
import Foundation
import Roster
import SyncWire
import ZIPFoundation

/// A school's batch for the registration upload: the accepted photos named
/// `<student number>.jpg` (as the station's `kiosk export` names them) and `manifest.csv`
/// with every file's SHA-256, in one ZIP. Every photo is checked against its hash on the way.
public enum ReviewExport {
    public static let manifestName = RegistrationUpload.manifestName

    /// The ZIP's bytes and how many photos it holds.
    public static func archive(school: String, batch: String, store: any CentralStore) async throws(CentralStoreError) -> (zip: Data, photos: Int) {
        let records = try await store.acceptedRecords(school: school, batch: batch)
        guard !records.isEmpty else {
            let known = try await store.schoolBatches().map { "\($0.school) / \($0.batch)" }
            throw .notFound("batch \(batch) of \(school) has no accepted photo yet"
                + (known.isEmpty ? "; the roster is empty" : " (the roster's batches: \(known.joined(separator: ", ")))"))
        }
        var files: [(name: String, bytes: Data, date: Date)] = []
        var entries: [RegistrationUpload.Entry] = []
        for record in records {
            let upload = record.upload
            guard let spec = upload.photos.first(where: { $0.kind == "spec" }) else {
                throw .unavailable("the session \(upload.id.uuidString.lowercased()) of student \(upload.studentNumber) names no spec photo")
            }
            guard let bytes = try await store.photo(sha256: spec.sha256.lowercased()),
                  SHA256.hash(data: bytes).hexString == spec.sha256.lowercased() else {
                throw .unavailable("the photo of student \(upload.studentNumber) (\(spec.sha256)) is missing or damaged in the blob folder: "
                    + "nothing was exported; have the station send it again or reject the session")
            }
            files.append((RegistrationUpload.fileName(studentNumber: upload.studentNumber), bytes, upload.acceptedAt))
            entries.append(RegistrationUpload.Entry(studentNumber: upload.studentNumber, school: record.school, batch: batch,
                                                    sha256: spec.sha256.lowercased(), bytes: bytes.count, receiptCode: upload.receiptCode,
                                                    acceptedAt: upload.acceptedAt, collectionCode: upload.collectionCode))
        }
        // Dated by the sessions, not the clock: the same batch gives the same bytes.
        files.append((manifestName, Data(RegistrationUpload.manifest(entries).utf8), files.map(\.date).max() ?? Date()))
        do {
            let archive = try Archive(accessMode: .create)
            for file in files {
                let bytes = file.bytes
                // Stored, not deflated: JPEG does not shrink, and any unzip reads it.
                try archive.addEntry(with: file.name, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: file.date,
                                     compressionMethod: .none) { position, size in
                    bytes.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let zip = archive.data else { throw CentralStoreError.unavailable("the ZIP was not made in memory") }
            return (zip, records.count)
        } catch let error as CentralStoreError {
            throw error
        } catch {
            throw .unavailable("the ZIP cannot be made: \(error)")
        }
    }

    /// Writes the batch's ZIP to `path` all or nothing (a temporary file, synced, renamed).
    public static func write(school: String, batch: String, store: any CentralStore, to path: String) async throws(CentralStoreError) -> Int {
        let (zip, photos) = try await archive(school: school, batch: batch, store: store)
        do {
            try AtomicFile.write(zip, to: NamedPath(path, name: "the export"))
        } catch {
            throw .unavailable("\(error)")
        }
        return photos
    }
}
