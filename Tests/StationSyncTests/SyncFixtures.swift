import Foundation
import KioskProgram
import Roster
import StationStore
import StoreTestSupport

/// A new empty folder under the temporary directory.
func scratchFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A store in `folder` with the crash sessions' student, holding sessions `0..<count`
/// (`CrashSession`: the bytes of each made from its number).
func stationStore(in folder: URL, sessions count: Int = 0) throws -> StationStore {
    var settings = StoreSettings()
    settings.folder = folder.path
    settings.minimumFreeMegabytes = 10
    let store = try StationStore(settings: settings)
    if try store.student(CrashSession.student) == nil { try store.importRoster(text: CrashSession.roster) }
    let have = try store.sessions().count
    for index in have..<max(have, count) { _ = try store.save(CrashSession.session(index)) }
    return store
}

/// Runs a program to its end and gives what it printed; a failure names the program and its error output.
@discardableResult
func output(_ program: String, _ arguments: [String]) throws -> String {
    try KioskProgram.output(of: program, arguments)
}

struct ProgramFailure: Error, CustomStringConvertible {
    var description: String
}

/// A SQL query on a database file through the sqlite3 program: the check from outside the code.
func sqlite(_ database: URL, _ query: String) throws -> [String] {
    try output("/usr/bin/sqlite3", [database.path, query]).split(separator: "\n").map(String.init)
}
