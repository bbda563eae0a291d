import ArgumentParser
import CentralStore
import Foundation

struct ReviewerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviewer",
        abstract: "Give reviewers their password for the review pages (/review).",
        subcommands: [Add.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let NAME sign in to the review pages with the password in a file, or set a new password for them.",
            discussion: """
                The password is the file's first line (at least \(ReviewerPassword.minimumLength) characters), never an \
                argument, so that it stays out of the shell's history and the process list. The server keeps only a \
                salted PBKDF2 hash. Reviewers sign in with HTTP Basic auth: serve the pages over TLS (a reverse proxy) \
                when they are reached from outside the local network. \
                Exit status: 0 kept; 1 a bad name, or a password file that cannot be read or is too short; 2 the data \
                folder or database cannot be used.
                """
        )

        @Argument(help: "The reviewer's name (the user name they sign in with), e.g. li.wei.")
        var name: String

        @OptionGroup var storeOption: StoreOption

        @Option(help: ArgumentHelp("A file whose first line is the password.", valueName: "file"))
        var passwordFile: String

        func run() async throws {
            let password: String
            do {
                let text = try String(contentsOfFile: passwordFile, encoding: .utf8)
                password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            } catch {
                throw CommandFailure(status: 1, "\(passwordFile) cannot be read as UTF-8 text; put the password on its first line")
            }
            try await storeOption.withStore { store in
                do throws(CentralStoreError) {
                    let reviewer = try await store.addReviewer(name: name, password: password, at: Date())
                    print("reviewer \(reviewer.name) may sign in to /review")
                } catch {
                    throw error.commandFailure
                }
            }
        }
    }
}
