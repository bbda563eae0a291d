import Foundation

/// A student's name as the station shows and keeps it: the first character (the first two of
/// a four-character or longer name, which covers two-character surnames such as 欧阳), one
/// star, and the last character. 张三明 → 张*明, 欧阳春华 → 欧阳*华, 李明 → 李*.
///
/// The station stores only this form: the full name never reaches its disk.
public struct MaskedName: Sendable, Hashable, Codable, CustomStringConvertible {
    public let text: String

    /// The masked form of a full name (spaces around it ignored); nil for an empty name.
    public init?(masking name: String) {
        let characters = Array(name.trimmingCharacters(in: .whitespaces))
        switch characters.count {
        case 0: return nil
        case 1: text = "*"
        case 2: text = "\(characters[0])*"
        case 3: text = "\(characters[0])*\(characters[2])"
        default: text = "\(characters[0])\(characters[1])*\(characters[characters.count - 1])"
        }
    }

    /// A name already masked (as the store holds it).
    public init(stored: String) {
        text = stored
    }

    public var description: String { text }
}
