import ImageKit

/// Foreground tests of a frame against its clean plate (the same backdrop, nobody in front).
///
/// Between the plate and the frame the camera's exposure and white balance drift a little and
/// both carry sensor noise and JPEG blocks, so the plate is first matched to the frame: a gain
/// per channel and the noise level are measured on backdrop that the person cannot cover
/// (beside and above the head). Then a pixel is another surface when its colour leaves the
/// line through the matched plate colour (a shadow scales the wall's colour; it does not change
/// its hue), when it is much darker than any shadow, or brighter than the wall can get.
public struct PlateDifference: Hashable, Sendable, Codable {
    /// A colour residual above this many noise deviations (plus `chromaFloor`) is another surface.
    public var chromaNoiseMultiple: Float = 4
    /// The part of the colour threshold, in 8-bit units, that noise does not explain (JPEG
    /// blocks, demosaicking): it keeps the test from firing on a very clean plate.
    public var chromaFloor: Float = 5
    /// Brightness relative to the matched plate still taken as backdrop in shadow.
    public var darkestShadow: Float = 0.45
    /// Brighter than the matched plate by this share plus 2.5 noise deviations: the person (a
    /// wall cannot light up once the exposure is matched).
    public var brighterMargin: Float = 0.04

    public init() {}

    /// Thresholds that also catch thin hair over the backdrop (and, with it, light shadow):
    /// near the person such pixels are left to the matting to decide.
    public var faint: PlateDifference {
        var lenient = self
        lenient.chromaNoiseMultiple = chromaNoiseMultiple / 2
        lenient.chromaFloor = chromaFloor / 2
        lenient.darkestShadow = 0.92
        lenient.brighterMargin = brighterMargin / 2
        return lenient
    }

    /// The plate's exposure and white balance matched to the frame, and the frame's noise.
    public struct Match: Hashable, Sendable {
        /// Frame ÷ plate per channel on the backdrop.
        public var gains: [Float]
        /// Standard deviation (8-bit units) of frame − matched plate on the backdrop, per channel.
        public var noise: Float
    }

    /// Measures the gains and the noise on `reference` (image rectangles of backdrop the person
    /// cannot cover); when they hold too few pixels, on the whole image, where the backdrop is
    /// still the majority.
    public func match(_ image: RGBImage, plate: RGBImage, reference: [PixelRect]) -> Match {
        match(image, plate: plate, samples: reference.flatMap { pixels(in: $0.intersection(image.bounds), width: image.width) })
    }

    /// Measures the gains and the noise where `backdrop` is non-zero (same size as the image).
    public func match(_ image: RGBImage, plate: RGBImage, backdrop: GrayImage) -> Match {
        let marks = backdrop.elements
        return match(image, plate: plate, samples: marks.indices.filter { marks[$0] != 0 })
    }

    private func match(_ image: RGBImage, plate: RGBImage, samples found: [Int]) -> Match {
        let samples = found.count >= 200 ? found : Array(0..<(image.width * image.height))
        // A regular subsample is plenty for medians and keeps this cheap at full resolution.
        let step = max(1, samples.count / 20_000)
        let picked = stride(from: 0, to: samples.count, by: step).map { samples[$0] }
        let frame = image.elements, wall = plate.elements
        var gains: [Float] = []
        for c in 0..<3 {
            let ratios = picked.compactMap { i -> Float? in
                let p = Float(wall[3 * i + c])
                return p >= 8 ? Float(frame[3 * i + c]) / p : nil
            }
            gains.append(median(ratios) ?? 1)
        }
        let residuals = picked.flatMap { i in
            (0..<3).map { c in abs(Float(frame[3 * i + c]) - gains[c] * Float(wall[3 * i + c])) }
        }
        // The median absolute deviation, as a standard deviation for Gaussian noise.
        let noise = 1.4826 * (median(residuals) ?? 0)
        return Match(gains: gains, noise: noise)
    }

