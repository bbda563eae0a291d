import Foundation

/// A moving synthetic test card: eight colour bars, a grey ramp, a white square that sweeps
/// left and right, and the frame index written as 16 black/white blocks in the top-left
/// corner so that tests can read back which frame they got.
struct PatternGenerator: FrameGenerator {
    let width: Int
    let height: Int
    let name: String
    var frameCount: Int? { nil }
    private let card: [UInt8]

    /// Side of one index block, in pixels.
    static let blockSize = 8
    static let indexBits = 16

    init(width: Int, height: Int, name: String) {
        self.width = width
        self.height = height
        self.name = name
        let bars: [(UInt8, UInt8, UInt8)] = [(235, 235, 235), (235, 235, 16), (16, 235, 235), (16, 235, 16),
                                             (235, 16, 235), (235, 16, 16), (16, 16, 235), (16, 16, 16)]
        var card = [UInt8](repeating: 0, count: width * height * 3)
        let rampTop = height * 3 / 4
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b): (UInt8, UInt8, UInt8) = y < rampTop
                    ? bars[min(bars.count - 1, x * bars.count / max(width, 1))]
                    : { let v = UInt8(x * 255 / max(width - 1, 1)); return (v, v, v) }()
                let i = (y * width + x) * 3
                card[i] = r; card[i + 1] = g; card[i + 2] = b
            }
        }
        self.card = card
    }

    func frame(at index: Int) throws -> (format: FourCC, width: Int, height: Int, bytesPerLine: Int, bytes: [UInt8]) {
        var pixels = card
        func fill(_ x0: Int, _ y0: Int, _ w: Int, _ h: Int, _ value: UInt8) {
            for y in max(0, y0)..<min(height, y0 + h) {
                let row = y * width * 3
                for x in max(0, x0)..<min(width, x0 + w) {
                    pixels[row + x * 3] = value; pixels[row + x * 3 + 1] = value; pixels[row + x * 3 + 2] = value
                }
            }
        }
        let side = max(4, height / 6)
        let travel = max(1, width - side)
        let step = max(1, width / 40)
        let phase = (index * step) % (2 * travel)
        fill(phase < travel ? phase : 2 * travel - phase, height / 2 - side / 2, side, side, 255)
        let block = Self.blockSize
        for bit in 0..<Self.indexBits {
            fill(bit * block, 0, block, block, (index >> bit) & 1 == 1 ? 255 : 0)
        }
        return (.rgb24, width, height, width * 3, pixels)
    }

    /// Reads back the index written into frame pixels by `frame(at:)` (RGB, tightly packed).
    static func index(in pixels: UnsafeRawBufferPointer, width: Int) -> Int {
        (0..<indexBits).reduce(0) { value, bit in
            let centre = ((blockSize / 2) * width + bit * blockSize + blockSize / 2) * 3
            return value | (pixels[centre] > 127 ? 1 << bit : 0)
        }
    }
}

extension Frame {
    /// The frame index a `pattern:` source wrote into this frame's pixels.
    public var patternIndex: Int? {
        guard pixelFormat == .rgb24, width >= PatternGenerator.blockSize * PatternGenerator.indexBits,
              height >= PatternGenerator.blockSize else { return nil }
        return bytes.withUnsafeBytes { PatternGenerator.index(in: $0, width: bytesPerLine / 3) }
    }
}
