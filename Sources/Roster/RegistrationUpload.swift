import Foundation

/// How a batch's photos are named and listed for the registration upload: one rule for the
/// station's `kiosk export` folder and the server's ZIP, so the two never differ.
public enum RegistrationUpload {
    /// The list of files, beside the photos.
    public static let manifestName = "manifest.csv"

    /// A photo's file name: the student number, as the upload expects.
    public static func fileName(studentNumber: String) -> String { "\(studentNumber).jpg" }

    /// One photo's line of the manifest.
    public struct Entry: Sendable, Hashable {
        public var studentNumber: String
        public var school: String
        public var batch: String
        /// Lower-case hex SHA-256 of the file's bytes.
        public var sha256: String
        public var bytes: Int
        public var receiptCode: String
        public var acceptedAt: Date
        /// The image-collection code, verbatim.
        public var collectionCode: String

        public init(studentNumber: String, school: String, batch: String, sha256: String, bytes: Int,
                    receiptCode: String, acceptedAt: Date, collectionCode: String) {
            self.studentNumber = studentNumber
            self.school = school
            self.batch = batch
            self.sha256 = sha256
            self.bytes = bytes
            self.receiptCode = receiptCode
            self.acceptedAt = acceptedAt
            self.collectionCode = collectionCode
        }
    }

    /// The manifest's text (CSV, RFC 4180 line ends): a header, then one line per photo.
    public static func manifest(_ entries: [Entry]) -> String {
        let dates = ISO8601DateFormatter()
        var lines = ["file,student_number,school,batch,sha256,bytes,receipt_code,accepted_at,collection_code"]
        for entry in entries {
            lines.append([fileName(studentNumber: entry.studentNumber), entry.studentNumber, entry.school, entry.batch, entry.sha256,
                          String(entry.bytes), entry.receiptCode, dates.string(from: entry.acceptedAt), entry.collectionCode]
                .map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
