import Foundation

/// Why a configuration file could not be used. Each case names the file, the key, what the
/// file gives and what to change; `at` is where in the file (nil: the file does not set that
/// key, so the value at fault is the default).
public enum ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(file: String, reason: String)
    case syntax(file: String, reason: String, at: TextLocation? = nil)
    case unknownKey(file: String, keyPath: String, suggestion: String?, at: TextLocation? = nil)
    /// `found`: the value the file gives, as written in JSON5.
    case wrongType(file: String, keyPath: String, expected: String, found: String? = nil, at: TextLocation? = nil)
    case missingKey(file: String, keyPath: String, at: TextLocation? = nil)
    /// `reason` says what the value is and what is allowed ("is 0; it must be …").
    case invalidValue(file: String, keyPath: String, reason: String, at: TextLocation? = nil)

    /// The configuration file at fault.
    public var file: String {
        switch self {
        case let .unreadable(file, _), let .syntax(file, _, _), let .unknownKey(file, _, _, _),
             let .wrongType(file, _, _, _, _), let .missingKey(file, _, _), let .invalidValue(file, _, _, _): file
        }
    }

    /// The setting at fault, as a dotted path (`photo.headTop.preferred`); nil when the file as a whole is.
    public var keyPath: String? {
        switch self {
        case .unreadable, .syntax: nil
        case let .unknownKey(_, keyPath, _, _), let .wrongType(_, keyPath, _, _, _), let .missingKey(_, keyPath, _),
             let .invalidValue(_, keyPath, _, _): keyPath
        }
    }

    /// Where in the file the mistake is.
    public var location: TextLocation? {
        switch self {
        case .unreadable: nil
        case let .syntax(_, _, at), let .unknownKey(_, _, _, at), let .wrongType(_, _, _, _, at), let .missingKey(_, _, at),
             let .invalidValue(_, _, _, at): at
        }
    }

    /// `file:line:column: what is wrong`, the form editors and compilers use, so the place can
    /// be found (and jumped to) at once.
    public var description: String {
        let place = location.map { "\(file):\($0.line):\($0.column)" } ?? file
        switch self {
        case let .unreadable(file, reason):
            return "cannot read the configuration \(file): \(reason)"
        case let .syntax(_, reason, _):
            return "\(place): not valid JSON5: \(reason)"
        case let .unknownKey(_, keyPath, suggestion, _):
            let hint = suggestion.map { "; did you mean '\($0)'?" } ?? "; remove it or check its spelling"
            return "\(place): unknown setting '\(keyPath)'\(hint)"
        case let .wrongType(_, keyPath, expected, found, _):
            return "\(place): '\(keyPath)' must be \(expected)\(found.map { ", not \($0)" } ?? "")"
        case let .missingKey(_, keyPath, _):
            return "\(place): '\(keyPath)' is required; add it (see kiosk-config/ for an example)"
        case let .invalidValue(_, keyPath, reason, at):
            let unset = at == nil ? " (this is the default: the file does not set it)" : ""
            return "\(place): '\(keyPath)' \(reason)\(unset)"
        }
    }
}

/// A setting whose value cannot work, as a validator finds it in a decoded configuration.
public struct InvalidSetting: Error, Equatable, Sendable {
    /// The setting, as a dotted path from the top of the file (`photo.minimumBytes`).
    public var keyPath: String
    /// What the value is and what is allowed, to follow the key: "is 0; it must be …".
    public var reason: String
    /// The settings the value was judged against (a minimum's maximum): the error points at
    /// the first of `keyPath` and these that the file sets, which is where the operator
    /// changed something.
    public var relatedKeyPaths: [String]

    public init(keyPath: String, reason: String, relatedKeyPaths: [String] = []) {
        self.keyPath = keyPath
        self.reason = reason
        self.relatedKeyPaths = relatedKeyPaths
    }
}

/// Reads configuration files: JSON5 (JSON with comments, unquoted keys and trailing commas),
/// laid over the built-in defaults, decoded strictly and validated.
///
/// A file names only what it changes: its values replace the defaults key by key (objects
/// are merged, arrays and plain values replaced). A key the program does not know is an
/// error, not silently ignored: a misspelt `backgroud` would otherwise leave a station
/// producing the wrong photos with nobody noticing. The known keys are those of the
/// defaults encoded, so no list of keys is kept by hand beside the types. A setting whose
/// default is none (an optional left nil, which encoding leaves out) is known only through
/// `optionalKeys`: a value of `T` with those settings filled in, read for its keys alone.
///
/// Every error names the key and where it stands in the file (line and column), so that
/// every program reading the same file says the same thing about it.
public enum ConfigurationFile {
    /// Decodes `T` from the file at `url`, over `defaults`.
    ///
    /// - Parameters:
    ///   - words: for text settings that take one of a few words, those words by key path
    ///     (`"screen.dither": ["none", "ordered", "diffusion"]`): any other text is refused
    ///     with the list.
    ///   - validate: what the types cannot say (ranges, one value against another); run on
    ///     the decoded value, its finding is reported at the key in the file.
    public static func load<T: Codable>(_ type: T.Type = T.self, from url: URL, defaults: T, optionalKeys: T? = nil,
                                        words: [String: [String]] = [:],
                                        validate: (T) -> InvalidSetting? = { _ in nil }) throws(ConfigurationError) -> T {
        let data: Data
        switch SettingsFileReader.read(url.path) {
        case let .success(bytes): data = bytes
        case let .failure(reason): throw .unreadable(file: url.path, reason: reason.text)
        }
        return try decode(type, from: data, file: url.path, defaults: defaults, optionalKeys: optionalKeys,
                          words: words, validate: validate)
    }

