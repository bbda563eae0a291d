import ImageKit

/// An RGB image as three float planes in 0…1: the form the matting arithmetic works in.
struct ColorPlanes: Sendable {
    var r: FloatPlane
    var g: FloatPlane
    var b: FloatPlane

    var width: Int { r.width }
    var height: Int { r.height }

    init(r: FloatPlane, g: FloatPlane, b: FloatPlane) {
        self.r = r
        self.g = g
        self.b = b
    }

    init(_ image: RGBImage) {
        var r = FloatPlane(width: image.width, height: image.height)
        var g = r, b = r
        let width = image.width, height = image.height
        image.withUnsafeRows { src, stride in
            r.withUnsafeMutableRows { pr, sr in
                g.withUnsafeMutableRows { pg, sg in
                    b.withUnsafeMutableRows { pb, sb in
                        for y in 0..<height {
                            let row = src + y * stride
                            for x in 0..<width {
                                pr[y * sr + x] = Float(row[3 * x]) / 255
                                pg[y * sg + x] = Float(row[3 * x + 1]) / 255
                                pb[y * sb + x] = Float(row[3 * x + 2]) / 255
                            }
                        }
                    }
                }
            }
        }
        self.init(r: r, g: g, b: b)
    }

    func map(_ transform: (FloatPlane) -> FloatPlane) -> ColorPlanes {
        ColorPlanes(r: transform(r), g: transform(g), b: transform(b))
    }
}

extension FloatPlane {
    /// Applies `body` to every element of this and `others` (all the same size), writing the
    /// result into a new plane.
    static func combine(_ planes: [FloatPlane], _ body: (UnsafeMutablePointer<Float>, [UnsafePointer<Float>], Int) -> Void)
        -> FloatPlane {
        let width = planes[0].width, height = planes[0].height
        var out = FloatPlane(width: width, height: height)
        let compact = planes.map { $0.isContiguous ? $0 : $0.compacted() }
        var pointers = [UnsafePointer<Float>]()
        func collect(_ index: Int) {
            if index == compact.count {
                out.withUnsafeMutableRows { dst, _ in body(dst, pointers, width * height) }
                return
            }
            compact[index].withUnsafeRows { p, _ in
                pointers.append(p)
                collect(index + 1)
                pointers.removeLast()
            }
        }
        collect(0)
        return out
    }
}

/// Fills the pixels where `weight` is 0 with values spread from the pixels where it is 1
/// (push–pull over an area pyramid), leaving weight-1 pixels as they are.
///
/// It gives the matting its local foreground and background colours behind the uncertain band:
/// each unknown pixel gets the colour of the nearest known pixels, averaged over a neighbourhood
/// that grows only as far as needed. No library offers this; a pyramid costs about 1.4 times one
/// pass over the image, much less than blurring at every scale.
///
/// - Parameter halfResolution: fill at half size and scale the result up: four times cheaper,
///   for callers that only need the smooth local colour, not the exact known pixels.
func pushPullFill(_ planes: [FloatPlane], weight: FloatPlane, halfResolution: Bool = false) -> [FloatPlane] {
    let weighted = planes.map { plane in
        FloatPlane.combine([plane, weight]) { out, p, n in for i in 0..<n { out[i] = p[0][i] * p[1][i] } }
    }
    guard halfResolution else { return pushPull(weighted, weight: weight) }
    let full = PixelSize(width: weight.width, height: weight.height)
    let half = PixelSize(width: max(1, (full.width + 1) / 2), height: max(1, (full.height + 1) / 2))
    let down = { (p: FloatPlane) in p.resized(to: half, filter: .area) }
    return pushPull(weighted.map(down), weight: down(weight)).map { $0.resized(to: full, filter: .bilinear) }
}

func pushPullFill(_ planes: ColorPlanes, weight: FloatPlane, halfResolution: Bool = false) -> ColorPlanes {
    let filled = pushPullFill([planes.r, planes.g, planes.b], weight: weight, halfResolution: halfResolution)
    return ColorPlanes(r: filled[0], g: filled[1], b: filled[2])
}

private func pushPull(_ sums: [FloatPlane], weight: FloatPlane) -> [FloatPlane] {
    let width = weight.width, height = weight.height
    // Values known well enough at this level; the rest comes from the coarser level.
    func resolved(coarser: [FloatPlane]?) -> [FloatPlane] {
        let confidence = FloatPlane.combine([weight]) { out, p, n in
            for i in 0..<n { out[i] = min(1, p[0][i] * 4) }
        }
        return sums.indices.map { k in
            let up = coarser?[k]
            return FloatPlane.combine([sums[k], weight, confidence] + (up.map { [$0] } ?? [])) { out, p, n in
                for i in 0..<n {
                    let own = p[1][i] > 1e-6 ? p[0][i] / p[1][i] : 0
                    out[i] = up == nil ? own : p[2][i] * own + (1 - p[2][i]) * p[3][i]
                }
            }
        }
    }
    guard width > 2 || height > 2 else { return resolved(coarser: nil) }
    let half = PixelSize(width: max(1, (width + 1) / 2), height: max(1, (height + 1) / 2))
    let down = { (p: FloatPlane) in p.resized(to: half, filter: .area) }
    let coarse = pushPull(sums.map(down), weight: down(weight))
    let full = PixelSize(width: width, height: height)
    return resolved(coarser: coarse.map { $0.resized(to: full, filter: .bilinear) })
}
