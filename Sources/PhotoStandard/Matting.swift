import ImageKit

/// A soft matte and the person's own colours, at the resolution of the finished photo.
public struct Matte: Sendable {
    /// Opacity of the person, 0…1.
    public var alpha: FloatPlane
    /// The person's colour with the old backdrop taken out, valid wherever alpha > 0.
    var foreground: ColorPlanes
}

/// Turns a hard person mask into a soft matte that follows hair, and estimates the person's
/// colour in the transition band so that the old backdrop does not show through the new one.
public struct MatteRefiner: Sendable {
    /// Half-widths of the uncertain band, in output pixels, inside and outside the mask edge.
    public var bandInside = 4
    public var bandOutside = 6
    /// Guided-filter window radius and regularisation (in (0…1)² units).
    public var guidedRadius = 3
    public var guidedEpsilon: Float = 2e-3
    /// Below this colour distance (0…1 units) between local person and backdrop colour the
    /// colour line gives no information and the mask's own smooth edge is used instead.
    public var minimumContrast: Float = 0.08
    /// Local standard deviation of the visible backdrop (0…1 units, summed over channels) below
    /// which it counts as plain, and above which as too busy to extrapolate behind the hair.
    public var plainBackdrop: Float = 0.04
    public var busyBackdrop: Float = 0.10

    public init() {}

    /// - Parameters:
    ///   - mask: 255 for the person, 0 for the backdrop, at the size of `image`.
    ///   - sureForeground: pixels known to be the person whatever the mask says (the face).
    ///   - plate: the clean plate resampled like `image`, when the station has one.
    ///   - faint: pixels that differ faintly from the backdrop (thin hair, or shadow); those near
    ///     the mask join the uncertain band instead of counting as backdrop.
    ///   - bandScale: how many output pixels one pixel of the mask's source resolution spans: a
    ///     mask upsampled from a coarse one has a correspondingly wider uncertain band.
    public func refine(image: RGBImage, mask: GrayImage, sureForeground: [(x: Int, y: Int)], plate: RGBImage?,
                faint: GrayImage? = nil, bandScale: Double = 1) -> Matte {
        let inner = max(bandInside, Int((Double(bandInside) * bandScale * 0.5).rounded()))
        let outer = max(bandOutside, Int((Double(bandOutside) * bandScale * 0.5).rounded()))
        var sure = mask.morphology(.erode, width: 2 * inner + 1)
        sure.withUnsafeMutableRows { p, stride in for q in sureForeground { p[q.y * stride + q.x] = 255 } }
        var possible = mask.morphology(.dilate, width: 2 * outer + 1)
        if let faint {
            let near = mask.morphology(.dilate, width: 8 * outer + 1)
            possible = GrayImage(width: mask.width, height: mask.height, elements: zip(possible.elements,
                zip(faint.elements, near.elements)).map { p, fn in p != 0 || (fn.0 != 0 && fn.1 != 0) ? 255 : 0 })
        }
        let fgWeight = sure.floatPlane()
        let bgWeight = possible.floatPlane(scale: -1.0 / 255, offset: 1)

        let colours = ColorPlanes(image)
        let personColour = pushPullFill(colours, weight: fgWeight, halfResolution: true)
        let backdropColour: ColorPlanes
        if let plate {
            // The plate is exact behind the hair but brighter than the backdrop where the
            // person's shadow falls: scale it by the local ratio seen on the visible backdrop.
            let plateColours = ColorPlanes(plate)
            let ratio = ColorPlanes(r: ratioPlane(colours.r, plateColours.r), g: ratioPlane(colours.g, plateColours.g),
                                    b: ratioPlane(colours.b, plateColours.b))
            let gain = pushPullFill(ratio, weight: bgWeight, halfResolution: true)
            backdropColour = ColorPlanes(r: multiply(gain.r, plateColours.r), g: multiply(gain.g, plateColours.g),
                                         b: multiply(gain.b, plateColours.b))
        } else {
            backdropColour = pushPullFill(colours, weight: bgWeight, halfResolution: true)
        }
        // Without a plate the backdrop behind the band is extrapolated, which only holds where
        // the visible backdrop is plain; over texture the mask's own edge is safer.
        let texture = plate == nil ? backdropTexture(colours, weight: bgWeight) : nil

        let smoothMask = mask.floatPlane().gaussianBlurred(sigma: max(1, Double(inner) * 0.5))
        let contrast2 = minimumContrast * minimumContrast
        // Where the pixel lies on the line from backdrop colour to person colour.
        let (plain, busy) = (plainBackdrop, busyBackdrop)
        let rough = FloatPlane.combine([colours.r, colours.g, colours.b, personColour.r, personColour.g, personColour.b,
                                        backdropColour.r, backdropColour.g, backdropColour.b,
                                        fgWeight, bgWeight, smoothMask] + (texture.map { [$0] } ?? [])) { out, p, n in
            for i in 0..<n {
                if p[9][i] > 0.5 { out[i] = 1; continue }
                if p[10][i] > 0.5 { out[i] = 0; continue }
                let dr = p[3][i] - p[6][i], dg = p[4][i] - p[7][i], db = p[5][i] - p[8][i]
                let d2 = dr * dr + dg * dg + db * db
                if d2 < contrast2 { out[i] = p[11][i]; continue }
                let t = ((p[0][i] - p[6][i]) * dr + (p[1][i] - p[7][i]) * dg + (p[2][i] - p[8][i]) * db) / d2
                let projected = min(1, max(0, t))
                let trust = texture == nil ? 1 : min(1, max(0, (busy - p[12][i]) / (busy - plain)))
                out[i] = trust * projected + (1 - trust) * p[11][i]
            }
        }
        let filtered = guidedFilter(guide: colours, input: rough, radius: guidedRadius, epsilon: guidedEpsilon)
        let alpha = FloatPlane.combine([filtered, fgWeight, bgWeight]) { out, p, n in
            for i in 0..<n {
                let a = p[1][i] > 0.5 ? 1 : p[2][i] > 0.5 ? 0 : p[0][i]
                out[i] = a < 0.02 ? 0 : a > 0.98 ? 1 : a
            }
        }
        return Matte(alpha: alpha, foreground: foreground(colours, alpha: alpha, person: personColour,
                                                          backdrop: backdropColour))
    }

