import Compliance
import DataCache
import FaceKit
import Foundation
import Testing

@Suite(.enabled(if: DataCache.standard.isPopulated, "\(DataCache.standard.missingMessage)"))
struct EvaluationTests {
    @Test func labelledSetRates() throws {
        let evaluation = try ComplianceEvaluation.run(detector: FaceDetector())
        print(evaluation.table())
        if ProcessInfo.processInfo.environment["COMPLIANCE_DUMP"] != nil {
            for o in evaluation.outcomes {
                let values = o.results.map { "\($0.id.rawValue)=\($0.value.map { String(format: "%.3f", $0) } ?? "-")\($0.verdict == .fail ? "!" : $0.verdict == .warn ? "?" : "")" }
                print("DUMP \(o.original) | \(o.defect?.description ?? "clean") | \(o.variation) | \(values.joined(separator: " "))")
            }
        }
    }
}