    /// Decodes `T` from JSON5 text over `defaults`; `file` names the source in errors. See
    /// `load(_:from:defaults:optionalKeys:words:validate:)`.
    public static func decode<T: Codable>(_ type: T.Type = T.self, from data: Data, file: String, defaults: T,
                                          optionalKeys: T? = nil, words: [String: [String]] = [:],
                                          validate: (T) -> InvalidSetting? = { _ in nil }) throws(ConfigurationError) -> T {
        let document: JSON5Document
        do {
            document = try JSON5Document.parse(data)
        } catch {
            throw .syntax(file: file, reason: error.reason, at: error.location)
        }
        let given = document.root
        guard case .object = given else {
            throw .syntax(file: file, reason: "the file must hold one { … } of settings, not \(render(given))",
                          at: document.keyLocations[[]])
        }
        let base = tree(defaults)
        let known = optionalKeys.map { merge(tree($0), over: base) } ?? base
        if let unknown = firstUnknownKey(given: given, known: known, path: [], in: document) {
            throw .unknownKey(file: file, keyPath: unknown.path.joined(separator: "."), suggestion: unknown.suggestion,
                              at: document.keyLocations[unknown.path])
        }
        if let (path, value) = document.firstNonFiniteNumber() {
            throw .invalidValue(file: file, keyPath: path.joined(separator: "."),
                                reason: "is \(render(.number(value))); it must be a finite number",
                                at: document.location(of: path))
        }
        for (keyPath, allowed) in words.sorted(by: { $0.key < $1.key }) {
            let path = keyPath.split(separator: ".").map(String.init)
            guard case let .string(word)? = document.value(at: path), !allowed.contains(word) else { continue }
            throw .invalidValue(file: file, keyPath: keyPath,
                                reason: "must be \(list(allowed.map { "\"\($0)\"" }, or: "or")), not \"\(word)\"",
                                at: document.keyLocations[path])
        }
        let value: T
        do {
            value = try T(from: TreeDecoder(value: merge(given, over: base), codingPath: []))
        } catch let error as DecodingError {
            throw describe(error, file: file, document: document)
        } catch {
            throw .syntax(file: file, reason: "\(error)")
        }
        if let problem = validate(value) {
            let paths = ([problem.keyPath] + problem.relatedKeyPaths).map { $0.split(separator: ".").map(String.init) }
            throw .invalidValue(file: file, keyPath: problem.keyPath, reason: problem.reason,
                                at: paths.lazy.compactMap { document.keyLocations[$0] }.first)
        }
        return value
    }

    /// A number as an operator writes it in a file: `6` for 6.0, `0.1`, `-Infinity`.
    public static func format(_ value: Double) -> String { render(.number(value)) }

    /// `a, b or c`.
    static func list(_ items: [String], or conjunction: String) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
    }

    /// `value` as pretty JSON with sorted keys, every setting of `optionalKeys` that `value`
    /// leaves out written as `null`: a whole configuration an operator can read and edit.
    public static func encodeEveryKey<T: Codable>(_ value: T, optionalKeys: T? = nil) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let filled = optionalKeys.map { withNulls(tree(value), forKeysOf: tree($0)) } ?? tree(value)
        do {
            return try encoder.encode(filled)
        } catch {
            preconditionFailure("a JSON tree always encodes: \(error)")
        }
    }

    private static func tree<T: Encodable>(_ value: T) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        } catch {
            preconditionFailure("\(T.self) cannot be encoded: \(error)")
        }
    }

    private static func withNulls(_ value: JSONValue, forKeysOf example: JSONValue) -> JSONValue {
        guard case var .object(result) = value, case let .object(example) = example else { return value }
        for (key, exampleValue) in example {
            result[key] = result[key].map { withNulls($0, forKeysOf: exampleValue) } ?? .null
        }
        return .object(result)
    }

    private static func merge(_ given: JSONValue, over base: JSONValue) -> JSONValue {
        guard case var .object(result) = base, case let .object(given) = given else { return given }
        for (key, value) in given {
            result[key] = result[key].map { merge(value, over: $0) } ?? value
        }
        return .object(result)
    }

    /// The first key of `given` that `known` lacks, in the order of the file.
    private static func firstUnknownKey(given: JSONValue, known: JSONValue, path: [String],
                                        in document: JSON5Document) -> (path: [String], suggestion: String?)? {
        guard case let .object(given) = given, case let .object(known) = known else { return nil }
        for key in document.keysInFileOrder(given.keys, under: path) {
            guard let knownValue = known[key] else { return (path + [key], closest(to: key, among: Array(known.keys))) }
            if let found = firstUnknownKey(given: given[key]!, known: knownValue, path: path + [key], in: document) {
                return found
            }
        }
        return nil
    }

    /// The known key within two edits of `key`, if any: catches typos, not different words.
    private static func closest(to key: String, among candidates: [String]) -> String? {
        candidates.map { ($0, editDistance($0.lowercased(), key.lowercased())) }
            .filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return b.isEmpty ? a.count : row[b.count]
    }

    private static func describe(_ error: DecodingError, file: String, document: JSON5Document) -> ConfigurationError {
        func path(_ context: DecodingError.Context, _ extra: CodingKey? = nil) -> [String] {
            (context.codingPath + (extra.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }
        }
        func found(_ path: [String]) -> String? { document.value(at: path).map(render) }
        switch error {
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            let keyPath = path(context)
            return .wrongType(file: file, keyPath: keyPath.joined(separator: "."), expected: typeName(type),
                              found: found(keyPath), at: document.location(of: keyPath))
        case let .keyNotFound(key, context):
            let keyPath = path(context, key)
            return .missingKey(file: file, keyPath: keyPath.joined(separator: "."), at: document.location(of: keyPath))
        case let .dataCorrupted(context):
            let keyPath = path(context)
            var reason = context.debugDescription
            // The types' own decoders say what a setting must be; the file's value completes it.
            if reason.hasPrefix("must "), let found = found(keyPath) { reason += ", not \(found)" }
            return .invalidValue(file: file, keyPath: keyPath.joined(separator: "."), reason: reason,
                                 at: document.location(of: keyPath))
        @unknown default:
            return .syntax(file: file, reason: "\(error)")
        }
    }

    /// What a setting of `type` must be, in an operator's words rather than Swift's.
    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt8.Type, is UInt32.Type: "a whole number"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "a text in quotes"
        case is [Any].Type: "a list [ … ]"
        default: "an object { … } of settings"
        }
    }

    /// A value as JSON5 would write it, shortened: what the file gives, quoted back in a message.
    static func render(_ value: JSONValue) -> String {
        let text: String
        switch value {
        case let .string(string): text = "\"\(string)\""
        case let .number(number):
            text = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
                .replacingOccurrences(of: "inf", with: "Infinity").replacingOccurrences(of: "nan", with: "NaN")
        case let .bool(bool): text = "\(bool)"
        case .null: text = "null"
        case let .array(elements): text = "[" + elements.map(render).joined(separator: ", ") + "]"
        case let .object(members):
            text = "{" + members.keys.sorted().map { "\($0): \(render(members[$0]!))" }.joined(separator: ", ") + "}"
        }
        return text.count > 80 ? String(text.prefix(77)) + "…" : text
    }
}

