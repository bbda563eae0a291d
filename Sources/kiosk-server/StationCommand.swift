#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import CentralStore
import FileOutput
import Foundation
import SyncWire
import TerminalUI

struct StationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "station",
        abstract: "Give stations their credentials, list them, revoke them.",
        subcommands: [Add.self, List.self, Revoke.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a new station an id and a secret.",
            discussion: """
                Prints the station's id on the first line of standard output. With --secret-file the station's \
                credentials file (STATION_ID and STATION_SECRET, the secret 64 hex digits) is written there, readable by \
                its owner only (mode 0600), and the secret is never printed: copy that file to the station as it is. \
                Without it the secret is the second line of standard output, shown this once. The server keeps the \
                secret to check signatures. \
                Exit status: 0 issued; 1 an empty name or school, or the secret file cannot be written (no station is \
                kept then); 2 the data folder or database cannot be used.
                """
        )

        @Argument(help: "The station's name on site, e.g. hall-2.")
        var name: String

        @Option(help: "The school whose students the station serves, as the roster names it.")
        var school: String

        @OptionGroup var storeOption: StoreOption

        @Option(help: ArgumentHelp("Write the station's credentials file here (mode 0600) instead of printing the secret.", valueName: "file"))
        var secretFile: String?

        func run() async throws {
            if let secretFile {
                do {
                    try OutputPaths.check(outputs: [NamedPath(secretFile, name: "--secret-file")])
                } catch {
                    throw CommandFailure(status: 1, "\(error)")
                }
            }
            try await storeOption.withStore { store in try await issue(into: store) }
        }

        /// Issues the station, writes its credentials file when asked, then keeps it in `store`.
        private func issue(into store: any CentralStore) async throws {
            let station: Station
            do {
                station = try Station.issue(name: name, school: school, at: Date())
            } catch {
                throw error.commandFailure
            }
            // The secret is in its file before the server accepts it, so that a station the
            // server knows always has credentials somewhere.
            if let secretFile {
                do {
                    let text = CredentialsFile.text(stationId: station.id, secret: station.secret, name: name, school: school, issuedAt: Date())
                    try Self.writePrivately(text, to: NamedPath(secretFile, name: "--secret-file"))
                } catch {
                    throw CommandFailure(status: 1, "\(error); no station was added")
                }
            }
            do {
                try await store.addStation(station)
            } catch {
                throw error.commandFailure
            }
            print(station.id)
            if secretFile == nil {
                print(station.secret.hex)
                FileHandle.standardError.write(Data("the second line is the station's secret, shown this once: copy it to the station\n".utf8))
            }
        }

        /// Writes `text` atomically to a file only its owner may read: the file is made (or
        /// narrowed) to 0600 before the secret goes in, and AtomicFile keeps that mode.
        static func writePrivately(_ text: String, to path: NamedPath) throws(FileOutputError) {
            let descriptor = open(path.path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw FileOutputError(path, .init(errno: errno, folder: (path.path as NSString).deletingLastPathComponent)) }
            let narrowed = fchmod(descriptor, 0o600) == 0 ? 0 : errno
            close(descriptor)
            if narrowed != 0 { throw FileOutputError(path, .system(errno: narrowed)) }
            try AtomicFile.write(Data(text.utf8), to: path)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every station, revoked ones too, in the order they were issued.",
            discussion: """
                One line per station after a heading: its id, name, school, when it was issued and when it was revoked \
                ("-" for a station whose requests are accepted), times in UTC. Secrets are never shown. \
                Exit status: 0 listed; 2 the data folder or database cannot be used.
                """
        )

        @OptionGroup var storeOption: StoreOption

        func run() async throws {
            let stations = try await storeOption.withStore { store in
                do throws(CentralStoreError) {
                    return try await store.stations()
                } catch {
                    throw error.commandFailure
                }
            }
            guard !stations.isEmpty else {
                FileHandle.standardError.write(Data("no stations yet: issue one with `kiosk-server station add NAME --school SCHOOL`\n".utf8))
                return
            }
            let rows = [["id", "name", "school", "created (UTC)", "revoked (UTC)"]]
                + stations.map { [$0.id, $0.name, $0.school, Self.time($0.createdAt), $0.revokedAt.map(Self.time) ?? "-"] }
            // Columns by terminal cells, not characters: a Chinese name takes two cells a character.
            let widths = (0..<5).map { column in rows.map { DisplayWidth.of($0[column]) }.max() ?? 0 }
            for row in rows {
                let padded = zip(row, widths).map { $0 + String(repeating: " ", count: $1 - DisplayWidth.of($0)) }
                print(padded.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            }
        }

        static func time(_ date: Date) -> String {
            date.formatted(.iso8601.year().month().day().dateTimeSeparator(.space).time(includingFractionalSeconds: false))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a station: the server refuses its requests (401) from now on.",
            discussion: """
                For a station that is lost, stolen or retired, or whose credentials file has leaked. What it uploaded \
                before stays. The revocation cannot be undone: give a station that returns new credentials with \
                `station add`. Revoking a station again changes nothing and says when it was revoked. \
                Exit status: 0 revoked (or revoked already); 1 no station has this id; 2 the data folder or database \
                cannot be used.
                """
        )

        @Argument(help: "The station's id, as `station add` printed it and `station list` shows it.")
        var id: String

        @OptionGroup var storeOption: StoreOption

        func run() async throws {
            let id = id.trimmingCharacters(in: .whitespaces)
            let (before, after) = try await storeOption.withStore { store in
                do throws(CentralStoreError) {
                    // Read first only to word the answer; the store keeps the first revocation either way.
                    let before = try await store.station(id: id)
                    return (before, try await store.revokeStation(id: id, at: Date()))
                } catch {
                    throw error.commandFailure
                }
            }
            guard let before, let station = after, let revokedAt = station.revokedAt else {
                throw CommandFailure(status: 1, "no station has the id \"\(id)\"; `kiosk-server station list` shows them")
            }
            let name = "station \(station.id) (\(station.name), \(station.school))"
            if before.revokedAt == nil {
                print("\(name) revoked at \(List.time(revokedAt)) UTC: its requests are refused from now on")
            } else {
                print("\(name) was revoked already, at \(List.time(revokedAt)) UTC")
            }
        }
    }
}
