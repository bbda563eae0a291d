import ArgumentParser

@main
struct Kiosk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "The photo station for diploma-registration photos.",
        subcommands: [
            DevicesCommand.self,
            SnapshotCommand.self,
            RecordCommand.self,
            DemoCommand.self,
            RunCommand.self,
            DoctorCommand.self,
            BenchCommand.self,
            DetectCommand.self,
            StandardizeCommand.self,
            CheckCommand.self,
            ConfigCommand.self,
        ]
    )
}
