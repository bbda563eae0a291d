#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FileOutput
import Foundation
import Roster

/// A batch's accepted photos written to a folder for when no network ever comes
/// (`kiosk export`): `<student number>.jpg` each, as the registration upload names them,
/// and `manifest.csv` with every file's SHA-256.
///
/// All or nothing: the files are written with `AtomicFile` into a new hidden folder beside
/// the target, every photo checked against its hash on the way, and the folder is renamed
/// to the target only when all are in (the target must be missing or empty). With
/// `overwrite`, into a folder that has files, each file is moved in by its own rename and the
/// manifest last, so a manifest is there only when its photos are.
public enum BatchExport {
    public static let manifestName = RegistrationUpload.manifestName

    /// Why an export did not happen; nothing was left in the target.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case targetNotEmpty(String)
        case targetNotFolder(String)
        /// A station file no longer holds the bytes its record names.
        case damaged(studentNumber: String, path: String)
        case files(FileOutputError)

        public var description: String {
            switch self {
            case let .targetNotEmpty(path):
                "\(path) already has files; give a new or empty folder, or --overwrite to replace same-named files in it"
            case let .targetNotFolder(path): "\(path) is not a folder; give the path of a new or empty folder"
            case let .damaged(number, path):
                "the photo of student \(number) (\(path)) does not match its SHA-256: nothing was exported; "
                    + "restart the station so that start-up repair sets it aside, then export again"
            case let .files(error): "\(error)"
            }
        }
    }

    /// The manifest's text (`RegistrationUpload`'s, as the server's ZIP has it).
    public static func manifest(_ selection: BatchSelection) -> String {
        RegistrationUpload.manifest(selection.photos.map { photo in
            RegistrationUpload.Entry(studentNumber: photo.studentNumber, school: photo.school, batch: selection.batch,
                                     sha256: photo.hash.hex, bytes: Int(photo.hash.size), receiptCode: photo.receiptCode,
                                     acceptedAt: photo.acceptedAt, collectionCode: photo.collectionCode)
        })
    }

    /// The photo's name as the registration upload expects it.
    public static func fileName(_ photo: BatchSelection.Photo) -> String { RegistrationUpload.fileName(studentNumber: photo.studentNumber) }

    /// Checks the target before any work: a missing or empty folder, or any folder with `overwrite`.
    public static func checkTarget(_ target: String, overwrite: Bool) throws(Failure) {
        var info = stat()
        guard stat(target, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .targetNotFolder(target) }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []
        if !entries.isEmpty && !overwrite { throw .targetNotEmpty(target) }
    }

    /// Writes the selection into `target` (see the type's description); returns the paths written.
    @discardableResult
    public static func write(_ selection: BatchSelection, to target: String, overwrite: Bool = false) throws(Failure) -> [String] {
        try checkTarget(target, overwrite: overwrite)
        let parent = (target as NSString).deletingLastPathComponent.isEmpty ? "." : (target as NSString).deletingLastPathComponent
        let staging = "\(parent)/.\((target as NSString).lastPathComponent).export-\(UInt32.random(in: 0...UInt32.max)).tmp"
        guard mkdir(staging, 0o755) == 0 else {
            throw .files(FileOutputError(NamedPath(target), .init(errno: errno, folder: parent)))
        }
        defer { try? FileManager.default.removeItem(atPath: staging) }
        var names: [String] = []
        for photo in selection.photos {
            guard let bytes = FileManager.default.contents(atPath: photo.path), ContentHash(of: Array(bytes)) == photo.hash else {
                throw .damaged(studentNumber: photo.studentNumber, path: photo.path)
            }
            try write(bytes, "\(staging)/\(fileName(photo))", reporting: "\(target)/\(fileName(photo))")
            names.append(fileName(photo))
        }
        try write(Data(manifest(selection).utf8), "\(staging)/\(manifestName)", reporting: "\(target)/\(manifestName)")
        names.append(manifestName)
        // Into a missing or empty folder: one rename (which replaces an empty folder).
        if rename(staging, target) == 0 {
            PhotoFolder.sync(parent)
            return names.map { "\(target)/\($0)" }
        }
        let code = errno
        guard overwrite, code == ENOTEMPTY || code == EEXIST else {
            throw .files(FileOutputError(NamedPath(target), .init(errno: code, folder: parent)))
        }
        for name in names where rename("\(staging)/\(name)", "\(target)/\(name)") != 0 {
            throw .files(FileOutputError(NamedPath("\(target)/\(name)"), .init(errno: errno, folder: target)))
        }
        PhotoFolder.sync(target)
        return names.map { "\(target)/\($0)" }
    }

    private static func write(_ bytes: Data, _ path: String, reporting name: String) throws(Failure) {
        do throws(FileOutputError) {
            try AtomicFile.write(bytes, to: NamedPath(path))
        } catch {
            // Named as the file it becomes: the staging folder is never seen.
            throw .files(FileOutputError(NamedPath(name), error.reason))
        }
    }
}
