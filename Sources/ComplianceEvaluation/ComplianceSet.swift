import Compliance
import Foundation

/// A folder of labelled frames for the compliance checks: `cases.json` and the frames it
/// names. Two layouts are read: the project's set (`scripts/compliance-eval/make_set.py`:
/// `defect`, `label`, `sources.*.natural_defects`) and the shared station frames
/// (`../shared/eval/station-frames`: `status`, `defect`, `expected`, `source_notes`). The
/// labels come from how each frame was made, never from the checks.
public struct ComplianceSet: Sendable {
    /// What a reviewer does with a frame.
    public enum Label: String, Sendable, Codable, Hashable, Comparable {
        case clean
        /// A strict reviewer may pass it: counted neither way.
        case borderline
        /// A reviewer rejects it: the checks must fail it.
        case reject

        var rank: Int { self == .clean ? 0 : self == .borderline ? 1 : 2 }
        public static func < (a: Label, b: Label) -> Bool { a.rank < b.rank }
    }

    /// One frame with its label.
    public struct Case: Sendable {
        public var name: String
        public var frame: String
        /// The split: "calibration" / "report" in the project's set (by person), "dev" in the shared one.
        public var split: String
        public var source: String
        /// The defect's kind (nil for a clean frame) and its strength in the kind's unit.
        public var kind: String?
        public var strength: Double?
        public var label: Label
        /// The station's empty backdrop under its light (a frame of the same camera without
        /// the person), as a station records it when it is set up; nil: none.
        public var plate: String?
    }

    public var folder: URL
    public var cases: [Case]
    /// Per source, the checks its person rightly fails on a clean frame (a smile with the
    /// teeth showing, a head turned or tilted in the source) with the reason.
    public var naturalDefects: [String: [CheckID: String]]

    /// Reads `cases.json` in `folder`.
    public init(folder: URL) throws {
        self.folder = folder
        let url = folder.appendingPathComponent("cases.json")
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EvaluationError("cannot read \(url.path): build the set with scripts/fetch-test-data.sh")
        }
        let listing = try JSONDecoder().decode(Listing.self, from: data)
        var natural: [String: [CheckID: String]] = [:]
        for (id, source) in listing.sources {
            var checks: [CheckID: String] = [:]
            for (key, reason) in source.naturalDefects ?? [:] {
                guard let check = CheckID(rawValue: key) else {
                    throw EvaluationError("\(url.path): sources.\(id).natural_defects names an unknown check \"\(key)\"")
                }
                checks[check] = reason
            }
            for note in source.notes ?? [] {
                for (prefix, check) in Self.noteChecks where note.hasPrefix(prefix) { checks[check] = note }
            }
            natural[id] = checks
        }
        naturalDefects = natural
        cases = try listing.cases.map { c in
            let label: Label
            switch c.label ?? c.expected {
            case "clean", "accept": label = .clean
            case "borderline": label = .borderline
            case "reject": label = .reject
            case let other: throw EvaluationError("\(url.path): case \(c.name) has an unknown label \(other ?? "(none)")")
            }
            if let notes = c.sourceNotes {
                for note in notes {
                    for (prefix, check) in Self.noteChecks where note.hasPrefix(prefix) {
                        natural[c.source, default: [:]][check] = note
                    }
                }
            }
            return Case(name: c.name, frame: c.frame, split: c.set ?? "all", source: c.source,
                        kind: c.defect?.kind, strength: c.defect?.strength, label: label, plate: c.plate)
        }
        naturalDefects = natural
    }

    /// The shared set states its sources' own faults as notes: these prefixes name the check
    /// each one rightly fails.
    static let noteChecks: [(String, CheckID)] = [("mouth open", .mouthClosed), ("head turned", .yaw)]

    public func url(_ c: Case) -> URL { folder.appendingPathComponent(c.frame) }

    struct Listing: Decodable {
        var cases: [Entry]
        var sources: [String: Source]
    }

    struct Source: Decodable {
        var naturalDefects: [String: String]?
        var notes: [String]?
        enum CodingKeys: String, CodingKey {
            case naturalDefects = "natural_defects"
            case notes
        }
    }

    struct Entry: Decodable {
        var name: String
        var frame: String
        var plate: String?
        var set: String?
        var source: String
        var defect: Defect?
        var label: String?
        var expected: String?
        var sourceNotes: [String]?

        struct Defect: Decodable {
            var kind: String
            var strength: Double?
        }

        enum CodingKeys: String, CodingKey {
            case name, frame, plate, set, source, defect, label, expected
            case sourceNotes = "source_notes"
        }
    }
}

/// A problem with an evaluation set or its limits, in words.
public struct EvaluationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
