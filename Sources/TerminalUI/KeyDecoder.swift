/// A key the program reacts to.
public enum Key: Hashable, Sendable {
    case character(Character)
    case enter
    case escape
    case backspace
    case up, down, left, right
    /// Ctrl plus a letter (lower case), for keys that reach the program in raw mode.
    case control(Character)
}

/// Turns raw terminal input into keys. Escape sequences split across two reads are kept
/// until the rest arrives; a lone ESC is the Escape key.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// The keys in `bytes` (plus any incomplete sequence from the previous call).
    public mutating func decode(_ bytes: [UInt8]) -> [Key] {
        pending += bytes
        var keys: [Key] = []
        var i = 0
        while i < pending.count {
            let b = pending[i]
            switch b {
            case 0x1B:
                if i + 1 >= pending.count {
                    // A lone ESC at the end of a read: the Escape key, since terminals send
                    // a whole sequence in one write.
                    keys.append(.escape)
                    i += 1
                } else if pending[i + 1] == 0x5B || pending[i + 1] == 0x4F {
                    guard i + 2 < pending.count else {
                        pending.removeFirst(i)
                        return keys
                    }
                    var end = i + 2
                    while end < pending.count, !(0x40...0x7E).contains(pending[end]) { end += 1 }
                    guard end < pending.count else {
                        pending.removeFirst(i)
                        return keys
                    }
                    switch pending[end] {
                    case 0x41: keys.append(.up)
                    case 0x42: keys.append(.down)
                    case 0x43: keys.append(.right)
                    case 0x44: keys.append(.left)
                    default: break
                    }
                    i = end + 1
                } else {
                    keys.append(.escape)
                    i += 1
                }
            case 0x0D, 0x0A:
                keys.append(.enter)
                i += 1
            case 0x7F, 0x08:
                keys.append(.backspace)
                i += 1
            case 0x01...0x1A:
                keys.append(.control(Character(Unicode.Scalar(b + 0x60))))
                i += 1
            default:
                let length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
                guard i + length <= pending.count else {
                    pending.removeFirst(i)
                    return keys
                }
                if let s = String(validating: pending[i..<(i + length)], as: UTF8.self), let c = s.first {
                    keys.append(.character(c))
                }
                i += length
            }
        }
        pending.removeAll()
        return keys
    }
}
