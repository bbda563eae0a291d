import DataCache
import Foundation
import Testing

/// Suites that need the real photos are disabled without them, which on a developer's machine
/// is a skip with the reason. Under CI=true the data step has run, so missing data is a fault
/// of the set-up, and this test turns the skips into a failure.
@Suite("Test data under CI")
struct TestDataPresenceTests {
    let underCI = ProcessInfo.processInfo.environment["CI"] == "true"

    @Test func theDataCacheIsFilledUnderCI() {
        #expect(!underCI || DataCache.standard.isPopulated, "\(DataCache.standard.missingMessage)")
        let matteSet = DataCache.standard.matteEvaluation.appendingPathComponent("cases.json")
        #expect(!underCI || FileManager.default.fileExists(atPath: matteSet.path), "no matte evaluation set at \(matteSet.path)")
    }

    @Test func theSharedStationFramesArePresentUnderCI() {
        let cases = DataCache.stationFrames.appendingPathComponent("cases.json")
        #expect(!underCI || FileManager.default.fileExists(atPath: cases.path), "no shared station frames at \(cases.path)")
    }
}
