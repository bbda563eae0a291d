import ArgumentParser

@main
struct Kiosk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "The photo station for diploma-registration photos.",
        discussion: "Start with `kiosk doctor` on a new station, then `kiosk run`. Without a camera, `kiosk demo` shows what it does.",
        groupedSubcommands: [
            CommandGroup(name: "Station", subcommands: [
                RunCommand.self,
                DemoCommand.self,
                DoctorCommand.self,
                ConfigCommand.self,
            ]),
            CommandGroup(name: "Photos", subcommands: [
                StandardizeCommand.self,
                CheckCommand.self,
                DetectCommand.self,
            ]),
            CommandGroup(name: "Camera", subcommands: [
                DevicesCommand.self,
                SnapshotCommand.self,
                RecordCommand.self,
            ]),
            CommandGroup(name: "Maintenance", subcommands: [
                BenchCommand.self,
            ]),
        ]
    )
}
