import Fees
import Foundation
import Testing

@Suite struct FeeSettingsTests {
    let fees = FeeSettings.standard
    let start = CalendarDay("2023-10-14")!
    let end = CalendarDay("2023-11-10")!

    @Test func theWindowsFirstAndLastDayCostTheSchoolsPrice() throws {
        #expect(try fees.quote(batch: "2024", on: start, retakeOwed: false).yuan == 20)
        #expect(try fees.quote(batch: "2024", on: end, retakeOwed: false).yuan == 20)
        #expect(try fees.quote(batch: "2024", on: CalendarDay("2023-10-31")!, retakeOwed: false).basis == .inWindow(start: start, end: end))
    }

    @Test func theDayBeforeAndAfterTheWindowCostSixty() throws {
        for day in ["2023-10-13", "2023-11-11", "2024-03-01"] {
            let quote = try fees.quote(batch: "2024", on: CalendarDay(day)!, retakeOwed: false)
            #expect(quote.yuan == 60, "\(day)")
            #expect(quote.basis == .outsideWindow(start: start, end: end))
        }
    }

    @Test func aRetakeOwedIsFreeInsideAndOutsideTheWindow() throws {
        #expect(try fees.quote(batch: "2024", on: start, retakeOwed: true) == FeeQuote(yuan: 0, basis: .retakeOwed))
        #expect(try fees.quote(batch: "2024", on: CalendarDay("2025-01-01")!, retakeOwed: true).yuan == 0)
    }

    @Test func aBatchWithoutSettingsIsAnErrorNamingTheKnownOnes() {
        #expect(throws: FeeError.unknownBatch("2025", known: ["2024"])) {
            try fees.quote(batch: "2025", on: start, retakeOwed: false)
        }
        #expect(FeeError.unknownBatch("2025", known: ["2024"]).description.contains("fees.batches"))
    }

    @Test func settingsDecodeFromJSONAndKeepDefaultsForWhatIsNotGiven() throws {
        let json = #"{"batches": [{"batch": "2025", "windowStart": "2024-10-12", "windowEnd": "2024-11-08", "inWindowYuan": 25}], "outsideWindowYuan": 60, "retakeYuan": 0}"#
        let decoded = try JSONDecoder().decode(FeeSettings.self, from: Data(json.utf8))
        #expect(try decoded.quote(batch: "2025", on: CalendarDay("2024-10-12")!, retakeOwed: false).yuan == 25)
        #expect(decoded.invalidSetting() == nil)
        let roundTrip = try JSONDecoder().decode(FeeSettings.self, from: JSONEncoder().encode(decoded))
        #expect(roundTrip == decoded)
    }

    @Test func aDateThatIsNotYearMonthDayIsRefusedWhenDecoding() {
        for bad in ["2023-02-29", "2023-10-14T00:00", "14.10.2023", "2023-1-4", ""] {
            let json = #"{"batch": "x", "windowStart": "\#(bad)", "windowEnd": "2023-11-10", "inWindowYuan": 20}"#
            #expect(throws: DecodingError.self, "\(bad)") { try JSONDecoder().decode(FeeSettings.Batch.self, from: Data(json.utf8)) }
        }
        #expect(CalendarDay("2024-02-29") != nil)
    }

    @Test func invalidSettingsNameTheKeyAndWhatIsAllowed() {
        var reversed = fees
        reversed.batches[0].windowEnd = CalendarDay("2023-10-01")!
        #expect(reversed.invalidSetting()?.key == "batches.0.windowEnd")
        #expect(reversed.invalidSetting()?.related == ["batches.0.windowStart"])

        var slip = fees
        slip.outsideWindowYuan = 6000
        #expect(slip.invalidSetting()?.key == "outsideWindowYuan")

        var twice = fees
        twice.batches.append(twice.batches[0])
        #expect(twice.invalidSetting()?.key == "batches.1.batch")

        var unnamed = fees
        unnamed.batches[0].batch = " "
        #expect(unnamed.invalidSetting()?.key == "batches.0.batch")
        #expect(fees.invalidSetting() == nil)
    }
}

@Suite struct PaymentTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func aPaymentNeedsAnOperatorAndAReferenceThatFits() {
        #expect(Payment(yuan: 20, method: .cash, time: now, confirmedBy: "王老师").problem == nil)
        #expect(Payment(yuan: 20, method: .reference("4200001234"), time: now, confirmedBy: "op1").problem == nil)
        #expect(Payment(yuan: 20, method: .cash, time: now, confirmedBy: " ").problem?.contains("operator") == true)
        #expect(Payment(yuan: 20, method: .reference(""), time: now, confirmedBy: "op1").problem?.contains("empty") == true)
        #expect(Payment(yuan: 20, method: .reference(String(repeating: "9", count: 65)), time: now, confirmedBy: "op1").problem != nil)
        #expect(Payment(yuan: 20, method: .noCharge, time: now, confirmedBy: "op1").problem != nil)
        #expect(Payment(yuan: 0, method: .cash, time: now, confirmedBy: "op1").problem != nil)
        #expect(Payment(yuan: 0, method: .noCharge, time: now, confirmedBy: "station").problem == nil)
    }

    @Test func theMethodRoundTripsThroughItsStoredKindAndReference() {
        for method in [PaymentMethod.cash, .noCharge, .reference("AB-12")] {
            #expect(PaymentMethod(kind: method.kind, reference: method.reference) == method)
        }
        #expect(PaymentMethod(kind: "reference", reference: nil) == nil)
        #expect(PaymentMethod(kind: "card", reference: nil) == nil)
    }
}
