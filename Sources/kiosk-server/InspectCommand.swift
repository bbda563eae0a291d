import ArgumentParser
import Foundation
import ImageKit

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what received photo files say about themselves: size, resolution, quality, coding."
    )

    @Argument(help: "JPEG files to inspect.")
    var files: [String]

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        var unreadable = 0
        var report: [String: JPEGInfo] = [:]
        for file in files {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                let info = try JPEG.info(data)
                report[file] = info
                if !json {
                    print("\(file): \(info.width)×\(info.height), \(info.components == 3 ? "colour" : "\(info.components) component(s)"), "
                        + "\(info.density), quality ≈\(info.estimatedQuality), \(info.subsampling?.rawValue ?? "other sampling"), "
                        + "\(info.isBaseline ? "baseline" : "not baseline"), \(data.count) bytes")
                }
            } catch {
                unreadable += 1
                FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
        if unreadable > 0 { throw ExitCode(2) }
    }
}
