import ImageKit
import PhotoStandard

/// How a finished photo's person and backdrop compare with the frame's true alpha.
///
/// The truth is the alpha the frame was composited with, moved into the photo by the same
/// region the photo shows. The person and backdrop figures are read off the photo's colours,
/// not off the matte the standardiser reports, so a compositing fault counts as well.
public struct MatteScore: Sendable, Codable, Hashable {
    /// Share of sure-person pixels (true α > 0.9, 3 px in from the edge) that the photo shows
    /// nearer the new background colour than the person's own colour.
    public var personLost: Double
    /// Share of sure-backdrop pixels (true α < 0.1, 3 px out from the edge) still nearer the old
    /// wall than the new background colour.
    public var backdropKept: Double
    /// Mean |α − true α| over the whole photo.
    public var matteError: Double
    /// Mean |α − true α| over the transition band (0.02 < true α < 0.98, widened by 3 px)
    /// above the mouth: the hair and the ears.
    public var hairBandError: Double

    /// Scores `photo` (made from `frame`) against the frame's true alpha (0…255).
    public init(photo: StandardPhoto, frame: RGBImage, trueAlpha: GrayImage, background: RGBColor) {
        let size = PixelSize(width: photo.image.width, height: photo.image.height)
        let seen = Resampler.resample(frame, region: photo.sourceRegion, to: size)
        let truth = Self.alphaInPhoto(trueAlpha, region: photo.sourceRegion, size: size).elements
        let person = truth.map { $0 > 0.9 ? UInt8(255) : 0 }
        let backdrop = truth.map { $0 < 0.1 ? UInt8(255) : 0 }
        let band = truth.map { $0 > 0.02 && $0 < 0.98 ? UInt8(255) : 0 }
        let surePerson = GrayImage(width: size.width, height: size.height, elements: person)
            .morphology(.erode, width: 7).elements
        let sureBackdrop = GrayImage(width: size.width, height: size.height, elements: backdrop)
            .morphology(.erode, width: 7).elements
        let wideBand = GrayImage(width: size.width, height: size.height, elements: band)
            .morphology(.dilate, width: 7).elements
        let shown = photo.image.elements, expected = seen.elements, alpha = photo.alpha.elements
        let mouthRow = Int(photo.landmarks.points[62].y)
        let bg = [background.r, background.g, background.b]

        // The RGB distance between pixel `i` of `a` and pixel `j` of `b` (j = 0 for a single colour).
        func distance(_ a: [UInt8], _ i: Int, _ b: [UInt8], _ j: Int) -> Double {
            (0..<3).reduce(0.0) { sum, c in
                let d = Double(a[3 * i + c]) - Double(b[3 * j + c])
                return sum + d * d
            }.squareRoot()
        }
        var lost = 0, personCount = 0, kept = 0, backdropCount = 0
        var error = 0.0, bandError = 0.0, bandCount = 0
        for i in 0..<(size.width * size.height) {
            let a = Double(alpha[i]), t = Double(truth[i])
            error += abs(a - t)
            if wideBand[i] != 0 && i / size.width < mouthRow {
                bandError += abs(a - t)
                bandCount += 1
            }
            // Where the frame's colour is itself close to the new background (blue clothes),
            // the photo cannot tell which one it shows: such pixels are not counted.
            guard distance(expected, i, bg, 0) >= 40 else { continue }
            let toBackground = distance(shown, i, bg, 0), toOwn = distance(shown, i, expected, i)
            if surePerson[i] != 0 {
                personCount += 1
                if toBackground < toOwn { lost += 1 }
            } else if sureBackdrop[i] != 0 {
                backdropCount += 1
                if toOwn < toBackground { kept += 1 }
            }
        }
        let n = Double(size.width * size.height)
        personLost = personCount > 0 ? Double(lost) / Double(personCount) : 0
        backdropKept = backdropCount > 0 ? Double(kept) / Double(backdropCount) : 0
        matteError = error / n
        hairBandError = bandCount > 0 ? bandError / Double(bandCount) : 0
    }

    /// The true alpha (0…255 at frame size) as 0…1 at the photo's pixels, resampled exactly as
    /// the photo's own pixels are.
    public static func alphaInPhoto(_ alpha: GrayImage, region: PixelRect, size: PixelSize) -> FloatPlane {
        let grey = alpha.elements
        let asColour = RGBImage(width: alpha.width, height: alpha.height,
                                elements: grey.flatMap { [$0, $0, $0] })
        let moved = Resampler.resample(asColour, region: region, to: size).elements
        return FloatPlane(width: size.width, height: size.height,
                          elements: (0..<(size.width * size.height)).map { Float(moved[3 * $0]) / 255 })
    }
}
