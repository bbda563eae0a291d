import Foundation

/// A roster file as an operator brings it (`kiosk roster import FILE.csv`): a header naming
/// the columns, then one student a line.
///
/// Columns (English or Chinese header, any order): `student_number` 学号, `school` 学校,
/// `batch` 批次, `name` 姓名, `id_tail` 身份证后四位, and optionally `review_status` 审核状态
/// (not-reviewed, accepted, rejected), `rejection_reason` 驳回原因, `retake_owed` 免费重拍
/// (yes/no). The whole file is judged before anything is kept: one bad row and nothing is.
public enum RosterCSV {
    /// A column of the roster file.
    enum Column: String, CaseIterable {
        case studentNumber = "student_number"
        case school
        case batch
        case name
        case idTail = "id_tail"
        case reviewStatus = "review_status"
        case rejectionReason = "rejection_reason"
        case retakeOwed = "retake_owed"

        var chinese: String {
            switch self {
            case .studentNumber: "学号"
            case .school: "学校"
            case .batch: "批次"
            case .name: "姓名"
            case .idTail: "身份证后四位"
            case .reviewStatus: "审核状态"
            case .rejectionReason: "驳回原因"
            case .retakeOwed: "免费重拍"
            }
        }

        var isRequired: Bool { ![.reviewStatus, .rejectionReason, .retakeOwed].contains(self) }

        init?(header: String) {
            let name = header.trimmingCharacters(in: .whitespaces)
            guard let column = Column.allCases.first(where: { $0.rawValue == name.lowercased() || $0.chinese == name }) else {
                return nil
            }
            self = column
        }
    }

    /// The students of a roster file's text, their ID tails hashed with `key`; every problem
    /// of the file at once (up to `RosterImportError.listedRows` rows) when there is any.
    public static func parse(_ text: String, key: IDTailKey) throws(RosterImportError) -> RosterFile {
        let (lines, carriesReview) = try self.lines(text)
        return RosterFile(entries: lines.map { line in
            RosterEntry(studentNumber: line.studentNumber, school: line.school, batch: line.batch, name: MaskedName(masking: line.name)!,
                        idTailHash: key.hash(line.idTail), review: line.review, retakeOwed: line.retakeOwed)
        }, carriesReview: carriesReview)
    }

    /// The checked lines of a roster file's text, names and ID tails in clear (the centre
    /// keeps them; a station hashes and masks them with `parse`), and whether the file gives
    /// review statuses or retakes owed. Fails as `parse` does.
    public static func lines(_ text: String) throws(RosterImportError) -> (lines: [RosterLine], carriesReview: Bool) {
        let records: [CSVRecords.Record]
        do {
            records = try CSVRecords.parse(text)
        } catch {
            switch error {
            case let .unclosedQuote(line): throw .rows([.init(line: line, problem: "a quoted field is never closed (a \" is missing)")])
            case let .textAfterQuote(line): throw .rows([.init(line: line, problem: "text follows a closing quote; write \"\" for a quote inside a quoted field")])
            }
        }
        guard let header = records.first else { throw .empty }
        let columns = try self.columns(of: header)
        var problems: [RosterImportError.Row] = []
        var entries: [RosterLine] = []
        var firstLine: [StudentNumber: Int] = [:]
        for record in records.dropFirst() {
            switch entry(record, columns: columns) {
            case let .failure(problem):
                problems.append(problem)
            case let .success(entry):
                if let earlier = firstLine[entry.studentNumber] {
                    problems.append(.init(line: record.line, problem: "student \(entry.studentNumber) is already on line \(earlier); give each student once"))
                } else {
                    firstLine[entry.studentNumber] = record.line
                    entries.append(entry)
                }
            }
        }
        guard problems.isEmpty else { throw .rows(problems) }
        guard !entries.isEmpty else { throw .noStudents }
        return (entries, columns[.reviewStatus] != nil || columns[.retakeOwed] != nil)
    }

