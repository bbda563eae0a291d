import Foundation
import Roster
import Testing

@Suite struct MaskedNameTests {
    @Test(arguments: [("张三明", "张*明"), ("欧阳春华", "欧阳*华"), ("李明", "李*"), ("王", "*"),
                      ("买买提·艾力", "买买*力"), (" 张三明 ", "张*明")])
    func theNameIsMaskedInTheMiddle(_ name: String, _ masked: String) {
        #expect(MaskedName(masking: name)?.text == masked)
    }

    @Test func anEmptyNameHasNoMaskedForm() {
        #expect(MaskedName(masking: "  ") == nil)
    }
}

@Suite struct IdentityTests {
    @Test func studentNumbersAreFourToTwentyLettersAndDigits() {
        #expect(StudentNumber("2020123456") != nil)
        #expect(StudentNumber("S2020A01") != nil)
        for bad in ["", "123", String(repeating: "1", count: 21), "2020 12", "２０２０１２", "2020-12", "学号1234"] {
            #expect(StudentNumber(bad) == nil, "\(bad)")
        }
    }

    @Test func anIDTailIsThreeDigitsAndADigitOrX() {
        #expect(IDTail("1234") != nil)
        #expect(IDTail("123X") != nil)
        #expect(IDTail("123x") == IDTail("123X"))
        for bad in ["", "123", "12345", "12X4", "X123", "abcd", "１２３４"] {
            #expect(IDTail(bad) == nil, "\(bad)")
        }
    }

    @Test func theTailHashDependsOnTheStationsKeyAndMatchesOnlyItself() {
        let key = IDTailKey.random()
        let tail = IDTail("123X")!
        #expect(key.hash(tail).matches(key.hash(IDTail("123x")!)))
        #expect(!key.hash(tail).matches(key.hash(IDTail("1234")!)))
        #expect(!key.hash(tail).matches(IDTailKey.random().hash(tail)))
        // HMAC-SHA-256 of "123X" under 32 bytes of 0x0b, computed independently with Python's hmac module.
        let fixed = IDTailKey(bytes: [UInt8](repeating: 0x0B, count: 32))!
        let expected = "f7b05d82771a0051791dfbec30f37cda112e55c4e6279be067915724df9138ed"
        #expect(fixed.hash(tail).bytes.map { String(format: "%02x", $0) }.joined() == expected)
    }
}
