import Foundation
import StationSync
import SyncWire
import Testing

/// The client's parts that need no server: the back-off and the credentials file.
@Suite struct SyncClientPartsTests {
    @Test func backoffDoublesToItsCapWithJitterAndStartsAgainAfterSuccess() {
        var backoff = Backoff(first: 1, longest: 60)
        var random = SystemRandomNumberGenerator()
        var ceilings: [Double] = []
        for _ in 0..<10 {
            let ceiling = backoff.ceiling
            ceilings.append(ceiling)
            let wait = backoff.next(using: &random)
            #expect(wait >= ceiling / 2 && wait <= ceiling)
        }
        #expect(ceilings == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60])
        backoff.reset()
        #expect(backoff.ceiling == 1)
        // The jitter spreads stations that failed together.
        let waits = (0..<20).map { _ in
            var fresh = Backoff(first: 1, longest: 60)
            return fresh.next(using: &random)
        }
        #expect(Set(waits).count > 1)
    }

    @Test func credentialsAreReadOnlyFromAFileOthersCannotRead() throws {
        let folder = try scratchFolder("credentials")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("station.credentials").path
        let secret = StationSecret()
        try "# issued by kiosk-server\nSTATION_ID=st-7\nSTATION_SECRET=\(secret.hex)\n".write(toFile: file, atomically: false, encoding: .utf8)
        chmod(file, 0o644)
        #expect(throws: StationCredentials.Problem.self) { try StationCredentials.read(fileAt: file) }
        do {
            _ = try StationCredentials.read(fileAt: file)
        } catch {
            #expect(error.description.contains("chmod 600"))
        }
        chmod(file, 0o600)
        let credentials = try StationCredentials.read(fileAt: file)
        #expect(credentials.stationId == "st-7")
        #expect(credentials.secret == secret)

        #expect(throws: StationCredentials.Problem.self) { try StationCredentials.parse("STATION_ID=st-7\n", file: "f") }
        #expect(throws: StationCredentials.Problem.self) { try StationCredentials.parse("STATION_ID=a\nSTATION_SECRET=abc\n", file: "f") }
        #expect(throws: StationCredentials.Problem.self) { try StationCredentials.read(fileAt: folder.appendingPathComponent("none").path) }
    }

    @Test func settingsRefuseAnAddressWithAPathAndAWaitShorterThanTheFirst() {
        var settings = SyncSettings()
        #expect(settings.invalidSetting() == nil)
        settings.server = "http://centre:8080/v1"
        #expect(settings.invalidSetting()?.key == "server")
        settings.server = "http://127.0.0.1:8080/"
        #expect(settings.invalidSetting() == nil)
        settings.longestRetrySeconds = 0.5
        #expect(settings.invalidSetting()?.key == "longestRetrySeconds")
    }
}
