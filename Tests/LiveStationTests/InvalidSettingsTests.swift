import Compliance
import Foundation
import KioskConfiguration
import LiveStation
import SettingsCorpus
import Testing

/// A fresh folder for one test's files.
private func scratchFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("invalid-settings-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

@Suite("Invalid station settings")
struct InvalidSettingsTests {
    @Test func theTableCoversEverySectionWithEnoughRows() throws {
        #expect(invalidSettingsRows.count >= 30)
        let sections = Set(invalidSettingsRows.compactMap { $0.keyPath?.split(separator: ".").first.map(String.init) })
        let json = try JSONSerialization.jsonObject(with: Data(StationConfiguration.standard.json.utf8))
        let every = Set((json as? [String: Any] ?? [:]).keys)
        #expect(!every.isEmpty && every.isSubset(of: sections), "sections without a row: \(every.subtracting(sections).sorted())")
        #expect(invalidSettingsRows.contains { $0.keyPath == nil }, "a file that is not JSON5")
    }

    @Test func everyComplianceThresholdHasItsAllowedRange() {
        let keys = ComplianceLimits.standard.limits.map(\.key) + ComplianceLimits.standard.thresholds.map(\.key)
        #expect(keys.count == Mirror(reflecting: ComplianceLimits.standard).children.count, "a threshold of another kind")
        for key in keys { #expect(ComplianceLimits.allowedRanges[key] != nil, "checks.\(key) has no allowed range") }
    }

    @Test(arguments: invalidSettingsRows)
    func loadingRefusesTheValue(_ row: InvalidSettingsRow) throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("station.json5").path
        try row.file.write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigurationError.self) { try StationConfiguration.load(from: path) }
        guard let error else { return }
        #expect(error.file == path)
        #expect(error.keyPath == row.keyPath, "\(error)")
        #expect(error.location == row.location, "\(error)")
        let place = "\(path):\(row.location.line):\(row.location.column): "
        #expect(error.description.hasPrefix(place), "\(error)")
        for words in row.says { #expect(error.description.contains(words), "\(error)") }
        if case .syntax = error { #expect(row.keyPath == nil) } else { #expect(row.keyPath != nil) }
    }

    @Test func theDefaultsAreValid() throws {
        #expect(try StationConfiguration.decode("{}", file: "empty.json5") == .standard)
        #expect(try StationConfiguration.decode(StationConfiguration.standard.json, file: "shown.json") == .standard)
    }
}
