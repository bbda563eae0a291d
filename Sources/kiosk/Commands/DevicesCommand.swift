import ArgumentParser
import Capture
import Foundation

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the cameras on this computer with their picture sizes, frame rates and settings.",
        discussion: "Exit status: 0 at least one camera was found; 2 none (the message says what to check)."
    )

    @Flag(help: "Also list each camera's controls (brightness, exposure, white balance …) with their values.")
    var controls = false

    @OptionGroup var output: JSONOption

    func run() throws {
        let (cameras, unusable) = DeviceDirectory.system.cameras(includeControls: controls)
        if output.json {
            struct Listing: Encodable { var cameras: [CameraDescription]; var unusable: [UnusableNode] }
            print(String(decoding: try OutputFiles.json(Listing(cameras: cameras, unusable: unusable)), as: UTF8.self))
        } else {
            cameras.forEach { print(Self.describe($0)) }
            for node in unusable { print("\(node.path): not usable: \(node.problem)") }
        }
        if cameras.isEmpty {
            throw CommandFailure(status: 2, "no camera found: plug in the webcam, then check `ls -l /dev/video*` and `dmesg | tail`")
        }
    }

    static func describe(_ camera: CameraDescription) -> String {
        var lines = ["\(camera.path): \(camera.card) (driver \(camera.driver), \(camera.busInfo)\(camera.usbID.map { ", USB \($0)" } ?? ""))"]
        if !camera.stableNames.isEmpty { lines.append("  also named: \(camera.stableNames.joined(separator: ", "))") }
        lines.append("  live capture would use: \(camera.defaultMode?.description ?? "nothing (no usable format)")")
        let usable = camera.formats.filter { FourCC.decodable.contains($0.pixelFormat) }
        for format in usable {
            let sizes = format.sizes.map(\.summary)
            lines.append("  \(format.pixelFormat) (\(format.name)): \(sizes.isEmpty ? "no sizes listed" : sizes.joined(separator: ", "))")
        }
        let others = camera.formats.filter { !FourCC.decodable.contains($0.pixelFormat) }.map(\.pixelFormat.description)
        if !others.isEmpty {
            lines.append("  also offers \(others.count) formats the station does not use: \(others.joined(separator: " "))")
        }
        for control in camera.controls ?? [] {
            var text = "  control \(control.name) [\(control.kind)]"
            if let value = control.value { text += " = \(control.menu.first { $0.value == value }?.name ?? String(value))" }
            if control.kind == "integer" { text += " (\(control.minimum)…\(control.maximum), default \(control.defaultValue))" }
            if !control.menu.isEmpty { text += " {\(control.menu.map { "\($0.value): \($0.name)" }.joined(separator: ", "))}" }
            if control.inactive { text += " inactive" }
            if control.readOnly { text += " read-only" }
            lines.append(text)
        }
        return lines.joined(separator: "\n")
    }
}
