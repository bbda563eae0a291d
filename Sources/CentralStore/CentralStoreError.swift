import FileOutput
import Foundation

/// Why the centre refused or could not do something, in words for the station's operator or
/// the server's administrator. The server maps each case to one HTTP status (`CentralServer`).
public enum CentralStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes do not hash to the name they were sent under.
    case hashMismatch(claimed: String, actual: String)
    /// A record names photos the centre does not hold yet.
    case photoMissing([String])
    /// A record's id is taken by different content (kept as it was).
    case conflict(UUID)
    /// Outside what the station may touch (another school's student, another station's record).
    case forbidden(String)
    /// No such record, student or station.
    case notFound(String)
    /// Input that breaks a rule (an empty name, a rejection without a reason).
    case invalid(String)
    /// The disk is full: nothing was kept; retry when space is freed.
    case insufficientStorage(String)
    /// The database or the blob folder cannot be used.
    case unavailable(String)

    public var description: String {
        switch self {
        case let .hashMismatch(claimed, actual):
            "the photo's bytes hash to \(actual), not to \(claimed) it was sent as: it was damaged on the way; send it again"
        case let .photoMissing(hashes):
            "the record names photo\(hashes.count == 1 ? "" : "s") the server does not hold (\(hashes.joined(separator: ", "))): upload them first"
        case let .conflict(id):
            "the record \(id.uuidString.lowercased()) is held with different content; the held one is kept: report this station's record to the administrator"
        case let .forbidden(what), let .notFound(what), let .invalid(what), let .unavailable(what): what
        case let .insufficientStorage(what): "\(what); nothing was kept: retry later"
        }
    }

    /// A file error from writing a blob, in the store's words.
    init(_ error: FileOutputError) {
        switch error.reason {
        case .diskFull, .tooLittleSpace: self = .insufficientStorage("the server's disk is full (\(error))")
        default: self = .unavailable("\(error)")
        }
    }
}
