import Fees
import FileOutput
import Foundation
import Roster
import StationStore
import StoreTestSupport
import Testing

@Suite struct StationStoreTests {
    @Test func aNewStoreIsSQLiteInWALModeWithItsFolders() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try StationStore(settings: storeSettings(folder))
        try store.importRoster(text: rosterText)
        let header = try [UInt8](Data(contentsOf: folder.appendingPathComponent("station.sqlite")).prefix(20))
        #expect(String(decoding: header.prefix(15), as: UTF8.self) == "SQLite format 3")
        // Bytes 18 and 19 of the header are 2 in WAL mode (SQLite's file format, section 1.3).
        #expect(header[18] == 2 && header[19] == 2)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("photos").path))
        #expect(store.repairReport.isClean)
    }

    @Test func aSavedSessionHasItsFilesUnderTheirSHA256AndThePhotoGoesOutBeforeTheRecord() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try StationStore(settings: storeSettings(folder))
        try store.importRoster(text: rosterText)
        let session = acceptedSession()
        let saved = try store.save(session)
        #expect(saved.receiptCode.count == 9)
        #expect(saved.receiptCode.allSatisfy { $0 == "-" || "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains($0) })
        // The hash from outside the store: sha256sum.
        let spec = folder.appendingPathComponent("photos/\(saved.spec.hex).jpg")
        #expect(try [UInt8](Data(contentsOf: spec)) == session.specJPEG)
        #expect(try sha256sum(spec) == saved.spec.hex)
        #expect(saved.source.size == 150_000)
        let outbox = try store.pendingOutbox()
        #expect(outbox.count == 2)
        #expect(outbox[0].content == .photo(saved.spec, path: spec.path))
        #expect(outbox[1].content == .session(receiptCode: saved.receiptCode))
        #expect(outbox[0].sequence < outbox[1].sequence)
        #expect(try store.progress(of: StudentNumber("2020123456")!) == StudentProgress(photosSaved: 1, photosSent: 0, review: .notReviewed, retakeOwed: false))
        try store.markSent(outbox[0].sequence, at: Date())
        try store.markSent(outbox[1].sequence, at: Date())
        #expect(try store.pendingOutbox().isEmpty)
        #expect(try store.progress(of: StudentNumber("2020123456")!).photosSent == 1)
        #expect(throws: StoreError.self) { try store.markSent(999, at: Date()) }
    }

    @Test func theCollectionCodeIsKeptByteForByte() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try StationStore(settings: storeSettings(folder))
        try store.importRoster(text: rosterText)
        let code = " \u{1}QR,\"码\"\r\n\t "
        _ = try store.save(acceptedSession(code: code))
        let stored = try sqlite(folder, "SELECT hex(collectionCode) FROM session")
        #expect(stored == code.utf8.map { String(format: "%02X", $0) }.joined())
    }

    @Test func aRetakeAfterARejectionIsFreeAndUsesTheRetakeUp() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try StationStore(settings: storeSettings(folder))
        try store.importRoster(text: rosterText)
        let number = StudentNumber("2020123457")!
        try store.recordReview(number, .rejected(reason: "背景颜色不符"))
        #expect(try store.student(number)?.retakeOwed == true)
        #expect(try store.progress(of: number).review == .rejected(reason: "背景颜色不符"))
        _ = try store.save(acceptedSession(number.text, fee: FeeQuote(yuan: 0, basis: .retakeOwed), method: .noCharge))
        #expect(try store.student(number)?.retakeOwed == false)
        #expect(try store.student(number)?.review == .notReviewed)
    }

    @Test func aSessionThatIsNotWholeIsRefusedBeforeAnyFileIsWritten() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try StationStore(settings: storeSettings(folder))
        try store.importRoster(text: rosterText)
        var noCode = acceptedSession()
        noCode.collectionCode = ""
        var underpaid = acceptedSession()
        underpaid.payment.yuan = 10
        for session in [noCode, underpaid, acceptedSession("2099000001")] {
            #expect(throws: StoreError.self) { try store.save(session) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("photos").path).isEmpty)
    }

    @Test func identificationGivesTheSameAnswerForAnUnknownNumberAndAWrongTail() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try StationStore(settings: storeSettings(folder))
        try store.importRoster(text: rosterText)
        #expect(try store.identify(StudentNumber("2020123456")!, tail: IDTail("123x")!)?.name.text == "张*明")
        #expect(try store.identify(StudentNumber("2020123456")!, tail: IDTail("1234")!) == nil)
        #expect(try store.identify(StudentNumber("2099999999")!, tail: IDTail("123X")!) == nil)
    }

    @Test func aSecondProgramOnTheSameStoreIsRefused() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try StationStore(settings: storeSettings(folder))
        #expect(throws: StoreError(folder: folder.path, .inUse)) { try StationStore(settings: storeSettings(folder)) }
        withExtendedLifetime(store) {}
        #expect(StoreError(folder: folder.path, .inUse).refusesNewSessions)
    }

    /// Another program (util-linux's flock) holds the store's lock for half a second, as a
    /// station still stopping when the next starts: the store opens once it lets go.
    @Test func aStoreTheLastProgramIsLettingGoOfOpensOnceItHas() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let held = folder.appendingPathComponent("held")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [folder.appendingPathComponent("station.lock").path, "-c", "touch '\(held.path)'; sleep 0.5"]
        try holder.run()
        defer { holder.waitUntilExit() }
        while !FileManager.default.fileExists(atPath: held.path) {
            #expect(holder.isRunning, "flock ended before it held the lock")
            guard holder.isRunning else { return }
            usleep(10_000)
        }
        let store = try StationStore(settings: storeSettings(folder))
        #expect(!holder.isRunning, "the store opened while the other program still held its lock")
        withExtendedLifetime(store) {}
    }

    @Test func aDamagedDatabaseIsNamedAndTheStationRefusesNewSessions() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("this is not a database, it was overwritten by mistake".utf8).write(to: folder.appendingPathComponent("station.sqlite"))
        do {
            _ = try StationStore(settings: storeSettings(folder))
            Issue.record("a damaged database was opened")
        } catch {
            guard case .databaseDamaged = error.reason else { Issue.record("\(error)"); return }
            #expect(error.refusesNewSessions)
            #expect(error.description.contains("is damaged"))
            #expect(error.description.contains("copy it elsewhere"))
            #expect(error.chinese.contains("暂停拍照"))
        }
    }

    @Test func aDatabaseWithAPageOverwrittenIsFoundDamaged() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            let store = try StationStore(settings: storeSettings(folder))
            try store.importRoster(text: rosterText)
            for seed in 0..<20 { _ = try store.save(acceptedSession(seed: UInt64(seed))) }
        }
        // Check the WAL into the database file, then scribble over its second page.
        _ = try sqlite(folder, "PRAGMA wal_checkpoint(TRUNCATE)")
        let handle = try FileHandle(forWritingTo: folder.appendingPathComponent("station.sqlite"))
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(photoBytes(seed: 7, count: 4096)))
        try handle.close()
        #expect {
            _ = try StationStore(settings: storeSettings(folder))
        } throws: { error in
            guard let error = error as? StoreError, case .databaseDamaged = error.reason else { return false }
            return true
        }
    }
}

/// SHA-256 by coreutils, not by the code under test.
func sha256sum(_ file: URL) throws -> String {
    String(try run("/usr/bin/sha256sum", [file.path]).prefix(64))
}

/// A query by the sqlite3 program, not by the code under test.
func sqlite(_ folder: URL, _ sql: String) throws -> String {
    try run("/usr/bin/sqlite3", [folder.appendingPathComponent("station.sqlite").path, sql]).trimmingCharacters(in: .whitespacesAndNewlines)
}

func run(_ tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
