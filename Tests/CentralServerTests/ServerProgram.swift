#if canImport(Glibc)
import Glibc
#endif
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KioskProgram
import Testing

/// The built `kiosk-server` (a product the test build makes too), beside the test bundle.
enum ServerProgram {
    static let path = URL(fileURLWithPath: KioskProgram.path).deletingLastPathComponent().appendingPathComponent("kiosk-server").path

    /// Runs `kiosk-server serve ARGUMENTS`, waits for its "listening on URL" line, runs `body`
    /// with that URL, then stops it with SIGTERM and expects a clean exit (status 0).
    static func serving(_ arguments: [String], _ body: (String) async throws -> Void) async throws {
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: path)
        serve.arguments = ["serve"] + arguments
        let output = Pipe()
        serve.standardOutput = output
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { if serve.isRunning { kill(serve.processIdentifier, SIGKILL) } }
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let address = try #require(line.split(separator: "\n").first.flatMap { $0.split(separator: " ").last }.map(String.init), "\(line)")
        try await body(address)
        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()
        #expect(serve.terminationReason == .exit && serve.terminationStatus == 0)
    }
}

extension ServerFixture {
    /// The options that open this fixture's store in the built program: its data folder, or
    /// its database with the test server's password file.
    func programStoreOptions() throws -> [String] {
        switch backEnd {
        case .sqlite: return ["--data", folder.path]
        case .postgres:
            let passwordFile = try #require(ProcessInfo.processInfo.environment[TestPostgres.passwordFileVariable])
            return ["--postgres", try #require(database).description, "--postgres-password-file", passwordFile]
        }
    }
}
