import ArgumentParser
import DataCache
import Foundation
import ImageKit

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show what the station does, on the bundled test portraits, without a camera.",
        discussion: "Reads real portraits from the test-data cache and writes finished 480×640 photos."
    )

    @Option(name: .shortAndLong, help: "Folder for the photos it makes.")
    var output = "out/demo"

    @Argument(help: "Photos to use instead of the test portraits.")
    var photos: [String] = []

    func run() throws {
        let cache = DataCache.standard
        let inputs = photos.isEmpty ? cache.facePhotos : photos.map { URL(fileURLWithPath: $0) }
        guard !inputs.isEmpty else {
            FileHandle.standardError.write(Data("kiosk demo: \(cache.missingMessage)\n".utf8))
            throw ExitCode(2)
        }
        let folder = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        print("Photo Kiosk demo: \(inputs.count) photo(s) → \(folder.path)")
        var failures = 0
        for input in inputs {
            do {
                let image = try ImageFile.read(input)
                // Until face placement lands, the demo frames the top-centre 3:4 region.
                let width = min(image.width, image.height * 3 / 4)
                let region = PixelRect(x: (image.width - width) / 2, y: 0, width: width, height: width * 4 / 3)
                let photo = image.cropped(to: region).resized(to: PixelSize(width: 480, height: 640), filter: .lanczos)
                let encoded = try JPEG.encode(photo, into: .registrationPhoto)
                let target = folder.appendingPathComponent(input.deletingPathExtension().lastPathComponent + "-480x640.jpg")
                try Data(encoded.bytes).write(to: target)
                let info = try JPEG.info(encoded.bytes)
                print("  \(input.lastPathComponent) \(image.size) → \(target.lastPathComponent): \(info.width)×\(info.height), "
                    + "\(info.density), \(encoded.bytes.count) bytes at quality "
                    + "\(encoded.quality) after \(encoded.encodes) encode(s), \(encoded.fit == .inside ? "inside" : "OUTSIDE") 20–40 KB")
            } catch {
                failures += 1
                print("  \(input.lastPathComponent): \(error)")
            }
        }
        print("Framing is a plain top-centre crop: face placement and background replacement are not wired in yet.")
        if failures > 0 { throw ExitCode(1) }
    }
}
