import Foundation
import ImageKit

/// An 8-bit sRGB colour.
public struct RGBColor: Hashable, Sendable, Codable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    public var description: String { "RGB(\(r), \(g), \(b))" }
}

/// A closed range of a measured quantity with the value the kiosk aims for inside it.
public struct TargetRange: Hashable, Sendable, Codable, CustomStringConvertible {
    public var minimum: Double
    public var maximum: Double
    /// Where the crop solver aims; strictly inside the range so that measurement noise on the
    /// result (a re-detected landmark moves by a pixel or two) cannot push it out.
    public var preferred: Double

    public init(_ minimum: Double, _ maximum: Double, preferred: Double) {
        precondition(minimum <= preferred && preferred <= maximum, "preferred \(preferred) outside \(minimum)…\(maximum)")
        self.minimum = minimum
        self.maximum = maximum
        self.preferred = preferred
    }

    public func contains(_ value: Double) -> Bool { value >= minimum && value <= maximum }

    public var description: String { "\(Int(minimum))–\(Int(maximum)) (aim \(Int(preferred)))" }
}

/// Every number of one photo standard: the file, the geometry of the portrait, the background.
///
/// The checks, the crop solver, the tests and the station configuration all read one of these
/// values; a province with a white background or other ranges is another value (decode it from
/// configuration), never other code. Geometry is in pixels of the finished photo, measured from
/// its top-left corner.
public struct PhotoSpec: Hashable, Sendable, Codable {
    /// A short name for reports and configuration, e.g. `"cn-diploma-blue"`.
    public var name: String
    /// Exact size of the finished photo.
    public var width: Int
    public var height: Int
    /// Written into the JFIF header (dots per inch).
    public var dotsPerInch: Int
    /// The lowest IJG quality the encoder may use.
    public var minimumQuality: Int
    /// Accepted file sizes in bytes.
    public var minimumBytes: Int
    public var maximumBytes: Int
    /// The colour the backdrop is replaced with.
    public var background: RGBColor
    /// How far (CIE76 ΔE) the background of the encoded photo may stray from `background`
    /// anywhere along its edges: JPEG quantisation of a flat area costs well under 1.
    public var backgroundTolerance: Double
    /// Rows from the top edge to the top of the hair.
    public var headTop: TargetRange
    /// Rows from the top edge to the eye line (the midpoint of the two eye centres).
    public var eyeLine: TargetRange
    /// Face width at cheek level: the horizontal distance between jaw landmarks 1 and 15
    /// (iBUG numbering), the contour points level with the cheekbones just below the eyes.
    public var faceWidth: TargetRange
    /// Largest horizontal offset, in pixels, of the face centre (the midpoint of jaw points 1
    /// and 15) from the vertical centre line of the photo.
    public var centringTolerance: Double
    /// The largest enlargement of the camera frame allowed: beyond it the photo would be soft,
    /// so the student is asked to come closer instead. 2 × lets a 640 × 480 webcam give a photo
    /// of a student seated at arm's length (face about 100 px wide); the sharpness check still
    /// judges the result.
    public var maximumUpscale: Double

    public init(name: String, width: Int, height: Int, dotsPerInch: Int, minimumQuality: Int,
                minimumBytes: Int, maximumBytes: Int, background: RGBColor, backgroundTolerance: Double,
                headTop: TargetRange, eyeLine: TargetRange, faceWidth: TargetRange,
                centringTolerance: Double, maximumUpscale: Double) {
        self.name = name
        self.width = width
        self.height = height
        self.dotsPerInch = dotsPerInch
        self.minimumQuality = minimumQuality
        self.minimumBytes = minimumBytes
        self.maximumBytes = maximumBytes
        self.background = background
        self.backgroundTolerance = backgroundTolerance
        self.headTop = headTop
        self.eyeLine = eyeLine
        self.faceWidth = faceWidth
        self.centringTolerance = centringTolerance
        self.maximumUpscale = maximumUpscale
    }

    /// The diploma-registration photo (教毕指〔2017〕99号) on the light-blue background.
    ///
    /// The byte window is 20 480 – 40 000 bytes: the spec's "20 KB – 40 KB" does not say
    /// whether a KB is 1000 or 1024 bytes, so the window is the part both readings accept. The
    /// preferred head top (80) and
    /// eye line (245) sit mid-range with the face width at 240, which matches how far above
    /// the eyes hair usually reaches (about 0.7 face widths); the solver trades them off when a
    /// head is taller or flatter than that.
    public static let diplomaBlue = PhotoSpec(
        name: "cn-diploma-blue", width: 480, height: 640, dotsPerInch: 300, minimumQuality: 60,
        minimumBytes: 20 * 1024, maximumBytes: 40 * 1000,
        background: RGBColor(r: 100, g: 197, b: 255), backgroundTolerance: 3,
        headTop: TargetRange(50, 110, preferred: 80), eyeLine: TargetRange(200, 300, preferred: 245),
        faceWidth: TargetRange(180, 300, preferred: 240), centringTolerance: 12, maximumUpscale: 2.0)

    /// The same standard for provinces that use a white background.
    public static let diplomaWhite: PhotoSpec = {
        var spec = diplomaBlue
        spec.name = "cn-diploma-white"
        spec.background = RGBColor(r: 255, g: 255, b: 255)
        return spec
    }()

    public var size: PixelSize { PixelSize(width: width, height: height) }

    /// The encoder's search window for this spec.
    public var byteWindow: ClosedRange<Int> { minimumBytes...maximumBytes }

    /// The encoder's search window for this spec: its bytes, never below its minimum quality.
    public var encoderWindow: JPEGByteWindow { JPEGByteWindow(bytes: byteWindow, minimumQuality: minimumQuality) }
}

