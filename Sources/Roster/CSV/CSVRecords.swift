/// The records of a CSV text (RFC 4180: commas, double quotes around fields that hold
/// commas, quotes or line breaks, `""` for a quote), each with the line it starts on.
///
/// A UTF-8 byte-order mark at the start (spreadsheets write one) is dropped; CRLF and LF both end a line.
struct CSVRecords {
    struct Record {
        var line: Int
        var fields: [String]
    }

    enum Failure: Error, Equatable {
        /// A quoted field still open at the end of the text, from `line`.
        case unclosedQuote(line: Int)
        /// Text after a closing quote, e.g. `"a"b`.
        case textAfterQuote(line: Int)
    }

    static func parse(_ text: String) throws(Failure) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var quoted = false
        var afterQuote = false
        var quoteLine = 1
        var characters = Array(text)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var index = 0
        func endRecord() {
            fields.append(field)
            // A line with nothing on it is not a record (a blank line, the newline at the end).
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            field = ""
            afterQuote = false
        }
        while index < characters.count {
            let character = characters[index]
            index += 1
            if quoted {
                if character == "\"" {
                    if index < characters.count, characters[index] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    // Swift reads CRLF as one character; both count as a line.
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
                quoteLine = line
            default:
                if afterQuote { throw .textAfterQuote(line: line) }
                field.append(character)
            }
        }
        if quoted { throw .unclosedQuote(line: quoteLine) }
        endRecord()
        return records
    }
}