    private static func columns(of header: CSVRecords.Record) throws(RosterImportError) -> [Column: Int] {
        var columns: [Column: Int] = [:]
        for (index, name) in header.fields.enumerated() {
            guard let column = Column(header: name) else {
                throw .header("the column \"\(name)\" is not known; the columns are " + Column.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if columns[column] != nil { throw .header("the column \(column.rawValue) appears twice") }
            columns[column] = index
        }
        let missing = Column.allCases.filter { $0.isRequired && columns[$0] == nil }
        if !missing.isEmpty {
            throw .header("the header lacks " + missing.map { "\($0.rawValue) (\($0.chinese))" }.joined(separator: ", ")
                + "; the first line must name the columns")
        }
        return columns
    }

    private static func entry(_ record: CSVRecords.Record, columns: [Column: Int]) -> Result<RosterLine, RosterImportError.Row> {
        func fail(_ problem: String) -> Result<RosterLine, RosterImportError.Row> { .failure(.init(line: record.line, problem: problem)) }
        if record.fields.count != columns.count {
            return fail("has \(record.fields.count) fields; the header names \(columns.count)")
        }
        func value(_ column: Column) -> String {
            columns[column].map { record.fields[$0].trimmingCharacters(in: .whitespaces) } ?? ""
        }
        for column in Column.allCases where column.isRequired && value(column).isEmpty {
            return fail("\(column.rawValue) (\(column.chinese)) is empty")
        }
        guard let number = StudentNumber(value(.studentNumber)) else {
            return fail("the student number \"\(value(.studentNumber))\" is not \(StudentNumber.rule)")
        }
        guard let tail = IDTail(value(.idTail)) else {
            let given = value(.idTail)
            return fail("id_tail has \(given.count) characters (\"\(String(repeating: "•", count: given.count))\"); it must be \(IDTail.rule)")
        }
        let reason = value(.rejectionReason)
        guard let review = ReviewStatus(word: value(.reviewStatus), reason: reason.isEmpty ? nil : reason) else {
            return value(.reviewStatus) == "rejected"
                ? fail("review_status is rejected without a rejection_reason; the student must be told why")
                : fail("review_status \"\(value(.reviewStatus))\" is not one of " + ReviewStatus.words.joined(separator: ", "))
        }
        guard let retakeOwed = yesNo(value(.retakeOwed)) else {
            return fail("retake_owed \"\(value(.retakeOwed))\" is not yes or no")
        }
        return .success(RosterLine(studentNumber: number, school: value(.school), batch: value(.batch), name: value(.name),
                                   idTail: tail, review: review, retakeOwed: retakeOwed))
    }

    private static func yesNo(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "", "no", "false", "0", "否": false
        case "yes", "true", "1", "是": true
        default: nil
        }
    }
}

/// One checked line of a roster file, as written (the name in full, the ID tail in clear).
public struct RosterLine: Sendable, Hashable {
    public var studentNumber: StudentNumber
    public var school: String
    public var batch: String
    /// Never empty.
    public var name: String
    public var idTail: IDTail
    public var review: ReviewStatus
    public var retakeOwed: Bool
}

/// The students of a roster file.
public struct RosterFile: Sendable, Hashable {
    public var entries: [RosterEntry]
    /// Whether the file gives review statuses or retakes owed; when not, an import keeps
    /// what the station already knows of them.
    public var carriesReview: Bool
}

/// Why a roster file was refused, with the line of every bad row. Nothing of the file is kept.
public enum RosterImportError: Error, Equatable, Sendable, CustomStringConvertible {
    public struct Row: Error, Equatable, Sendable {
        public var line: Int
        public var problem: String

        public init(line: Int, problem: String) {
            self.line = line
            self.problem = problem
        }
    }

    /// The file cannot be read or is not UTF-8 text.
    case unreadable(String)
    case empty
    case header(String)
    case noStudents
    case rows([Row])

    /// How many bad rows a message lists before it counts the rest.
    public static let listedRows = 20

    public var description: String {
        switch self {
        case let .unreadable(problem): return problem
        case .empty: return "the roster file is empty; it needs a header line and one student a line"
        case let .header(problem): return "line 1: \(problem)"
        case .noStudents: return "the roster file has a header but no students"
        case let .rows(rows):
            let listed = rows.prefix(Self.listedRows).map { "line \($0.line): \($0.problem)" }
            let more = rows.count > Self.listedRows ? ["… and \(rows.count - Self.listedRows) more bad rows"] : []
            return "\(rows.count) bad row\(rows.count == 1 ? "" : "s"), nothing imported; fix the file and import it again:\n"
                + (listed + more).joined(separator: "\n")
        }
    }
}