// MARK: Decoding and validating a spec from configuration

extension TargetRange {
    /// Decodes a range from configuration, refusing one whose aim lies outside it (or whose
    /// minimum is above its maximum) with a message, where `init` would stop the program:
    /// a station file is the operator's text, not the programmer's.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let minimum = try container.decode(Double.self, forKey: .minimum)
        let maximum = try container.decode(Double.self, forKey: .maximum)
        let preferred = try container.decode(Double.self, forKey: .preferred)
        func refuse(_ reason: String) -> DecodingError {
            .dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: reason))
        }
        guard minimum <= maximum else {
            throw refuse("has minimum \(number(minimum)) above maximum \(number(maximum)); "
                + "minimum ≤ preferred ≤ maximum must hold")
        }
        guard minimum <= preferred && preferred <= maximum else {
            throw refuse("has preferred \(number(preferred)) outside minimum…maximum (\(number(minimum))…\(number(maximum))); "
                + "the aim must lie within the range")
        }
        self.init(minimum, maximum, preferred: preferred)
    }
}

extension RGBColor {
    /// Decodes `{r, g, b}`; anything else (a colour name, a list, a channel above 255) is
    /// refused with the one form that is accepted.
    public init(from decoder: Decoder) throws {
        do {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(r: try container.decode(UInt8.self, forKey: .r), g: try container.decode(UInt8.self, forKey: .g),
                      b: try container.decode(UInt8.self, forKey: .b))
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "must be an object {r, g, b} with 0–255 each"))
        }
    }
}

extension PhotoSpec {
    /// Photo sides the pipeline is meant for: a few times the registration photo either way.
    /// Much smaller and the face checks have too few pixels to measure; much larger and the
    /// byte window cannot hold a JPEG.
    public static let allowedSide = 64...4096
    /// File sizes a window may span: from one byte to 10 MB (an upload, not an archive).
    public static let allowedBytes = 1...10_000_000
    /// Enlargement of the camera frame: at least 1 (no enlargement) and at most 8.
    public static let allowedUpscale = 1.0...8.0

    /// The first setting of this spec that cannot work, or nil: `key` names it (relative to
    /// the spec: `"width"`, `"headTop"`), `reason` says what it is and what is allowed, and
    /// `related` names the settings it was judged against.
    ///
    /// Every range the crop solver, the encoder and the checks rely on is checked here, so a
    /// spec from a file never reaches their preconditions (a zero width, a quality of 150).
    public func invalidSetting() -> (key: String, reason: String, related: [String])? {
        func outside<T: Comparable>(_ value: T, _ range: ClosedRange<T>) -> Bool { !range.contains(value) }
        if name.trimmingCharacters(in: .whitespaces).isEmpty {
            return ("name", "is empty; it must be a short name for reports, e.g. \"cn-diploma-blue\"", [])
        }
        for (key, side) in [("width", width), ("height", height)] where outside(side, Self.allowedSide) {
            return (key, "is \(side); it must be a whole number of pixels from \(Self.allowedSide.lowerBound) "
                + "to \(Self.allowedSide.upperBound)", [])
        }
        if outside(dotsPerInch, 1...65535) {
            return ("dotsPerInch", "is \(dotsPerInch); it must be from 1 to 65535 (what a JPEG header can hold)", [])
        }
        if outside(minimumQuality, 1...100) {
            return ("minimumQuality", "is \(minimumQuality); it must be a JPEG quality from 1 to 100", [])
        }
        for (key, bytes) in [("minimumBytes", minimumBytes), ("maximumBytes", maximumBytes)]
        where outside(bytes, Self.allowedBytes) {
            return (key, "is \(bytes); it must be a file size in bytes from 1 to \(Self.allowedBytes.upperBound)", [])
        }
        if minimumBytes > maximumBytes {
            return ("minimumBytes", "is \(minimumBytes), above maximumBytes (\(maximumBytes)); "
                + "the smallest file allowed must not exceed the largest", ["maximumBytes"])
        }
        if !(backgroundTolerance > 0 && backgroundTolerance <= 100) {
            return ("backgroundTolerance", "is \(number(backgroundTolerance)); it must be a colour distance (ΔE) "
                + "above 0 and at most 100", [])
        }
        for (key, range) in [("headTop", headTop), ("eyeLine", eyeLine)]
        where range.minimum < 0 || range.maximum > Double(height) {
            return (key, "is \(number(range.minimum))…\(number(range.maximum)); it must lie within the photo's "
                + "rows, 0…\(height) (height)", ["height"])
        }
        if !(headTop.preferred < eyeLine.preferred) {
            return ("headTop", "aims at row \(number(headTop.preferred)), not above the eye line's aim "
                + "(\(number(eyeLine.preferred))); the top of the head must be above the eyes", ["eyeLine"])
        }
        if !(faceWidth.minimum > 0) || faceWidth.maximum > Double(width) {
            return ("faceWidth", "is \(number(faceWidth.minimum))…\(number(faceWidth.maximum)); it must lie "
                + "within 1…\(width) pixels (the photo's width)", ["width"])
        }
        if !(centringTolerance > 0 && centringTolerance <= Double(width) / 2) {
            return ("centringTolerance", "is \(number(centringTolerance)); it must be above 0 and at most half "
                + "the width (\(width / 2) pixels)", ["width"])
        }
        if !Self.allowedUpscale.contains(maximumUpscale) {
            return ("maximumUpscale", "is \(number(maximumUpscale)); it must be from 1 (never enlarge) to 8", [])
        }
        return nil
    }
}

/// `3` for 3.0, `0.5` for 0.5: numbers in messages as an operator writes them.
private func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
}
