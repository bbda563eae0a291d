import Foundation
import StationStore
import StoreTestSupport
import Testing

@Suite struct StartupRepairTests {
    /// Temporary, orphan, unknown, missing and damaged files at once: each is handled by its
    /// rule, reported, logged, and records are never dropped.
    @Test func repairSortsOutEveryKindOfLeftoverAndKeepsEveryRecord() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let photos = folder.appendingPathComponent("photos")
        let (first, second) = try {
            let store = try StationStore(settings: storeSettings(folder))
            try store.importRoster(text: rosterText)
            return (try store.save(acceptedSession(seed: 1)), try store.save(acceptedSession("2020123457", seed: 2)))
        }()
        let firstSpec = try Data(contentsOf: photos.appendingPathComponent("\(first.spec.hex).jpg"))
        let orphanBytes = Data(photoBytes(seed: 99, count: 5000))
        let orphan = try sha256sumOf(orphanBytes, in: folder)
        try orphanBytes.write(to: photos.appendingPathComponent("\(orphan).jpg"))
        try Data("half a photo".utf8).write(to: photos.appendingPathComponent(".\(orphan).jpg.k3j2h1.tmp"))
        try Data("a note".utf8).write(to: photos.appendingPathComponent("notes.txt"))
        try FileManager.default.removeItem(at: photos.appendingPathComponent("\(first.spec.hex).jpg"))
        var damaged = try Data(contentsOf: photos.appendingPathComponent("\(second.source.hex).jpg"))
        damaged[1000] ^= 0xFF
        try damaged.write(to: photos.appendingPathComponent("\(second.source.hex).jpg"))

        let report = try StationStore(settings: storeSettings(folder)).repairReport
        #expect(report.temporaryFilesRemoved == [".\(orphan).jpg.k3j2h1.tmp"])
        #expect(Set(report.filesSetAside.map { "\($0.name) \($0.reason)" })
            == ["\(orphan).jpg orphan", "notes.txt unknownName", "\(second.source.hex).jpg damaged"])
        #expect(Set(report.photoProblems.map { "\($0.receiptCode) \($0.photoKind) \($0.kind)" })
            == ["\(first.receiptCode) spec missing", "\(second.receiptCode) source damaged"])
        #expect(report.description.contains("the record is kept and flagged"))
        #expect(try sqlite(folder, "SELECT count(*) FROM session") == "2")
        #expect(try sqlite(folder, "SELECT sha256 || ' ' || problem FROM photo WHERE problem IS NOT NULL ORDER BY id")
            == "\(first.spec.hex) missing\n\(second.source.hex) damaged")
        let setAside = Set(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("set-aside").path))
        #expect(setAside == ["\(orphan).jpg", "notes.txt", "\(second.source.hex).jpg"])
        #expect(try Data(contentsOf: folder.appendingPathComponent("set-aside/\(orphan).jpg")) == orphanBytes)
        #expect(try sqlite(folder, "SELECT count(*) FROM repairEvent") == "6")

        // Found once, reported once; the flags stay.
        let again = try StationStore(settings: storeSettings(folder)).repairReport
        #expect(again.isClean, "\(again)")
        #expect(try sqlite(folder, "SELECT count(*) FROM photo WHERE problem IS NOT NULL") == "2")

        // The operator restores the missing file from a copy: the flag goes.
        try firstSpec.write(to: photos.appendingPathComponent("\(first.spec.hex).jpg"))
        _ = try StationStore(settings: storeSettings(folder))
        #expect(try sqlite(folder, "SELECT count(*) FROM photo WHERE problem IS NOT NULL") == "1")
    }
}

/// SHA-256 of `bytes` by coreutils.
private func sha256sumOf(_ bytes: Data, in folder: URL) throws -> String {
    let file = folder.appendingPathComponent("hash-input")
    try bytes.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    return try sha256sum(file)
}
