import Fees
import Foundation
import Roster
import StationStore

/// The station store's commit time per photo: `StationStore.save` of a whole accepted
/// session (a 60 KB photo and a 400 KB source frame made durable, then the one transaction),
/// on the disk of the temporary folder, as the station does after each student. Target
/// (issue 14): under 50 ms.
public struct StoreBenchmarks: BenchmarkSuite {
    public let name = "store"
    public let summary = "Station store: saving one accepted session (photo files fsynced, then the commit)"

    public init() {}

    public func run(_ context: BenchmarkContext) throws -> [BenchmarkResult] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var settings = StoreSettings()
        settings.folder = folder.path
        let store = try StationStore(settings: settings)
        try store.importRoster(text: "student_number,school,batch,name,id_tail\n2020000001,北京大学,2024,张三明,123X\n")
        var generator = SystemRandomNumberGenerator()
        let fee = FeeQuote(yuan: 20, basis: .inWindow(start: CalendarDay("2023-10-14")!, end: CalendarDay("2023-11-10")!))
        var index = 0
        func session() -> AcceptedSession {
            // Fresh bytes every time: the store keeps one file per content.
            func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) } }
            index += 1
            return AcceptedSession(studentNumber: StudentNumber("2020000001")!, collectionCode: "BENCH-\(index)",
                                   startedAt: Date(), acceptedAt: Date(), specJPEG: bytes(60_000), sourceFrame: bytes(400_000),
                                   checkReportJSON: "{}", fee: fee, payment: Payment(yuan: 20, method: .cash, time: Date(), confirmedBy: "bench"))
        }
        var timings: [Double] = []
        for round in 0..<(context.warmup + context.iterations) {
            let next = session()
            let start = ContinuousClock.now
            _ = try store.save(next)
            let elapsed = ContinuousClock.now - start
            if round >= context.warmup {
                timings.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
            }
        }
        return [BenchmarkResult(suite: name, name: "save one session (60 KB photo + 400 KB frame)", timings: timings,
                                figures: ["bytes": 460_000])]
    }
}
