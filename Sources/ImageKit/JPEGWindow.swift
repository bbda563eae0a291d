import Foundation

/// A byte range that an encoded file must land in, and how to search for it.
public struct JPEGByteWindow: Sendable, Hashable, Codable {
    /// Accepted file sizes in bytes (the spec photo: 20 KB – 40 KB).
    public var bytes: ClosedRange<Int>
    /// The search never goes below this quality (the spec: 60).
    public var minimumQuality: Int
    /// The search stops as soon as a file lands at or above this size inside the window:
    /// close enough to the top that more quality is not worth another encode.
    public var goodEnoughBytes: Int
    /// At most this many encodes.
    public var maximumEncodes: Int

    public init(bytes: ClosedRange<Int>, minimumQuality: Int = 60, goodEnoughBytes: Int? = nil, maximumEncodes: Int = 6) {
        precondition(bytes.lowerBound > 0 && (1...100).contains(minimumQuality) && maximumEncodes >= 1)
        self.bytes = bytes
        self.minimumQuality = minimumQuality
        self.goodEnoughBytes = goodEnoughBytes ?? (bytes.lowerBound + (bytes.upperBound - bytes.lowerBound) * 3 / 4)
        self.maximumEncodes = maximumEncodes
    }
}

/// The outcome of `JPEG.encode(_:into:)`.
public struct WindowedJPEG: Sendable {
    /// Where the chosen file landed relative to the window.
    public enum Fit: String, Sendable, Codable {
        /// Inside the window.
        case inside
        /// Smaller than the window even at quality 100: the picture holds too little detail
        /// (a flat or blank image). The file is the quality-100 encoding.
        case belowWindow
        /// Larger than the window even at the minimum quality: too much detail or noise.
        /// The file is the minimum-quality encoding.
        case aboveWindow
    }

    public var bytes: [UInt8]
    public var quality: Int
    public var fit: Fit
    /// How many encodes the search needed.
    public var encodes: Int
}

extension JPEG {
    /// Encodes at the highest quality whose file fits the window, in few encodes.
    ///
    /// File size grows roughly exponentially with quality, so the search interpolates
    /// `log(size)` between the qualities it has tried (a secant step), aiming at the upper part
    /// of the window, and stops at the first file of at least `goodEnoughBytes` that fits. Two to
    /// three encodes are typical; `startQuality` (e.g. the quality chosen for the previous
    /// photo of the same station) often makes it one.
    ///
    /// When no quality can meet the window the result says so in `fit` instead of throwing: the
    /// caller decides whether a file outside the "normal" range is acceptable. Nothing is ever
    /// padded into the file to make it larger.
    public static func encode(_ image: RGBImage, into window: JPEGByteWindow, startQuality: Int = 88,
                              subsampling: ChromaSubsampling = .yuv420,
                              density: PixelDensity = .dpi(300)) throws(JPEGError) -> WindowedJPEG {
        var fitting: (quality: Int, bytes: [UInt8])?
        var tooBig: (quality: Int, size: Int)?
        var smallest: (quality: Int, bytes: [UInt8])?
        var samples: [(quality: Int, size: Int)] = []
        let top = window.bytes.upperBound
        let target = Double(window.goodEnoughBytes + top) / 2
        var quality = min(100, max(window.minimumQuality, startQuality))
        var encodes = 0

        while encodes < window.maximumEncodes {
            let bytes = try encode(image, options: JPEGEncodeOptions(quality: quality, subsampling: subsampling,
                                                                      density: density))
            encodes += 1
            samples.append((quality, bytes.count))
            if bytes.count <= top {
                if fitting == nil || quality > fitting!.quality { fitting = (quality, bytes) }
                if bytes.count >= window.goodEnoughBytes || quality == 100 { break }
            } else {
                if tooBig == nil || quality < tooBig!.quality { tooBig = (quality, bytes.count) }
                if quality == window.minimumQuality { smallest = (quality, bytes); break }
            }
            let low = fitting?.quality ?? (window.minimumQuality - 1)
            let high = tooBig?.quality ?? 101
            guard high - low > 1 else { break }
            let guess = nextQuality(samples: samples, target: target)
            quality = min(high - 1, max(low + 1, guess))
        }

        if let fitting {
            let fit: WindowedJPEG.Fit = fitting.bytes.count >= window.bytes.lowerBound ? .inside : .belowWindow
            return WindowedJPEG(bytes: fitting.bytes, quality: fitting.quality, fit: fit, encodes: encodes)
        }
        if let smallest {
            return WindowedJPEG(bytes: smallest.bytes, quality: smallest.quality, fit: .aboveWindow, encodes: encodes)
        }
        // The budget ran out above the window without trying the minimum: settle it now.
        let bytes = try encode(image, options: JPEGEncodeOptions(quality: window.minimumQuality,
                                                                 subsampling: subsampling, density: density))
        let fit: WindowedJPEG.Fit = bytes.count <= top ? .inside : .aboveWindow
        return WindowedJPEG(bytes: bytes, quality: window.minimumQuality, fit: fit, encodes: encodes + 1)
    }

    /// A secant step on `log(size)` over quality through the two samples nearest the target;
    /// with one sample, a typical slope (size doubles about every 12 quality steps near 80).
    private static func nextQuality(samples: [(quality: Int, size: Int)], target: Double) -> Int {
        let typicalSlope = log(2.0) / 12
        let sorted = samples.sorted { abs(log(Double($0.size) / target)) < abs(log(Double($1.size) / target)) }
        let a = sorted[0]
        var slope = typicalSlope
        if let b = sorted.dropFirst().first(where: { $0.quality != a.quality }) {
            let measured = (log(Double(a.size)) - log(Double(b.size))) / Double(a.quality - b.quality)
            if measured > 0.005 { slope = measured }
        }
        return a.quality + Int((log(target / Double(a.size)) / slope).rounded())
    }
}
