import Fees
import Foundation
import IdentityCheck
import Roster
import StationStore
import Testing

/// What the operator's commands read from the store (records, export, purge) and the
/// identity check a session carries.
@Suite struct OperatorQueryTests {
    private func store(_ folder: URL, retentionDays: Int = 30) throws -> StationStore {
        var settings = storeSettings(folder)
        settings.confirmedPhotoRetentionDays = retentionDays
        let store = try StationStore(settings: settings)
        try store.importRoster(text: rosterText)
        return store
    }

    @Test func aRecordShowsTheMaskedNameAndOnlyTheLengthOfTheCollectionCode() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try store(folder)
        let code = "QR:加密的采集码,\n0123456789"
        let check = IdentityCheckResult.compared(distance: 0.41, threshold: 0.6, samePerson: true)
        var session = acceptedSession(code: code)
        session.identityCheck = check
        let saved = try store.save(session)
        let records = try store.records()
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.maskedName == "张*明")
        #expect(record.collectionCodeBytes == code.utf8.count)
        #expect(record.identityCheck == check)
        #expect(record.photos.map(\.kind) == ["spec", "source"])
        #expect(record.photoSentAt == nil && record.recordSentAt == nil)
        // By receipt code, in lower case and without the dash, and by student number.
        let typed = saved.receiptCode.lowercased().replacingOccurrences(of: "-", with: "")
        #expect(try store.records(matching: typed).map(\.receiptCode) == [saved.receiptCode])
        #expect(try store.records(matching: "2020123456").count == 1)
        #expect(try store.records(matching: "2020123457").isEmpty)
        // The check as sqlite3 reads it.
        #expect(try sqlite(folder, "SELECT verdict, distance, threshold FROM identityCheck") == "match|0.41|0.6")
    }

    @Test func aSessionWithoutAComparisonStoresWhyAndOneWithoutACheckStoresNone() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try store(folder)
        var session = acceptedSession()
        session.identityCheck = .couldNotCompare(.noEnrollmentFace)
        _ = try store.save(session)
        _ = try store.save(acceptedSession("2020123457", seed: 7))
        #expect(try sqlite(folder, "SELECT verdict, obstacle, distance IS NULL FROM identityCheck") == "could-not-compare|no-enrollment-face|1")
        #expect(try store.records().map(\.identityCheck) == [.couldNotCompare(.noEnrollmentFace), nil])
    }

    @Test func anEnrollmentDescriptorIsKeptAsTheValuesGivenAndAWrongLengthIsRefused() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try store(folder)
        let number = StudentNumber("2020123456")!
        #expect(try store.enrollmentDescriptor(of: number) == nil)
        let values = (0..<128).map { Float($0) * 0.01 - 0.5 }
        try store.setEnrollmentDescriptor(values, for: number)
        #expect(try store.enrollmentDescriptor(of: number) == values)
        #expect(try sqlite(folder, "SELECT length(enrollmentDescriptor) FROM student WHERE studentNumber = '2020123456'") == "512")
        #expect(throws: StoreError.self) { try store.setEnrollmentDescriptor([1, 2, 3], for: number) }
        #expect(throws: StoreError.self) { try store.setEnrollmentDescriptor(values, for: StudentNumber("9999999999")!) }
        try store.setEnrollmentDescriptor(nil, for: number)
        #expect(try store.enrollmentDescriptor(of: number) == nil)
    }

    @Test func purgeTakesOnlyConfirmedCopiesWhoseRetentionHasPassedAndMarksTheRecordFirst() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var store: StationStore? = try store(folder, retentionDays: 30)
        try purgeDue(store!, folder)
        // Closed and opened again: start-up repair finds nothing amiss.
        let settings = store!.settings
        store = nil
        let reopened = try StationStore(settings: settings)
        #expect(reopened.repairReport.isClean, "\(reopened.repairReport)")
    }

    private func purgeDue(_ store: StationStore, _ folder: URL) throws {
        let confirmed = try store.save(acceptedSession(seed: 1))
        let waiting = try store.save(acceptedSession("2020123457", seed: 2))
        let accepted = acceptedSession().acceptedAt
        // The first session's photo and record reach the server a day after it was taken.
        for entry in try store.pendingOutbox() where entry.sessionId == confirmed.id {
            try store.markSent(entry.sequence, at: accepted + 86_400)
        }
        #expect(try store.purgeCandidates(at: accepted + 20 * 86_400).isEmpty)
        // 31 days after the confirmation: the photo; the source frame keeps its 90 days.
        let month = try store.purgeCandidates(at: accepted + 32 * 86_400)
        #expect(month.map(\.kind) == ["spec"])
        #expect(month.map(\.receiptCode) == [confirmed.receiptCode])
        let later = accepted + 91 * 86_400
        let due = try store.purgeCandidates(at: later)
        #expect(due.map(\.kind) == ["spec", "source"])
        #expect(!due.contains { $0.receiptCode == waiting.receiptCode })
        let removed = try store.purge(due, at: later)
        #expect(Set(removed) == [folder.appendingPathComponent("photos/\(confirmed.spec.hex).jpg").path,
                                 folder.appendingPathComponent("photos/\(confirmed.source.hex).jpg").path])
        #expect(removed.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        #expect(try sqlite(folder, "SELECT count(*) FROM photo WHERE removedAt IS NOT NULL") == "2")
        #expect(try store.purgeCandidates(at: later).isEmpty)
        // The unconfirmed session's files are all there.
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("photos/\(waiting.spec.hex).jpg").path))
    }

    @Test func aFileAnotherKeptRecordSharesStaysWhenOneRecordIsPurged() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try store(folder)
        // The same bytes saved twice (a retake of the very same photo): one file, two records.
        let first = try store.save(acceptedSession(seed: 5))
        _ = try store.save(acceptedSession(seed: 5))
        let accepted = acceptedSession().acceptedAt
        for entry in try store.pendingOutbox() where entry.sessionId == first.id {
            try store.markSent(entry.sequence, at: accepted)
        }
        let due = try store.purgeCandidates(at: accepted + 40 * 86_400)
        #expect(due.map(\.kind) == ["spec"])
        #expect(try store.purge(due, at: accepted + 40 * 86_400).isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("photos/\(first.spec.hex).jpg").path))
    }

    @Test func anExportHoldsTheNewestAcceptedPhotoOfEachStudentByNumberWithChecksums() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try store(folder)
        _ = try store.save(acceptedSession(seed: 1))
        let newest = try store.save(acceptedSession(seed: 2, code: "第二次,\"retake\""))
        _ = try store.save(acceptedSession("2020123457", seed: 3))
        try store.recordReview(StudentNumber("2020123457")!, .rejected(reason: "背景不均匀"))
        let selection = try store.acceptedPhotos(batch: "2024")
        #expect(selection.photos.map(\.studentNumber) == ["2020123456"])
        #expect(selection.photos.first?.receiptCode == newest.receiptCode)
        #expect(selection.skipped.map(\.studentNumber) == ["2020123457"])
        #expect(selection.knownBatches == ["2024"])
        #expect(try store.acceptedPhotos(batch: "1999").knownBatches == ["2024"])

        let target = folder.appendingPathComponent("export")
        try BatchExport.write(selection, to: target.path)
        let names = try FileManager.default.contentsOfDirectory(atPath: target.path).sorted()
        #expect(names == ["2020123456.jpg", "manifest.csv"])
        #expect(try sha256sum(target.appendingPathComponent("2020123456.jpg")) == newest.spec.hex)
        let manifest = try String(contentsOf: target.appendingPathComponent("manifest.csv"), encoding: .utf8)
        let lines = manifest.split(separator: "\r\n")
        #expect(lines.count == 2)
        #expect(lines[1].hasPrefix("2020123456.jpg,2020123456,北京大学,2024,\(newest.spec.hex),40000,\(newest.receiptCode),"))
        #expect(lines[1].hasSuffix(",\"第二次,\"\"retake\"\"\""))
        // Nothing is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test func anExportIntoAFolderWithFilesIsRefusedUnlessOverwritingAndADamagedPhotoStopsIt() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try store(folder)
        let saved = try store.save(acceptedSession(seed: 1))
        let selection = try store.acceptedPhotos(batch: "2024")
        let target = folder.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: target.appendingPathComponent("notes.txt"))
        #expect(throws: BatchExport.Failure.targetNotEmpty(target.path)) { try BatchExport.write(selection, to: target.path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == ["notes.txt"])
        try BatchExport.write(selection, to: target.path, overwrite: true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).sorted() == ["2020123456.jpg", "manifest.csv", "notes.txt"])

        // One byte changed in the station's file: no folder appears.
        let photo = folder.appendingPathComponent("photos/\(saved.spec.hex).jpg")
        var bytes = try Data(contentsOf: photo)
        bytes[100] ^= 0xFF
        try bytes.write(to: photo)
        let fresh = folder.appendingPathComponent("fresh")
        #expect(throws: BatchExport.Failure.damaged(studentNumber: "2020123456", path: photo.path)) {
            try BatchExport.write(selection, to: fresh.path)
        }
        #expect(!FileManager.default.fileExists(atPath: fresh.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test func aRosterPathThatIsNotAFileIsNamedWithoutReadingIt() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("roster.csv").path
        #expect(mkfifo(fifo, 0o644) == 0)
        // A FIFO with no writer would block a plain read for ever.
        #expect(throws: RosterImportError.unreadable("\(fifo) is a named pipe (FIFO), not a file; give the roster's CSV file")) {
            try StationStore.rosterText(fileAt: fifo)
        }
        #expect(throws: RosterImportError.unreadable("\(folder.path) is a folder, not a file; give the roster's CSV file")) {
            try StationStore.rosterText(fileAt: folder.path)
        }
        let latin1 = folder.appendingPathComponent("latin1.csv")
        try Data([0x4E, 0x61, 0x6D, 0xE9, 0x0A]).write(to: latin1)
        #expect(throws: RosterImportError.self) { try StationStore.rosterText(fileAt: latin1.path) }
        #expect(throws: RosterImportError.self) { try StationStore.rosterText(fileAt: folder.appendingPathComponent("none.csv").path) }
    }

}
