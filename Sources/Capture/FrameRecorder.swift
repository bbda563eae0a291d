import FileOutput
import Foundation
import ImageKit

extension Frame {
    /// The frame as a JPEG file: an MJPEG frame's own bytes (no second compression), other
    /// formats converted and encoded. MJPEG frames without Huffman tables (many webcams leave
    /// out the standard ones) are re-encoded, because not every reader supplies them.
    public func jpegData(quality: Int = 95) throws -> [UInt8] {
        if pixelFormat.isCompressed {
            let data = bytes.withUnsafeBytes { Array($0) }
            if MJPEGStream.hasHuffmanTables(data) { return data }
        }
        return try JPEG.encode(rgbImage(), options: JPEGEncodeOptions(quality: quality))
    }
}

/// Writes frames into a folder as numbered JPEG files that `replay:FOLDER` plays back in order.
public struct FrameRecorder: Sendable {
    public let folder: URL
    public private(set) var written = 0

    /// Creates the folder; refuses one that already holds recorded frames, so that two
    /// recordings never interleave. Throws `FileOutputError` when the folder cannot be made
    /// and `CaptureError.recordingFolderInUse` for an earlier recording.
    public init(folder: URL) throws {
        self.folder = folder
        try OutputPaths.createFolder(NamedPath(folder.path))
        let existing = (try FileManager.default.contentsOfDirectory(atPath: folder.path)).filter { $0.hasPrefix("frame-") }
        guard existing.isEmpty else {
            throw CaptureError.recordingFolderInUse(path: folder.path, frames: existing.count)
        }
    }

    /// Writes the frame as `frame-NNNNNN.jpg` (whole or not at all, see `AtomicFile`) and
    /// returns its location; a full disk throws `FileOutputError` and leaves no partial frame
    /// that a replay would stumble on.
    @discardableResult
    public mutating func write(_ frame: Frame, quality: Int = 90) throws -> URL {
        let url = folder.appendingPathComponent(String(format: "frame-%06d.jpg", written + 1))
        try AtomicFile.write(frame.jpegData(quality: quality), to: url)
        written += 1
        return url
    }
}
