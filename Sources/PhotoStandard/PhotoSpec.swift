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
