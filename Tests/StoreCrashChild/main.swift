// kiosk-store-crash-child STORE LOG [SESSIONS]
//
// Test tooling for StationStoreTests' crash test, not shipped: opens the store at STORE
// (which runs start-up repair), prints "ready", then saves sessions with photos until the
// store holds SESSIONS (default 100000) or it is killed. Session i has the collection code
// "CRASH-i" and photo bytes made from i (StoreTestSupport.CrashSession), so the test can check every byte.
// After each save returns it appends "saved i RECEIPT" to LOG; after repair, one "repair"
// line with what repair did.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StationStore
import StoreTestSupport

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: kiosk-store-crash-child STORE LOG [SESSIONS]\n".utf8))
    exit(2)
}
let limit = arguments.count > 3 ? Int(arguments[3]) ?? 100_000 : 100_000
let log = open(arguments[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)

func note(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(log, $0.baseAddress, $0.count) }
}

do {
    var settings = StoreSettings()
    settings.folder = arguments[1]
    settings.minimumFreeMegabytes = 10
    let store = try StationStore(settings: settings)
    let report = store.repairReport
    note("repair temporary=\(report.temporaryFilesRemoved.count) setAside=\(report.filesSetAside.count) "
        + "problems=\(report.photoProblems.count) verified=\(report.photosVerified)")
    if try store.student(CrashSession.student) == nil { try store.importRoster(text: CrashSession.roster) }
    FileHandle.standardOutput.write(Data("ready\n".utf8))
    var next = try store.sessions().count
    while next < limit {
        let saved = try store.save(CrashSession.session(next))
        note("saved \(next) \(saved.receiptCode)")
        next += 1
    }
} catch {
    FileHandle.standardError.write(Data("kiosk-store-crash-child: \(error)\n".utf8))
    exit(1)
}
