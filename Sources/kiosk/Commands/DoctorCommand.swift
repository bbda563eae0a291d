import ArgumentParser
import Foundation
import StationDoctor

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that this station has everything it needs, and say how to fix what is wrong.",
        discussion: """
            One line per item: the settings file, the camera (there, opens, a usable mode, a frame within a few \
            seconds, exposure and white-balance locks), the face models and the person network (loaded), the store \
            folder (writable, free space), the database (integrity check, read without the station's lock: the \
            station may be running), the clock, the server (answers, the credentials file is mode 600 and the server \
            takes its signature) and the outbox. ✓ in order; ! wrong but the station works without it; ✗ the station \
            cannot work until it is fixed, with the fix below it. See docs/doctor.md. \
            Exit status: 0 nothing required is wrong; 1 something required is wrong (✗).
            """
    )

    @OptionGroup var settingsFile: SettingsOption

    @Option(help: "The server's address, http://HOST:PORT (default: the settings file's sync.server).")
    var server: String?

    @Option(help: "The station's credentials file (STATION_ID, STATION_SECRET; mode 600; default: the settings file's sync.credentialsFile).")
    var credentials: String?

    @OptionGroup var output: JSONOption

    func run() throws {
        let findings = StationDoctor.examine(StationDoctor.Subject(settingsFile: settingsFile.config, server: server,
                                                                   credentialsFile: credentials))
        if output.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(findings), as: UTF8.self))
        } else {
            for finding in findings { print(finding.text) }
        }
        if findings.hasFailure { throw CommandFailure.verdict(1) }
    }
}
