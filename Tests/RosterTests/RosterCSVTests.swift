import Roster
import Testing

@Suite struct RosterCSVTests {
    let key = IDTailKey.random()
    let header = "student_number,school,batch,name,id_tail\n"

    @Test func aGoodFileGivesEveryStudentWithMaskedNameAndHashedTail() throws {
        let text = "\u{FEFF}" + header + "2020123456,北京大学,2024,张三明,123X\r\n2020123457,\"北京大学, 医学部\",2024,欧阳春华,0011\n\n"
        let file = try RosterCSV.parse(text, key: key)
        #expect(file.entries.count == 2)
        #expect(file.entries[0].name.text == "张*明")
        #expect(file.entries[1].school == "北京大学, 医学部")
        #expect(file.entries[1].name.text == "欧阳*华")
        #expect(file.entries[0].idTailHash.matches(key.hash(IDTail("123X")!)))
        #expect(!file.carriesReview)
    }

    @Test func chineseHeadersInAnyOrderAndTheReviewColumnsAreRead() throws {
        let text = "姓名,学号,身份证后四位,批次,学校,审核状态,驳回原因,免费重拍\n李明,S2020001,5678,2024,清华大学,rejected,背景不是浅蓝色,是\n"
        let file = try RosterCSV.parse(text, key: key)
        #expect(file.entries[0].review == .rejected(reason: "背景不是浅蓝色"))
        #expect(file.entries[0].retakeOwed)
        #expect(file.carriesReview)
    }

    @Test func everyBadRowIsReportedWithItsLineAndNothingIsReturned() {
        let text = header + """
            2020123456,北京大学,2024,张三明,123X
            2020123457,北京大学,2024,,1234
            20-20,北京大学,2024,李四,1234
            2020123458,北京大学,2024,王五,12345
            2020123456,北京大学,2024,张三明,123X
            2020123459,北京大学,2024,赵六
            """
        do {
            _ = try RosterCSV.parse(text, key: key)
            Issue.record("a file with bad rows was accepted")
        } catch {
            guard case let .rows(rows) = error else { Issue.record("\(error)"); return }
            #expect(rows.map(\.line) == [3, 4, 5, 6, 7])
            #expect(rows[0].problem.contains("name"))
            #expect(rows[1].problem.contains("student number"))
            #expect(rows[2].problem.contains("5 characters"))
            #expect(!rows[2].problem.contains("12345"), "the tail is never echoed")
            #expect(rows[3].problem.contains("line 2"))
            #expect(rows[4].problem.contains("4 fields"))
            #expect(error.description.contains("nothing imported"))
        }
    }

    @Test func aQuotedFieldOverSeveralLinesKeepsTheLineNumbersRight() {
        let text = header + "2020123456,\"北京\n大学\",2024,张三明,123X\n2020123457,北京大学,2024,李四,12\n"
        #expect(throws: RosterImportError.rows([.init(line: 4, problem: "id_tail has 2 characters (\"••\"); it must be \(IDTail.rule)")])) {
            try RosterCSV.parse(text, key: key)
        }
    }

    @Test func aBadHeaderIsRefusedOnLineOne() {
        #expect(throws: RosterImportError.self) { try RosterCSV.parse("student_number,school,batch,name\n1234,a,b,c\n", key: key) }
        do {
            _ = try RosterCSV.parse("student_number,school,batch,name,id_tail,phone\n", key: key)
        } catch {
            #expect(error.description.hasPrefix("line 1: the column \"phone\" is not known"))
        }
        #expect(throws: RosterImportError.empty) { try RosterCSV.parse("", key: key) }
        #expect(throws: RosterImportError.noStudents) { try RosterCSV.parse(header, key: key) }
        #expect(throws: RosterImportError.rows([.init(line: 2, problem: "a quoted field is never closed (a \" is missing)")])) {
            try RosterCSV.parse(header + "1234,\"a,b,c,1234\n", key: key)
        }
    }
}
