import Compliance
import Foundation
import ImageKit
import PhotoStandard
import Testing

struct LimitTests {
    @Test func upperLimitWarnsThenFails() {
        let limit = Limit.atMost(warn: 3, fail: 5)
        #expect(limit.verdict(2.9) == .pass)
        #expect(limit.verdict(4) == .warn)
        #expect(limit.verdict(5.1) == .fail)
        #expect(limit.description == "warn > 3, fail > 5")
    }

    @Test func lowerLimitWarnsThenFails() {
        let limit = Limit.atLeast(warn: 0.2, fail: 0.15)
        #expect(limit.verdict(0.3) == .pass)
        #expect(limit.verdict(0.18) == .warn)
        #expect(limit.verdict(0.1) == .fail)
    }

    @Test func limitsRoundTripThroughJSON() throws {
        var limits = ComplianceLimits()
        limits.roll = .atMost(warn: 2, fail: 4)
        let decoded = try JSONDecoder().decode(ComplianceLimits.self, from: JSONEncoder().encode(limits))
        #expect(decoded == limits)
    }
}

struct ReportTests {
    static func result(_ id: CheckID, _ verdict: Verdict) -> CheckResult {
        CheckResult(id: id, clause: id.rawValue, value: 1, unit: "", limit: "", verdict: verdict,
                    hint: Hint("提示", "hint"))
    }

    @Test func verdictIsTheWorstCheckedClause() {
        let passing = ComplianceReport(spec: "x", results: [Self.result(.roll, .pass), Self.result(.makeUp, .notChecked)])
        #expect(passing.verdict == .pass)
        let warning = passing.merging([Self.result(.yaw, .warn)])
        #expect(warning.verdict == .warn)
        #expect(warning.merging([Self.result(.roll, .fail)]).verdict == .fail)
        #expect(warning.merging([Self.result(.roll, .fail)]).results.filter { $0.id == .roll }.count == 1)
    }

    @Test func passingResultsCarryNoHint() {
        #expect(Self.result(.roll, .pass).hint == nil)
        #expect(Self.result(.roll, .fail).hint != nil)
    }

    @Test func reportRoundTripsThroughJSONWithItsVerdict() throws {
        let report = ComplianceReport(spec: "cn-diploma-blue", results: [Self.result(.sharpness, .fail), Self.result(.roll, .pass)])
        let json = try report.json()
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        #expect(object?["verdict"] as? String == "fail")
        let decoded = try JSONDecoder().decode(ComplianceReport.self, from: json)
        #expect(decoded == report)
        #expect(decoded.results.map(\.id) == [.roll, .sharpness], "results are kept in check order")
    }
}

/// The file clauses, on JPEGs made here with known properties.
struct FileClauseTests {
    let spec = PhotoSpec.diplomaBlue

    func flat(_ color: RGBColor, width: Int = 480, height: Int = 640) -> RGBImage {
        RGBImage(width: width, height: height) { _, _ in [color.r, color.g, color.b] }
    }

    func verdicts(_ bytes: [UInt8]) throws -> [CheckID: Verdict] {
        let results = PhotoChecks(spec: spec).file(try JPEG.info(bytes), bytes: bytes.count)
        return Dictionary(uniqueKeysWithValues: results.map { ($0.id, $0.verdict) })
    }

    @Test func specFileMeetsSizeColourFormatDensityAndQuality() throws {
        let bytes = try JPEG.encode(flat(spec.background), options: .init(quality: 80, density: .dpi(300)))
        let v = try verdicts(bytes)
        for id in [CheckID.fileSize, .fileColour, .fileFormat, .fileDensity, .fileQuality] { #expect(v[id] == .pass, "\(id)") }
        // A flat image compresses far below the 20 KB floor.
        #expect(v[.fileBytes] == .fail)
    }

    @Test func eachBrokenFileClauseFails() throws {
        #expect(try verdicts(JPEG.encode(flat(spec.background, width: 481), options: .init(density: .dpi(300))))[.fileSize] == .fail)
        #expect(try verdicts(JPEG.encode(flat(spec.background).grayscale(), options: .init(density: .dpi(300))))[.fileColour] == .fail)
        #expect(try verdicts(JPEG.encode(flat(spec.background), options: .init(density: .dpi(72))))[.fileDensity] == .fail)
        #expect(try verdicts(JPEG.encode(flat(spec.background), options: .init(quality: 40)))[.fileQuality] == .fail)
    }

    @Test func backgroundColourIsMeasuredAgainstTheSpec() {
        let checks = PhotoChecks(spec: spec)
        #expect(checks.backgroundColour(flat(spec.background)).verdict == .pass)
        let off = checks.backgroundColour(flat(RGBColor(r: 120, g: 185, b: 235)))
        #expect(off.verdict == .fail)
        #expect((off.value ?? 0) > 2 * spec.backgroundTolerance)
        #expect(PhotoChecks(spec: .diplomaWhite).backgroundColour(flat(spec.background)).verdict == .fail)
    }

    @Test func unjudgeableClausesAreListedAsNotChecked() {
        let ids = Set(PhotoChecks.notChecked.map(\.id))
        #expect(ids == [.makeUp, .jewellery, .earsVisible, .headCovering, .tintedGlasses, .clothingPattern])
        #expect(PhotoChecks.notChecked.allSatisfy { $0.verdict == .notChecked && $0.detail != nil })
    }
}