    /// The person's colour in the transition band. Its brightness comes from solving the
    /// compositing equation I = αF + (1−α)B for F (fading to the nearby person colour where α is
    /// too small for that to be stable); its hue and saturation always come from the nearby person
    /// colour. Strands over the old backdrop therefore keep their own texture but carry none of the
    /// backdrop's colour into the new background: no grey halo, no colour fringe.
    private func foreground(_ image: ColorPlanes, alpha: FloatPlane, person: ColorPlanes, backdrop: ColorPlanes)
        -> ColorPlanes {
        let planes = [image.r, image.g, image.b, person.r, person.g, person.b, backdrop.r, backdrop.g, backdrop.b, alpha]
        var out = [FloatPlane]()
        for channel in 0..<3 {
            out.append(FloatPlane.combine(planes) { dst, p, n in
                let (ir, ig, ib) = (p[0], p[1], p[2]), (fr, fg, fb) = (p[3], p[4], p[5])
                let (br, bg, bb) = (p[6], p[7], p[8]), alpha = p[9], own = p[channel], spread = p[3 + channel]
                for k in 0..<n {
                    let a = alpha[k]
                    if a >= 1 { dst[k] = own[k]; continue }
                    if a <= 0 { dst[k] = spread[k]; continue }
                    // Luma (BT.601) of the solved colour and of the nearby person colour.
                    let inv = 1 / a, keep = 1 - a
                    let sr = min(1, max(0, (ir[k] - keep * br[k]) * inv))
                    let sg = min(1, max(0, (ig[k] - keep * bg[k]) * inv))
                    let sb = min(1, max(0, (ib[k] - keep * bb[k]) * inv))
                    let solvedLuma = 0.299 * sr + 0.587 * sg + 0.114 * sb
                    let spreadLuma = 0.299 * fr[k] + 0.587 * fg[k] + 0.114 * fb[k]
                    let trust = min(1, max(0, (a - 0.3) / 0.5))
                    dst[k] = min(1, max(0, spread[k] + trust * (solvedLuma - spreadLuma)))
                }
            })
        }
        return ColorPlanes(r: out[0], g: out[1], b: out[2])
    }
}

