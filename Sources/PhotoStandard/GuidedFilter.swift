import ImageKit

/// The guided filter of He, Sun and Tang with a colour guide: smooths `input` while making its
/// edges follow the edges of `guide`, so a rough matte takes the shape of the hair it outlines.
///
/// Written here over ImageKit's box filters because OpenCV's implementation lives in
/// `ximgproc` (opencv_contrib), which Debian's imgproc package does not include.
/// - Parameters:
///   - radius: half the window size in pixels.
///   - epsilon: regularisation in (0…1)² units: larger values smooth more, smaller ones follow
///     fainter edges.
///
/// The linear coefficients are computed at half resolution and scaled up before they are applied
/// to the full-resolution guide (the "fast guided filter" of He and Sun): the coefficients are
/// smooth, so this costs little accuracy and saves three quarters of the box filtering.
func guidedFilter(guide fullGuide: ColorPlanes, input fullInput: FloatPlane, radius: Int, epsilon: Float) -> FloatPlane {
    let full = PixelSize(width: fullInput.width, height: fullInput.height)
    let half = PixelSize(width: max(1, (full.width + 1) / 2), height: max(1, (full.height + 1) / 2))
    let down = { (p: FloatPlane) in p.resized(to: half, filter: .area) }
    let guide = fullGuide.map(down), input = down(fullInput)
    let size = 2 * max(1, radius / 2) + 1
    let box = { (p: FloatPlane) in p.boxFiltered(width: size) }
    let product = { (a: FloatPlane, b: FloatPlane) in
        FloatPlane.combine([a, b]) { out, p, n in for i in 0..<n { out[i] = p[0][i] * p[1][i] } }
    }
    let (ir, ig, ib) = (guide.r, guide.g, guide.b)
    let meanR = box(ir), meanG = box(ig), meanB = box(ib), meanP = box(input)
    let rr = box(product(ir, ir)), rg = box(product(ir, ig)), rb = box(product(ir, ib))
    let gg = box(product(ig, ig)), gb = box(product(ig, ib)), bb = box(product(ib, ib))
    let rp = box(product(ir, input)), gp = box(product(ig, input)), bp = box(product(ib, input))

    let n = input.width * input.height
    var aR = [Float](repeating: 0, count: n), aG = aR, aB = aR, bias = aR
    _ = FloatPlane.combine([meanR, meanG, meanB, meanP, rr, rg, rb, gg, gb, bb, rp, gp, bp]) { _, p, n in
        for i in 0..<n {
            let mr = p[0][i], mg = p[1][i], mb = p[2][i], mp = p[3][i]
            // Covariance of the guide in the window, regularised, and its covariance with the input.
            let srr = p[4][i] - mr * mr + epsilon, srg = p[5][i] - mr * mg, srb = p[6][i] - mr * mb
            let sgg = p[7][i] - mg * mg + epsilon, sgb = p[8][i] - mg * mb, sbb = p[9][i] - mb * mb + epsilon
            let cr = p[10][i] - mr * mp, cg = p[11][i] - mg * mp, cb = p[12][i] - mb * mp
            // Solve the symmetric 3×3 system by its adjugate.
            let i00 = sgg * sbb - sgb * sgb, i01 = srb * sgb - srg * sbb, i02 = srg * sgb - srb * sgg
            let i11 = srr * sbb - srb * srb, i12 = srb * srg - srr * sgb, i22 = srr * sgg - srg * srg
            let det = srr * i00 + srg * i01 + srb * i02
            let inv = 1 / det
            let a0 = (i00 * cr + i01 * cg + i02 * cb) * inv
            let a1 = (i01 * cr + i11 * cg + i12 * cb) * inv
            let a2 = (i02 * cr + i12 * cg + i22 * cb) * inv
            aR[i] = a0; aG[i] = a1; aB[i] = a2
            bias[i] = mp - a0 * mr - a1 * mg - a2 * mb
        }
    }
    let w = input.width, h = input.height
    let up = { (values: [Float]) in box(FloatPlane(width: w, height: h, elements: values)).resized(to: full, filter: .bilinear) }
    let meanAR = up(aR), meanAG = up(aG), meanAB = up(aB), meanBias = up(bias)
    return FloatPlane.combine([meanAR, meanAG, meanAB, meanBias, fullGuide.r, fullGuide.g, fullGuide.b]) { out, p, n in
        for i in 0..<n { out[i] = p[0][i] * p[4][i] + p[1][i] * p[5][i] + p[2][i] * p[6][i] + p[3][i] }
    }
}
