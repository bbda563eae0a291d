/// A student number (学号) as the school issues it: 4 to 20 ASCII letters and digits.
///
/// The one place the station decides what a student number looks like: the keypad, the
/// roster import and the store all go through `init(_:)`. Letters are kept as typed.
public struct StudentNumber: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let text: String

    public static let allowedLengths = 4...20

    /// The number, or nil when it is empty, too short or long, or has anything but ASCII
    /// letters and digits (spaces included: the caller trims what a keypad adds).
    public init?(_ text: String) {
        guard Self.allowedLengths.contains(text.count),
              text.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) })
        else { return nil }
        self.text = text
    }

    public var description: String { text }

    public static func < (a: StudentNumber, b: StudentNumber) -> Bool { a.text < b.text }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let number = StudentNumber(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a student number"))
        }
        self = number
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    /// What a student number must look like, for messages.
    public static let rule = "4 to 20 letters and digits"
}
