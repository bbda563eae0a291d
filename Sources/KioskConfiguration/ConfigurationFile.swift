import Foundation

/// Why a configuration file could not be used. Each case names the file, the key and
/// what to change.
public enum ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(file: String, reason: String)
    case syntax(file: String, reason: String)
    case unknownKey(file: String, keyPath: String, suggestion: String?)
    case wrongType(file: String, keyPath: String, expected: String)
    case missingKey(file: String, keyPath: String)
    case invalidValue(file: String, keyPath: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "cannot read the configuration \(file): \(reason)"
        case let .syntax(file, reason):
            return "\(file) is not valid JSON5 (\(reason)); check brackets, quotes and commas near that place"
        case let .unknownKey(file, keyPath, suggestion):
            let hint = suggestion.map { "; did you mean '\($0)'?" } ?? "; remove it or check its spelling"
            return "\(file): unknown setting '\(keyPath)'\(hint)"
        case let .wrongType(file, keyPath, expected):
            return "\(file): '\(keyPath)' must be \(expected)"
        case let .missingKey(file, keyPath):
            return "\(file): '\(keyPath)' is required; add it (see kiosk-config/ for an example)"
        case let .invalidValue(file, keyPath, reason):
            return "\(file): '\(keyPath)' \(reason)"
        }
    }
}

/// Reads configuration files: JSON5 (JSON with comments, unquoted keys and trailing commas),
/// laid over the built-in defaults and decoded strictly.
///
/// A file names only what it changes: its values replace the defaults key by key (objects
/// are merged, arrays and plain values replaced). A key the program does not know is an
/// error, not silently ignored: a misspelt `backgroud` would otherwise leave a station
/// producing the wrong photos with nobody noticing. The known keys are those of the
/// defaults encoded, so no list of keys is kept by hand beside the types. A setting whose
/// default is none (an optional left nil, which encoding leaves out) is known only through
/// `optionalKeys`: a value of `T` with those settings filled in, read for its keys alone.
public enum ConfigurationFile {
    /// Decodes `T` from the file at `url`, over `defaults`.
    public static func load<T: Codable>(_ type: T.Type = T.self, from url: URL, defaults: T,
                                        optionalKeys: T? = nil) throws(ConfigurationError) -> T {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? error.localizedDescription : "no such file"
            throw .unreadable(file: url.path, reason: reason)
        }
        return try decode(type, from: data, file: url.path, defaults: defaults, optionalKeys: optionalKeys)
    }

    /// Decodes `T` from JSON5 text over `defaults`; `file` names the source in errors.
    public static func decode<T: Codable>(_ type: T.Type = T.self, from data: Data, file: String,
                                          defaults: T, optionalKeys: T? = nil) throws(ConfigurationError) -> T {
        let json5 = JSONDecoder()
        json5.allowsJSON5 = true
        let given: JSONValue
        do {
            given = try json5.decode(JSONValue.self, from: data)
        } catch {
            let reason = (error as? DecodingError).flatMap { error -> String? in
                guard case let .dataCorrupted(context) = error else { return nil }
                return ((context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String)
                    ?? context.debugDescription
            } ?? "\(error)"
            throw .syntax(file: file, reason: reason)
        }
        let base = tree(defaults)
        let known = optionalKeys.map { merge(tree($0), over: base) } ?? base
        if let unknown = firstUnknownKey(given: given, known: known, path: []) {
            throw .unknownKey(file: file, keyPath: unknown.path.joined(separator: "."), suggestion: unknown.suggestion)
        }
        do {
            return try JSONDecoder().decode(type, from: JSONEncoder().encode(merge(given, over: base)))
        } catch let error as DecodingError {
            throw describe(error, file: file)
        } catch {
            throw .syntax(file: file, reason: "\(error)")
        }
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

    private static func firstUnknownKey(given: JSONValue, known: JSONValue, path: [String]) -> (path: [String], suggestion: String?)? {
        guard case let .object(given) = given, case let .object(known) = known else { return nil }
        for key in given.keys.sorted() {
            guard let knownValue = known[key] else { return (path + [key], closest(to: key, among: Array(known.keys))) }
            if let found = firstUnknownKey(given: given[key]!, known: knownValue, path: path + [key]) { return found }
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

    private static func describe(_ error: DecodingError, file: String) -> ConfigurationError {
        func path(_ context: DecodingError.Context, _ extra: CodingKey? = nil) -> String {
            (context.codingPath + (extra.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }
                .joined(separator: ".")
        }
        switch error {
        case let .typeMismatch(type, context):
            return .wrongType(file: file, keyPath: path(context), expected: typeName(type))
        case let .valueNotFound(type, context):
            return .wrongType(file: file, keyPath: path(context), expected: typeName(type))
        case let .keyNotFound(key, context):
            return .missingKey(file: file, keyPath: path(context, key))
        case let .dataCorrupted(context):
            return .invalidValue(file: file, keyPath: path(context), reason: context.debugDescription)
        @unknown default:
            return .syntax(file: file, reason: "\(error)")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int32.Type, is UInt8.Type: "a whole number"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "a text in quotes"
        default: "a \(type)"
        }
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
            // Whole numbers stay whole so integer settings decode as integers.
            if value.rounded() == value, abs(value) < 1e15 { try single.encode(Int64(value)) } else { try single.encode(value) }
        case let .bool(value): try single.encode(value)
        case .null: try single.encodeNil()
        }
    }
}
