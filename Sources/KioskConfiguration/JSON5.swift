import Foundation

/// A place in a text file: the line and the column (in characters), both counted from 1,
/// as editors show them.
public struct TextLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line 3, column 5`.
    public var description: String { "line \(line), column \(column)" }

    public static func < (a: TextLocation, b: TextLocation) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

/// A JSON5 text read into values, with where each key stands.
///
/// Foundation's JSON5 reader (on Linux) says only "The given data was not valid JSON", so an
/// operator with a 100-line file and a missing comma is left to search; and it keeps no
/// positions, so a value that is valid JSON but not a valid setting could not be pointed at
/// either. This reader follows the JSON5 grammar (https://spec.json5.org) and keeps both.
struct JSON5Document {
    /// The whole text's value.
    var root: JSONValue
    /// Where each key stands, by its path (array elements by their index).
    var keyLocations: [[String]: TextLocation]

    /// A text that is not JSON5: what is wrong and where.
    struct SyntaxError: Error, Equatable {
        var reason: String
        var location: TextLocation
    }

    /// Reads UTF-8 JSON5 text: one value, with comments, unquoted keys, single quotes,
    /// trailing commas, hexadecimal and signed numbers, Infinity and NaN.
    static func parse(_ data: Data) throws(SyntaxError) -> JSON5Document {
        var parser = try Parser(data)
        let root = try parser.document()
        return JSON5Document(root: root, keyLocations: parser.keyLocations)
    }

    /// The value at `path`, if the text gives one.
    func value(at path: [String]) -> JSONValue? {
        var value = root
        for key in path {
            switch value {
            case let .object(members): guard let next = members[key] else { return nil }; value = next
            case let .array(elements): guard let index = Int(key), elements.indices.contains(index) else { return nil }
                value = elements[index]
            default: return nil
            }
        }
        return value
    }

    /// The first non-finite number (Infinity, NaN, or a number too large for a double), with its path.
    func firstNonFiniteNumber() -> (path: [String], value: Double)? {
        func search(_ value: JSONValue, _ path: [String]) -> (path: [String], value: Double)? {
            switch value {
            case let .number(number): return number.isFinite ? nil : (path, number)
            case let .object(members):
                // In file order, so the first one reported is the first one the operator meets.
                return keysInFileOrder(members.keys, under: path).lazy.compactMap { search(members[$0]!, path + [$0]) }.first
            case let .array(elements):
                return elements.indices.lazy.compactMap { search(elements[$0], path + [String($0)]) }.first
            default: return nil
            }
        }
        return search(root, [])
    }
}

/// A recursive-descent reader over the text's Unicode scalars that keeps line and column.
private struct Parser {
    typealias SyntaxError = JSON5Document.SyntaxError

    private let text: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1
    private(set) var keyLocations: [[String]: TextLocation] = [:]

    /// Decodes the bytes as UTF-8; a byte that is not is reported where it stands.
    init(_ data: Data) throws(SyntaxError) {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(data.count)
        var bytes = data.makeIterator()
        var decoder = UTF8()
        var line = 1, column = 1
        decoding: while true {
            switch decoder.decode(&bytes) {
            case let .scalarValue(scalar):
                scalars.append(scalar)
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput: break decoding
            case .error:
                throw SyntaxError(reason: "the file is not UTF-8 text here (save it as UTF-8)",
                                  location: TextLocation(line: line, column: column))
            }
        }
        text = scalars
    }

    private var location: TextLocation { TextLocation(line: line, column: column) }
    private var current: Unicode.Scalar? { index < text.count ? text[index] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < text.count ? text[index + offset] : nil
    }

    private mutating func advance() {
        // CR LF is one line end; a lone CR or LF, U+2028 and U+2029 are one each (JSON5's line terminators).
        let scalar = text[index]
        index += 1
        if scalar == "\n" || scalar == "\u{2028}" || scalar == "\u{2029}" || (scalar == "\r" && current != "\n") {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }

    private func fail(_ reason: String, at location: TextLocation? = nil) -> SyntaxError {
        SyntaxError(reason: reason, location: location ?? self.location)
    }

    /// The character at the reader, as an operator would name it.
    private var found: String {
        guard let current else { return "the end of the file" }
        switch current {
        case "\n", "\r": return "the end of the line"
        case "\t": return "a tab"
        default: return "'\(Character(current))'"
        }
    }

    mutating func document() throws(SyntaxError) -> JSONValue {
        try skipSpaceAndComments()
        guard current != nil else { throw fail("the file holds no settings; write at least {}") }
        keyLocations[[]] = location
        let value = try value(path: [])
        try skipSpaceAndComments()
        if current != nil {
            throw fail("\(found) after the end of the settings: the file must hold one { … } and nothing after it")
        }
        return value
    }

    // MARK: Values

    private mutating func value(path: [String]) throws(SyntaxError) -> JSONValue {
        guard let scalar = current else { throw fail("the file ends where a value is expected") }
        switch scalar {
        case "{": return try object(path: path)
        case "[": return try array(path: path)
        case "\"", "'": return .string(try string())
        case "-", "+", ".", "0"..."9": return .number(try number())
        default:
            if isIdentifierStart(scalar) {
                let start = location
                let word = try identifier()
                switch word {
                case "true": return .bool(true)
                case "false": return .bool(false)
                case "null": return .null
                case "Infinity": return .number(.infinity)
                case "NaN": return .number(.nan)
                default:
                    throw fail("'\(word)' is not a value: put text in quotes (\"\(word)\"), or write a number, "
                        + "true, false or null", at: start)
                }
            }
            throw fail("expected a value (a number, text in quotes, true, false, null, { or [), found \(found)")
        }
    }

    private mutating func object(path: [String]) throws(SyntaxError) -> JSONValue {
        let open = location
        advance()
        var members: [String: JSONValue] = [:]
        while true {
            try skipSpaceAndComments()
            guard let scalar = current else { throw fail("the file ends before the { at \(open) is closed with }") }
            if scalar == "}" { advance(); return .object(members) }
            let keyLocation = location
            let key: String
            if scalar == "\"" || scalar == "'" {
                key = try string()
            } else if isIdentifierStart(scalar) || scalar == "\\" {
                key = try identifier()
            } else {
                throw fail("expected the name of a setting or }, found \(found)")
            }
            let keyPath = path + [key]
            if let earlier = keyLocations[keyPath] {
                throw fail("'\(keyPath.joined(separator: "."))' is given twice (first at \(earlier)); keep one",
                           at: keyLocation)
            }
            keyLocations[keyPath] = keyLocation
            try skipSpaceAndComments()
            guard current == ":" else { throw fail("expected : after the name '\(key)', found \(found)") }
            advance()
            try skipSpaceAndComments()
            members[key] = try value(path: keyPath)
            try skipSpaceAndComments()
            switch current {
            case ",": advance()
            case "}": advance(); return .object(members)
            case nil: throw fail("the file ends before the { at \(open) is closed with }")
            default: throw fail("expected , or } after the value of '\(key)', found \(found) (a comma missing?)")
            }
        }
    }

    private mutating func array(path: [String]) throws(SyntaxError) -> JSONValue {
        let open = location
        advance()
        var elements: [JSONValue] = []
        while true {
            try skipSpaceAndComments()
            guard let scalar = current else { throw fail("the file ends before the [ at \(open) is closed with ]") }
            if scalar == "]" { advance(); return .array(elements) }
            if scalar == "," { throw fail("expected a value or ], found ',' (two commas in a row?)") }
            let elementPath = path + [String(elements.count)]
            keyLocations[elementPath] = location
            elements.append(try value(path: elementPath))
            try skipSpaceAndComments()
            switch current {
            case ",": advance()
            case "]": advance(); return .array(elements)
            case nil: throw fail("the file ends before the [ at \(open) is closed with ]")
            default: throw fail("expected , or ] after a value of the list, found \(found) (a comma missing?)")
            }
        }
    }

    // MARK: Tokens

    private mutating func string() throws(SyntaxError) -> String {
        let open = location
        let quote = current!
        advance()
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = current else { throw fail("the text in quotes is not closed", at: open) }
            switch scalar {
            case quote:
                advance()
                return String(result)
            case "\n", "\r":
                throw fail("the text in quotes runs past the end of the line; close it with \(quote)", at: open)
            case "\\":
                let escape = location
                advance()
                guard let next = current else { throw fail("the text in quotes is not closed", at: open) }
                switch next {
                case "\n", "\u{2028}", "\u{2029}": advance()  // a line continuation: nothing is added
                case "\r": advance(); if current == "\n" { advance() }
                case "b": advance(); result.append("\u{08}")
                case "f": advance(); result.append("\u{0C}")
                case "n": advance(); result.append("\n")
                case "r": advance(); result.append("\r")
                case "t": advance(); result.append("\t")
                case "v": advance(); result.append("\u{0B}")
                case "0" where !(peek(1).map(isDecimalDigit) ?? false): advance(); result.append("\0")
                case "1"..."9", "0": throw fail("\\\(Character(next)) is not an escape JSON5 allows", at: escape)
                case "x": advance(); result.append(try hexScalar(digits: 2, escape: escape))
                case "u": advance(); result.append(try unicodeEscape(escape: escape))
                default: advance(); result.append(next)  // \" \' \\ \/ and any other character stand for themselves
                }
            default:
                advance()
                result.append(scalar)
            }
        }
    }

    /// `\uXXXX`, joining a UTF-16 surrogate pair written as two escapes.
    private mutating func unicodeEscape(escape: TextLocation) throws(SyntaxError) -> Unicode.Scalar {
        let unit = try hexValue(digits: 4, escape: escape)
        if (0xD800...0xDBFF).contains(unit), current == "\\", peek(1) == "u" {
            advance(); advance()
            let low = try hexValue(digits: 4, escape: escape)
            if (0xDC00...0xDFFF).contains(low), let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) {
                return scalar
            }
        }
        guard let scalar = Unicode.Scalar(unit) else { throw fail("\\u escape for a lone surrogate", at: escape) }
        return scalar
    }

    private mutating func hexScalar(digits: Int, escape: TextLocation) throws(SyntaxError) -> Unicode.Scalar {
        Unicode.Scalar(try hexValue(digits: digits, escape: escape))!
    }

    private mutating func hexValue(digits: Int, escape: TextLocation) throws(SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let scalar = current, let digit = hexDigit(scalar) else {
                throw fail("an escape needs \(digits) hexadecimal digits", at: escape)
            }
            value = value * 16 + digit
            advance()
        }
        return value
    }

    private mutating func number() throws(SyntaxError) -> Double {
        let start = location
        var sign = 1.0
        if current == "+" || current == "-" {
            sign = current == "-" ? -1 : 1
            advance()
        }
        if let scalar = current, isIdentifierStart(scalar) {
            let word = try identifier()
            switch word {
            case "Infinity": return sign * .infinity
            case "NaN": return .nan
            default: throw fail("'\(word)' is not a number", at: start)
            }
        }
        if current == "0", peek(1) == "x" || peek(1) == "X" {
            advance(); advance()
            var digits = ""
            while let scalar = current, hexDigit(scalar) != nil { digits.unicodeScalars.append(scalar); advance() }
            guard let value = UInt64(digits, radix: 16) else { throw fail("a hexadecimal number needs digits after 0x", at: start) }
            try requireNumberEnd(start)
            return sign * Double(value)
        }
        var digits = ""
        func take(_ parser: inout Parser) {
            while let scalar = parser.current, isDecimalDigit(scalar) { digits.unicodeScalars.append(scalar); parser.advance() }
        }
        let integerStart = digits.count
        take(&self)
        let integerDigits = digits.count - integerStart
        if integerDigits > 1 && digits.first == "0" {
            let significant = digits.drop { $0 == "0" }
            throw fail("a number may not start with 0 (write \(significant.isEmpty ? "0" : significant))", at: start)
        }
        var fractionDigits = 0
        if current == "." {
            advance()
            digits.append(".")
            let before = digits.count
            take(&self)
            fractionDigits = digits.count - before
        }
        guard integerDigits + fractionDigits > 0 else { throw fail("expected a number, found \(found)") }
        if current == "e" || current == "E" {
            advance()
            digits.append("e")
            if current == "+" || current == "-" { digits.unicodeScalars.append(current!); advance() }
            let before = digits.count
            take(&self)
            guard digits.count > before else { throw fail("the exponent of the number has no digits") }
        }
        try requireNumberEnd(start)
        // Swift's Double(_:) wants a digit on both sides of the point; JSON5 allows `.5` and `5.`.
        var normalized = digits.hasPrefix(".") ? "0" + digits : digits
        normalized = normalized.replacingOccurrences(of: ".e", with: ".0e")
        if normalized.hasSuffix(".") { normalized += "0" }
        guard let value = Double(normalized) else { throw fail("'\(digits)' is not a number", at: start) }
        return sign * value
    }

    /// A number must end where a value ends: `12px` is a mistake, not 12.
    private mutating func requireNumberEnd(_ start: TextLocation) throws(SyntaxError) {
        if let scalar = current, isIdentifierPart(scalar) {
            throw fail("\(found) right after a number; write the number alone (units are not written)")
        }
    }

    private mutating func identifier() throws(SyntaxError) -> String {
        var result = String.UnicodeScalarView()
        var first = true
        while let scalar = current {
            if scalar == "\\" {
                let escape = location
                advance()
                guard current == "u" else { throw fail("only \\u escapes may stand in a name", at: escape) }
                advance()
                let escaped = try unicodeEscape(escape: escape)
                guard first ? isIdentifierStart(escaped) : isIdentifierPart(escaped) else {
                    throw fail("the escape stands for a character a name may not hold", at: escape)
                }
                result.append(escaped)
            } else if first ? isIdentifierStart(scalar) : isIdentifierPart(scalar) {
                advance()
                result.append(scalar)
            } else {
                break
            }
            first = false
        }
        return String(result)
    }

    private mutating func skipSpaceAndComments() throws(SyntaxError) {
        while let scalar = current {
            if isSpace(scalar) {
                advance()
            } else if scalar == "/" && peek(1) == "/" {
                while let scalar = current, scalar != "\n", scalar != "\r", scalar != "\u{2028}", scalar != "\u{2029}" {
                    advance()
                }
            } else if scalar == "/" && peek(1) == "*" {
                let open = location
                advance(); advance()
                while !(current == "*" && peek(1) == "/") {
                    guard current != nil else { throw fail("the comment /* is not closed with */", at: open) }
                    advance()
                }
                advance(); advance()
            } else if scalar == "/" {
                throw fail("a single / : comments start with // or /*")
            } else {
                return
            }
        }
    }
}

// MARK: Character classes (JSON5 follows ECMAScript 5.1 here)

private func isSpace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "\t", "\n", "\u{0B}", "\u{0C}", "\r", " ", "\u{A0}", "\u{2028}", "\u{2029}", "\u{FEFF}": true
    default: scalar.properties.generalCategory == .spaceSeparator
    }
}

private func isDecimalDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

private func hexDigit(_ scalar: Unicode.Scalar) -> UInt32? {
    switch scalar {
    case "0"..."9": scalar.value - 0x30
    case "a"..."f": scalar.value - 0x61 + 10
    case "A"..."F": scalar.value - 0x41 + 10
    default: nil
    }
}

private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == "$" || scalar == "_" { return true }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .letterNumber: return true
    default: return false
    }
}

private func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
    if isIdentifierStart(scalar) || scalar == "\u{200C}" || scalar == "\u{200D}" { return true }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .spacingMark, .decimalNumber, .connectorPunctuation: return true
    default: return false
    }
}