/// The local colour standard deviation of the backdrop pixels (weight 1), spread into the
/// places where the backdrop is hidden.
private func backdropTexture(_ image: ColorPlanes, weight: FloatPlane, radius: Int = 6) -> FloatPlane {
    let box = { (p: FloatPlane) in p.boxFiltered(width: 2 * radius + 1) }
    let count = box(weight)
    var spread: [FloatPlane] = []
    for channel in [image.r, image.g, image.b] {
        let sum = box(FloatPlane.combine([channel, weight]) { out, p, n in for i in 0..<n { out[i] = p[0][i] * p[1][i] } })
        let squares = box(FloatPlane.combine([channel, weight]) { out, p, n in
            for i in 0..<n { out[i] = p[0][i] * p[0][i] * p[1][i] }
        })
        spread.append(FloatPlane.combine([sum, squares, count]) { out, p, n in
            for i in 0..<n {
                let c = max(p[2][i], 1e-4), mean = p[0][i] / c
                out[i] = max(0, p[1][i] / c - mean * mean)
            }
        })
    }
    let deviation = FloatPlane.combine(spread) { out, p, n in
        for i in 0..<n { out[i] = (p[0][i] + p[1][i] + p[2][i]).squareRoot() }
    }
    // Only windows that are mostly backdrop give a fair estimate.
    let trusted = FloatPlane.combine([weight, count]) { out, p, n in
        for i in 0..<n { out[i] = p[0][i] > 0.5 && p[1][i] > 0.6 ? 1 : 0 }
    }
    return pushPullFill([deviation], weight: trusted, halfResolution: true)[0]
}

private func ratioPlane(_ a: FloatPlane, _ b: FloatPlane) -> FloatPlane {
    FloatPlane.combine([a, b]) { out, p, n in for i in 0..<n { out[i] = min(4, (p[0][i] + 0.004) / (p[1][i] + 0.004)) } }
}

private func multiply(_ a: FloatPlane, _ b: FloatPlane) -> FloatPlane {
    FloatPlane.combine([a, b]) { out, p, n in for i in 0..<n { out[i] = min(1, p[0][i] * p[1][i]) } }
}

extension Matte {
    /// The person over a flat `background`, rounded to 8-bit RGB.
    public func composite(over background: RGBColor) -> RGBImage {
        let width = alpha.width, height = alpha.height
        var out = RGBImage(width: width, height: height)
        let bg = (Float(background.r), Float(background.g), Float(background.b))
        let a = alpha.compacted(), f = (foreground.r.compacted(), foreground.g.compacted(), foreground.b.compacted())
        a.withUnsafeRows { pa, _ in
            f.0.withUnsafeRows { pr, _ in
                f.1.withUnsafeRows { pg, _ in
                    f.2.withUnsafeRows { pb, _ in
                        out.withUnsafeMutableRows { dst, stride in
                            for y in 0..<height {
                                for x in 0..<width {
                                    let i = y * width + x, o = y * stride + 3 * x, k = pa[i]
                                    dst[o] = UInt8(min(255, max(0, k * pr[i] * 255 + (1 - k) * bg.0 + 0.5)))
                                    dst[o + 1] = UInt8(min(255, max(0, k * pg[i] * 255 + (1 - k) * bg.1 + 0.5)))
                                    dst[o + 2] = UInt8(min(255, max(0, k * pb[i] * 255 + (1 - k) * bg.2 + 0.5)))
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
