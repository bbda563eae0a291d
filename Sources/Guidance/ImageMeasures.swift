import ImageKit

/// Small measurements on grey images that the analysis and the burst choice share.
///
/// Hand-written loops: they run over a face-sized region (a few thousand pixels at analysis
/// size), where a call into OpenCV would cost more in copying the region than the sums.
public enum ImageMeasures {
    /// Mean grey level inside `rect` (clipped to the image); nil for an empty region.
    public static func mean(_ gray: GrayImage, in rect: PixelRect) -> Double? {
        let r = rect.intersection(gray.bounds)
        guard !r.isEmpty else { return nil }
        var sum = 0
        gray.withUnsafeRows { p, stride in
            for y in r.y..<r.maxY {
                let row = p + y * stride
                for x in r.x..<r.maxX { sum += Int(row[x]) }
            }
        }
        return Double(sum) / Double(r.width * r.height)
    }

    /// Variance of the 4-neighbour Laplacian inside `rect` (a standard focus measure: blur
    /// and motion blur remove the fine detail it responds to).
    public static func laplacianVariance(_ gray: GrayImage, in rect: PixelRect) -> Double {
        let r = rect.intersection(PixelRect(x: 1, y: 1, width: gray.width - 2, height: gray.height - 2))
        guard !r.isEmpty else { return 0 }
        var sum = 0.0, sumSquares = 0.0
        gray.withUnsafeRows { p, stride in
            for y in r.y..<r.maxY {
                let row = p + y * stride
                for x in r.x..<r.maxX {
                    let v = 4 * Int(row[x]) - Int(row[x - 1]) - Int(row[x + 1]) - Int(row[x - stride]) - Int(row[x + stride])
                    let d = Double(v)
                    sum += d
                    sumSquares += d * d
                }
            }
        }
        let n = Double(r.width * r.height)
        let mean = sum / n
        return sumSquares / n - mean * mean
    }
}
