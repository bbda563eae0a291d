import Fees
import Foundation
import Roster
import StationStore

/// The sessions the crash child saves, made from their number alone, so that the crash test
/// can check every byte the store holds.
public enum CrashSession {
    public static let student = StudentNumber("2020000001")!
    public static let roster = "student_number,school,batch,name,id_tail\n2020000001,测试大学,2024,张三明,1234\n"

    /// Session `index`: collection code `CRASH-index`, photos from `photoBytes`.
    public static func session(_ index: Int) -> AcceptedSession {
        let now = Date(timeIntervalSince1970: 1_698_000_000 + Double(index))
        let fee = FeeQuote(yuan: 20, basis: .inWindow(start: CalendarDay("2023-10-14")!, end: CalendarDay("2023-11-10")!))
        return AcceptedSession(studentNumber: student, collectionCode: "CRASH-\(index)", startedAt: now, acceptedAt: now,
                               specJPEG: spec(index), sourceFrame: source(index),
                               checkReportJSON: "{}", fee: fee,
                               payment: Payment(yuan: 20, method: .cash, time: now, confirmedBy: "crash-test"))
    }

    public static func spec(_ index: Int) -> [UInt8] { photoBytes(seed: UInt64(index) * 2 + 1, count: 30_000 + index % 7 * 1000) }

    public static func source(_ index: Int) -> [UInt8] { photoBytes(seed: UInt64(index) * 2 + 2, count: 120_000) }
}

/// Bytes standing in for a photo (the store never decodes them): xorshift from `seed`,
/// different for every seed and the same on every run.
public func photoBytes(seed: UInt64, count: Int) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state)
    }
}