    /// How strongly each pixel differs from the matched plate: above 1 it is the person.
    public func score(_ image: RGBImage, plate: RGBImage, match: Match) -> FloatPlane {
        compare(image, plate: plate, match: match).score
    }

    /// The score, and the shading: the brightness that best explains each pixel as the wall
    /// (1 on the lit wall, below 1 in shadow).
    func compare(_ image: RGBImage, plate: RGBImage, match: Match) -> (score: FloatPlane, shade: FloatPlane) {
        var out = FloatPlane(width: image.width, height: image.height), shading = out
        let width = image.width, height = image.height
        let (g0, g1, g2) = (match.gains[0], match.gains[1], match.gains[2])
        // The residual off the plate's colour line has two noisy dimensions from two noisy images.
        let chromaThreshold = chromaNoiseMultiple * match.noise + chromaFloor
        let (darkest, margin, noise) = (darkestShadow, brighterMargin, match.noise)
        image.withUnsafeRows { ip, istride in
            plate.withUnsafeRows { pp, pstride in
                shading.withUnsafeMutableRows { sp, sstride in
                    out.withUnsafeMutableRows { op, ostride in
                        for y in 0..<height {
                            let irow = ip + y * istride, prow = pp + y * pstride
                            for x in 0..<width {
                                let ir = Float(irow[3 * x]), ig = Float(irow[3 * x + 1]), ib = Float(irow[3 * x + 2])
                                let pr = g0 * Float(prow[3 * x]), pg = g1 * Float(prow[3 * x + 1]),
                                    pb = g2 * Float(prow[3 * x + 2])
                                let plateNorm2 = pr * pr + pg * pg + pb * pb + 1
                                // The shading that best explains the pixel as the wall, and what is left over.
                                let shade = (ir * pr + ig * pg + ib * pb) / plateNorm2
                                let dr = ir - shade * pr, dg = ig - shade * pg, db = ib - shade * pb
                                var s = (dr * dr + dg * dg + db * db).squareRoot() / chromaThreshold
                                if shade < darkest { s = max(s, 1 + (darkest - shade) / 0.1) }
                                let brightest = 1 + margin + 2.5 * noise / max(8, plateNorm2.squareRoot() / 1.732)
                                if shade > brightest { s = max(s, 1 + (shade - brightest) / 0.05) }
                                op[y * ostride + x] = s
                                sp[y * sstride + x] = shade
                            }
                        }
                    }
                }
            }
        }
        return (out, shading)
    }

    /// What each pixel is against the matched plate, from one comparison: `foreground` is 255
    /// where the image shows something other than the backdrop; `shadow` is 255 where the
    /// pixel reads as the wall in shadow — its colour on the plate's colour line, clearly
    /// darker than the lit wall. A person's shadow looks like this; so does skin on a beige
    /// wall, which is why only a confident person network may overrule it.
    public func classify(_ image: RGBImage, plate: RGBImage, match: Match) -> (foreground: GrayImage, shadow: GrayImage) {
        let (score, shade) = compare(image, plate: plate, match: match)
        let shadow = zip(score.elements, shade.elements).map { $0 <= 1 && $1 < 0.97 ? UInt8(255) : 0 }
        return (score.grayImage(scale: 255, offset: -254),
                GrayImage(width: image.width, height: image.height, elements: shadow))
    }

    /// 255 where the image shows something other than the plate's backdrop.
    public func foregroundMask(_ image: RGBImage, plate: RGBImage, match: Match) -> GrayImage {
        score(image, plate: plate, match: match).grayImage(scale: 255, offset: -254)
    }

    private func pixels(in rect: PixelRect, width: Int) -> [Int] {
        guard rect.width > 0, rect.height > 0 else { return [] }
        return (rect.y..<rect.maxY).flatMap { y in (rect.x..<rect.maxX).map { y * width + $0 } }
    }
}

private func median(_ values: [Float]) -> Float? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}
