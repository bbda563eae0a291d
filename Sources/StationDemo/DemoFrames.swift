import Foundation
import ImageKit

/// The demo's camera: one still frame of a person in front of the station's wall turned into a
/// short loop of frames in which the person sways by a few pixels, as someone sitting still
/// does, so that the face tracker and the guidance's stillness measure see a live person. The
/// loop is written as JPEG files for the replay source (`replay:FOLDER@FPS`).
public enum DemoFrames {
    /// Frames in the loop: 1.6 s at 15 frames a second, one sway back and forth.
    public static let count = 24
    /// The camera's picture size: a common webcam's 1280 × 720.
    public static let size = PixelSize(width: 1280, height: 720)

    /// Writes the loop made from `still` (a 16:9 frame of 1280 × 720 or more) into `folder`
    /// as f00.jpg, f01.jpg, … and returns their URLs.
    @discardableResult
    public static func write(from still: URL, into folder: URL) throws -> [URL] {
        let image = try ImageFile.read(still)
        guard image.width >= size.width, image.height >= size.height else {
            throw DemoError("\(still.path) is \(image.width)×\(image.height); the demo's camera frame must be at least \(size.width)×\(size.height)")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A window 1 % smaller than the frame, moved by 0.2 % of the width to either side and
        // less up and down: about a tenth of the eyes' distance a second, well under the
        // guidance's limit for "hold still" (docs/guidance.md).
        let window = PixelSize(width: image.width * 99 / 100, height: image.height * 99 / 100)
        let spare = (x: Double(image.width - window.width) / 2, y: Double(image.height - window.height) / 2)
        return try (0..<count).map { index in
            let angle = 2 * Double.pi * Double(index) / Double(count)
            let origin = (x: Int((spare.x * (1 + 0.4 * sin(angle))).rounded()),
                          y: Int((spare.y * (1 + 0.3 * sin(2 * angle))).rounded()))
            let frame = image.cropped(to: PixelRect(x: origin.x, y: origin.y, width: window.width, height: window.height))
                .resized(to: size, filter: .bilinear)
            let file = folder.appendingPathComponent(String(format: "f%02d.jpg", index))
            try Data(JPEG.encode(frame, options: JPEGEncodeOptions(quality: 92))).write(to: file)
            return file
        }
    }
}

/// Something the demo cannot do, said in words with what to do about it.
public struct DemoError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
