import ArgumentParser

@main
struct KioskServer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-server",
        abstract: "The central server that collects photos from the stations.",
        subcommands: [InspectCommand.self]
    )
}
