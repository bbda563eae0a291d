import ArgumentParser
import FileOutput
import Foundation
import StationDeployment

struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Make the files a station's deployment installs.",
        subcommands: [UdevRuleCommand.self]
    )
}

struct UdevRuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udev",
        abstract: "Print (or write) the camera's udev rule: a stable /dev/kiosk-camera, the station's group, no USB autosuspend.",
        discussion: """
            Without --model or --serial the rule takes any USB camera: right for a station with one camera. \
            Pin it with --model VENDOR:PRODUCT (as `lsusb` shows) or, for two cameras of one model, with --serial \
            (from `udevadm info -a -n /dev/video0 | grep serial`).
            Exit status: 0 written; 2 a value udev would misread or a file that cannot be written.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Only this camera model, VENDOR:PRODUCT in hex.", valueName: "vvvv:pppp"))
    var model: String?

    @Option(help: "Only the camera with this USB serial number.")
    var serial: String?

    @Option(help: "The group that may open the camera (the station service's).")
    var group = "video"

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the rule to this file instead of printing it.", valueName: "file"))
    var output: String?

    func validate() throws {
        if model != nil && serial != nil {
            throw ValidationError("give --model or --serial, not both: a serial already names one camera")
        }
    }

    func run() throws {
        var rule = CameraRule(group: group)
        if let model {
            let ids = model.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard ids.count == 2 else {
                throw CommandFailure(status: 2, "--model '\(model)' is not VENDOR:PRODUCT: `lsusb` shows it as e.g. 046d:0825")
            }
            rule.match = .model(vendor: ids[0], product: ids[1])
        } else if let serial {
            rule.match = .serial(serial)
        }
        do throws(CameraRule.Invalid) {
            try rule.validate()
        } catch {
            throw CommandFailure(status: 2, error.description)
        }
        guard let output else {
            print(rule.text, terminator: "")
            return
        }
        let path = NamedPath(output, name: "-o")
        try OutputFiles.check(outputs: [path], inputs: [])
        try OutputFiles.write(Data(rule.text.utf8), to: path)
    }
}
