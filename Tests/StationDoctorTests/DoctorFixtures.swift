#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskProgram
import StationStore
import StoreTestSupport

/// A new empty folder under the temporary directory.
func scratchFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Store settings for `folder`, asking for less free space than a small test disk has.
func storeSettings(_ folder: URL, minimumFreeMegabytes: Int = 10) -> StoreSettings {
    var settings = StoreSettings()
    settings.folder = folder.path
    settings.minimumFreeMegabytes = minimumFreeMegabytes
    return settings
}

/// A store in `folder` holding `count` sessions (`CrashSession`, accepted in 2023), closed again.
func makeStore(in folder: URL, sessions count: Int) throws {
    let store = try StationStore(settings: storeSettings(folder))
    try store.importRoster(text: CrashSession.roster)
    for index in 0..<count { _ = try store.save(CrashSession.session(index)) }
}

/// Runs a program to its end and gives what it printed; a failure names it and its error output.
@discardableResult
func output(_ program: String, _ arguments: [String]) throws -> String {
    try KioskProgram.output(of: program, arguments)
}

/// SQL on the store's database through the sqlite3 program, not the code under test.
@discardableResult
func sqlite(_ folder: URL, _ sql: String) throws -> String {
    try output("/usr/bin/sqlite3", [folder.appendingPathComponent(StationStore.databaseName).path, sql])
        .trimmingCharacters(in: .whitespacesAndNewlines)
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
}

/// A loopback port nothing listens on: bound, read, and closed again.
func closedPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw TestFailure(description: "cannot bind a loopback socket") }
    return UInt16(bigEndian: address.sin_port)
}

/// The built `kiosk-server` serving a data folder on a free loopback port, with one station
/// issued; killed when released.
final class LoopbackServer: @unchecked Sendable {
    static let path = URL(fileURLWithPath: KioskProgram.path).deletingLastPathComponent().appendingPathComponent("kiosk-server").path

    let address: String
    /// A mode-600 credentials file with the station's id and secret.
    let credentialsFile: URL
    private let process: Process

    init(folder: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.path) else {
            throw TestFailure(description: "\(Self.path) is missing: build with `swift build --build-tests` first")
        }
        let data = folder.appendingPathComponent("server")
        let secretFile = folder.appendingPathComponent("secret")
        let id = try output(Self.path, ["station", "add", "hall-1", "--school", "测试大学", "--secret-file", secretFile.path,
                                        "--data", data.path]).trimmingCharacters(in: .whitespacesAndNewlines)
        let secret = try String(contentsOf: secretFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        credentialsFile = folder.appendingPathComponent("station.credentials")
        try "STATION_ID=\(id)\nSTATION_SECRET=\(secret)\n".write(to: credentialsFile, atomically: true, encoding: .utf8)
        chmod(credentialsFile.path, 0o600)

        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.path)
        process.arguments = ["serve", "--data", data.path, "--host", "127.0.0.1", "--port", "0"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on http://") }) else {
            kill(process.processIdentifier, SIGKILL)
            throw TestFailure(description: "kiosk-server serve did not start: \(text)")
        }
        address = String(line.dropFirst("listening on ".count))
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
