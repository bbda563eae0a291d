import Fees
import Foundation
import IdentityCheck
import Roster

/// A session the student accepted and paid for, as the station hands it to the store.
public struct AcceptedSession: Sendable {
    public var studentNumber: StudentNumber
    /// The image-collection code (采集码) exactly as it was read: never parsed or trimmed.
    public var collectionCode: String
    public var startedAt: Date
    public var acceptedAt: Date
    /// The finished 480 × 640 photo.
    public var specJPEG: [UInt8]
    /// The full-resolution frame it was made from, kept for audit for the retention.
    public var sourceFrame: [UInt8]
    /// The check report (`ComplianceReport` as JSON).
    public var checkReportJSON: String
    public var fee: FeeQuote
    public var payment: Payment
    /// The captured face compared with the enrollment photo, when the station made the check.
    public var identityCheck: IdentityCheckResult?

    public init(studentNumber: StudentNumber, collectionCode: String, startedAt: Date, acceptedAt: Date,
                specJPEG: [UInt8], sourceFrame: [UInt8], checkReportJSON: String, fee: FeeQuote, payment: Payment,
                identityCheck: IdentityCheckResult? = nil) {
        self.studentNumber = studentNumber
        self.collectionCode = collectionCode
        self.startedAt = startedAt
        self.acceptedAt = acceptedAt
        self.specJPEG = specJPEG
        self.sourceFrame = sourceFrame
        self.checkReportJSON = checkReportJSON
        self.fee = fee
        self.payment = payment
        self.identityCheck = identityCheck
    }

    /// The longest collection code taken: a QR code holds at most a few kilobytes.
    public static let maximumCollectionCodeLength = 4096

    /// Why this session cannot be saved, or nil.
    var problem: String? {
        if collectionCode.isEmpty { return "the image-collection code (采集码) is missing" }
        if collectionCode.utf8.count > Self.maximumCollectionCodeLength {
            return "the image-collection code has \(collectionCode.utf8.count) bytes; at most \(Self.maximumCollectionCodeLength) are taken"
        }
        if specJPEG.isEmpty { return "the photo is empty" }
        if sourceFrame.isEmpty { return "the source frame is empty" }
        if payment.yuan != fee.yuan { return "\(payment.yuan) yuan were paid but \(fee.yuan) are due" }
        return payment.problem
    }
}

/// What the store gives back for a saved session.
public struct SavedSession: Sendable, Hashable {
    public var id: Int64
    /// The short code the student keeps (`K7QM-3XPA`).
    public var receiptCode: String
    /// The id the server keys the session's record by.
    public var uuid: UUID
    public var spec: ContentHash
    public var source: ContentHash
}

/// The receipt codes the store hands out: 8 characters in two groups of four, from letters
/// and digits that cannot be mistaken for one another (no 0/O, 1/I/L).
enum ReceiptCode {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return String(characters[..<4]) + "-" + String(characters[4...])
    }
}
