import Fees
import Foundation
import Roster
import StationStore
import StoreTestSupport

/// A new empty folder under the temporary directory.
func scratchFolder(_ name: String = "store") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func storeSettings(_ folder: URL) -> StoreSettings {
    var settings = StoreSettings()
    settings.folder = folder.path
    settings.minimumFreeMegabytes = 10
    return settings
}

let rosterText = """
    student_number,school,batch,name,id_tail
    2020123456,北京大学,2024,张三明,123X
    2020123457,北京大学,2024,欧阳春华,0011
    2020123458,清华大学,2024,李明,5678

    """

func acceptedSession(_ number: String = "2020123456", seed: UInt64 = 1, code: String = "QR:ZXhhbXBsZQ==\n 原样",
                     fee: FeeQuote = FeeQuote(yuan: 20, basis: .inWindow(start: CalendarDay("2023-10-14")!, end: CalendarDay("2023-11-10")!)),
                     method: PaymentMethod = .cash) -> AcceptedSession {
    let now = Date(timeIntervalSince1970: 1_698_000_000)
    return AcceptedSession(studentNumber: StudentNumber(number)!, collectionCode: code, startedAt: now, acceptedAt: now + 60,
                           specJPEG: photoBytes(seed: seed, count: 40_000), sourceFrame: photoBytes(seed: seed + 1_000_000, count: 150_000),
                           checkReportJSON: #"{"spec":"diploma-blue","results":[]}"#, fee: fee,
                           payment: Payment(yuan: fee.yuan, method: method, time: now + 90, confirmedBy: "王老师"))
}
