import Foundation
import StationDeployment
import Testing

@Suite("The camera's udev rule")
struct CameraRuleTests {
    @Test func theRepositorysRuleIsTheGeneratorsDefault() throws {
        let file = try String(contentsOf: repositoryRoot.appendingPathComponent("udev/70-kiosk-camera.rules"), encoding: .utf8)
        #expect(file == CameraRule().text)
    }

    @Test func aPinnedRuleMatchesOnlyItsCameraAndGrantsTheGroup() throws {
        let model = CameraRule(match: .model(vendor: "046D", product: "0825"), group: "kiosk")
        try model.validate()
        #expect(model.text.contains(#"ATTRS{idVendor}=="046d", ATTRS{idProduct}=="0825""#))
        #expect(model.text.contains(#"GROUP="kiosk""#))
        let serial = CameraRule(match: .serial("A1B2C3"))
        try serial.validate()
        #expect(serial.text.components(separatedBy: #"ATTRS{serial}=="A1B2C3""#).count == 3)
    }

    @Test(arguments: [
        CameraRule(match: .model(vendor: "46d", product: "0825")),
        CameraRule(match: .model(vendor: "046d", product: "08zz")),
        CameraRule(match: .serial("AB\"C")),
        CameraRule(match: .serial("A B")),
        CameraRule(match: .serial("AB*")),
        CameraRule(match: .serial("")),
        CameraRule(group: "vid eo"),
    ])
    func valuesUdevWouldMisreadAreRefused(_ rule: CameraRule) {
        #expect(throws: CameraRule.Invalid.self) { try rule.validate() }
    }

    /// udev's own parser reads the rules (systemd 252 has no `udevadm verify`: `udevadm test`
    /// reads every rules file and names the lines it cannot parse). Needs root and udevadm
    /// (scripts/setup.sh installs Debian's udev).
    @Test(.enabled(if: getuid() == 0 && runs(needing: "/usr/bin/udevadm")))
    func udevParsesEveryGeneratedRuleWithoutComplaint() throws {
        let folder = URL(fileURLWithPath: "/run/udev/rules.d")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let rules = [CameraRule(), CameraRule(match: .model(vendor: "046d", product: "0825")), CameraRule(match: .serial("A1B2C3"), group: "plugdev")]
        var names: [String] = []
        for (index, rule) in rules.enumerated() {
            let name = "99-kiosk-test-\(getpid())-\(index).rules"
            try rule.text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
            names.append(name)
        }
        // One deliberately broken file shows that the check can fail.
        let broken = "99-kiosk-test-\(getpid())-broken.rules"
        try #"SUBSYSTEM=="mem", SYMLINKK+="x""#.write(to: folder.appendingPathComponent(broken), atomically: true, encoding: .utf8)
        defer { (names + [broken]).forEach { try? FileManager.default.removeItem(at: folder.appendingPathComponent($0)) } }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/udevadm")
        process.arguments = ["test", "/sys/class/mem/null"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let complaints = output.split(separator: "\n").filter { $0.contains("99-kiosk-test-\(getpid())") && !$0.hasPrefix("Reading rules file") }
        #expect(complaints.allSatisfy { $0.contains(broken) }, "\(complaints)")
        #expect(complaints.contains { $0.contains(broken) }, "udevadm test named no fault in the broken file: \(output.suffix(2000))")
        for name in names {
            #expect(output.contains("Reading rules file: /run/udev/rules.d/\(name)"))
        }
    }
}