extension JSON5Document {
    /// Where `path` stands in the file, else the innermost key around it that does: a value
    /// the file leaves to the defaults inside a section it gives is pointed at by that section.
    func location(of path: [String]) -> TextLocation? {
        var path = path
        while !path.isEmpty {
            if let location = keyLocations[path] { return location }
            path.removeLast()
        }
        return nil
    }

    /// `keys` (members of the object at `path`) in the order the file writes them.
    func keysInFileOrder<Keys: Collection<String>>(_ keys: Keys, under path: [String]) -> [String] {
        let end = TextLocation(line: .max, column: .max)
        return keys.sorted { (keyLocations[path + [$0]] ?? end, $0) < (keyLocations[path + [$1]] ?? end, $1) }
    }
}

/// Any JSON value, for merging a file over the defaults before decoding the real type.
enum JSONValue: Codable, Equatable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Double.self) {
            self = .number(value)
        } else if let value = try? single.decode(String.self) {
            self = .string(value)
        } else if let value = try? single.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try single.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case let .object(value): try single.encode(value)
        case let .array(value): try single.encode(value)
        case let .string(value): try single.encode(value)
        case let .number(value):
            // Whole numbers stay whole: `kiosk config show` writes 30 for an integer setting, not 30.0.
            if value.rounded() == value, abs(value) < 1e15 { try single.encode(Int64(value)) } else { try single.encode(value) }
        case let .bool(value): try single.encode(value)
        case .null: try single.encodeNil()
        }
    }
}
