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

struct StationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "station",
        abstract: "Give stations their credentials.",
        subcommands: [Add.self]
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
}
