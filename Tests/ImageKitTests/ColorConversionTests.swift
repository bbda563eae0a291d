import ImageKit
import Testing

/// BT.601 limited range, computed by hand from the standard's equations:
/// R = 1.164(Y−16) + 1.596(V−128), G = 1.164(Y−16) − 0.813(V−128) − 0.391(U−128),
/// B = 1.164(Y−16) + 2.018(U−128), each clamped to 0…255.
private func bt601(_ y: Int, _ u: Int, _ v: Int) -> (Int, Int, Int) {
    let c = 1.164 * Double(y - 16), d = Double(u - 128), e = Double(v - 128)
    func clamp(_ x: Double) -> Int { Int(min(255, max(0, x.rounded()))) }
    return (clamp(c + 1.596 * e), clamp(c - 0.813 * e - 0.391 * d), clamp(c + 2.018 * d))
}

private func expectClose(_ got: (r: UInt8, g: UInt8, b: UInt8), _ want: (Int, Int, Int),
                         tolerance: Int = 2, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(Int(got.r) - want.0) <= tolerance && abs(Int(got.g) - want.1) <= tolerance
        && abs(Int(got.b) - want.2) <= tolerance, "got \(got), want \(want)", sourceLocation: sourceLocation)
}

@Suite("Colour conversion")
struct ColorConversionTests {
    // (Y, U, V) triples: black, white, mid grey, and saturated colours as a webcam sends them.
    static let samples: [(Int, Int, Int)] = [(16, 128, 128), (235, 128, 128), (126, 128, 128),
                                             (81, 90, 240), (145, 54, 34), (41, 240, 110), (170, 166, 16)]

    @Test func yuyvMatchesTheBT601LimitedRangeEquations() throws {
        // Two pixels per sample: Y0 U Y1 V, with Y1 a little brighter to test both lumas.
        var bytes = [UInt8]()
        for (y, u, v) in Self.samples { bytes += [UInt8(y), UInt8(u), UInt8(min(235, y + 20)), UInt8(v)] }
        let image = try bytes.withUnsafeBytes { try RGBImage(yuyv: $0, width: Self.samples.count * 2, height: 1) }
        for (i, (y, u, v)) in Self.samples.enumerated() {
            expectClose(image.rgb(2 * i, 0), bt601(y, u, v))
            expectClose(image.rgb(2 * i + 1, 0), bt601(min(235, y + 20), u, v))
        }
        expectClose(image.rgb(0, 0), (0, 0, 0), tolerance: 0)
        expectClose(image.rgb(2, 0), (255, 255, 255), tolerance: 0)
    }

    @Test func yuyvHonoursPaddedLines() throws {
        // 2×2 pixels, lines padded to 8 bytes; the padding must be ignored.
        let bytes: [UInt8] = [235, 128, 235, 128, 9, 9, 9, 9,
                              16, 128, 16, 128, 9, 9, 9, 9]
        let image = try bytes.withUnsafeBytes { try RGBImage(yuyv: $0, width: 2, height: 2, bytesPerLine: 8) }
        expectClose(image.rgb(1, 0), (255, 255, 255), tolerance: 0)
        expectClose(image.rgb(1, 1), (0, 0, 0), tolerance: 0)
    }

    @Test func nv12MatchesTheBT601LimitedRangeEquations() throws {
        // 2×2 blocks share one U,V pair: a 2k×2 image, one block per sample.
        let n = Self.samples.count
        var yPlane = [UInt8](repeating: 0, count: 2 * n * 2)
        var uvPlane = [UInt8]()
        for (i, (y, u, v)) in Self.samples.enumerated() {
            for row in 0..<2 { for col in 0..<2 { yPlane[row * 2 * n + 2 * i + col] = UInt8(y) } }
            uvPlane += [UInt8(u), UInt8(v)]
        }
        let image = try (yPlane + uvPlane).withUnsafeBytes { try RGBImage(nv12: $0, width: 2 * n, height: 2) }
        for (i, (y, u, v)) in Self.samples.enumerated() {
            expectClose(image.rgb(2 * i + 1, 1), bt601(y, u, v))
        }
    }

    @Test func shortOrOddFramesAreRejectedWithTheReason() {
        let bytes = [UInt8](repeating: 0, count: 10)
        #expect(throws: RawFrameError.tooShort(format: "YUYV", needed: 16, got: 10)) {
            try bytes.withUnsafeBytes { _ = try RGBImage(yuyv: $0, width: 4, height: 2) }
        }
        #expect(throws: RawFrameError.oddSize(format: "NV12", width: 3, height: 2)) {
            try bytes.withUnsafeBytes { _ = try RGBImage(nv12: $0, width: 3, height: 2) }
        }
    }

    @Test func greyUsesTheBT601Weights() {
        let image = RGBImage(width: 3, height: 1, elements: [255, 0, 0, 0, 255, 0, 0, 0, 255])
        #expect(image.grayscale().elements == [76, 150, 29])
    }

    @Test func labOfKnownColours() {
        let image = RGBImage(width: 3, height: 1, elements: [255, 255, 255, 255, 0, 0, 100, 197, 255])
        let lab = image.lab()
        #expect(abs(lab[0, 0, 0] - 100) < 0.1 && abs(lab[0, 0, 1]) < 0.1 && abs(lab[0, 0, 2]) < 0.1)
        // sRGB red under D65: L* 53.24, a* 80.09, b* 67.20 (CIE reference values).
        #expect(abs(lab[1, 0, 0] - 53.24) < 0.2 && abs(lab[1, 0, 1] - 80.09) < 0.3 && abs(lab[1, 0, 2] - 67.20) < 0.3)
    }

    @Test func labRoundTripKeepsColours() {
        let image = RGBImage(width: 16, height: 16) { x, y in [UInt8(x * 16), UInt8(y * 16), UInt8((x + y) * 8)] }
        let back = image.lab().rgb()
        let worst = zip(image.elements, back.elements).map { abs(Int($0) - Int($1)) }.max()!
        #expect(worst <= 1)
    }
}
