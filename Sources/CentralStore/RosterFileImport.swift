import Roster
import SyncWire

extension CentralStore {
    /// Imports a roster file's text (the station's CSV columns, `RosterCSV`): the whole file
    /// is checked first and goes in one transaction. Students already held keep their review
    /// unless the file gives review columns.
    public func importRoster(csv text: String) async throws(CentralStoreError) -> RosterImportSummary {
        let file: (lines: [RosterLine], carriesReview: Bool)
        do {
            file = try RosterCSV.lines(text)
        } catch {
            throw .invalid("\(error)")
        }
        let students = file.lines.map { line in
            Student(studentNumber: line.studentNumber.text, school: line.school, batch: line.batch, name: line.name,
                    idTail: line.idTail.text, review: ReviewState(rawValue: line.review.word) ?? .notReviewed,
                    rejectionReason: line.review.rejectionReason, retakeOwed: line.retakeOwed)
        }
        return try await importStudents(students, keepingReview: !file.carriesReview)
    }
}
