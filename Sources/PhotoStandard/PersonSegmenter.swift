import FaceKit
import Foundation
import ImageKit

/// A hard person mask at reduced resolution over a window of the source frame: enough to find
/// the top of the head and to seed the full-resolution matte.
public struct CoarseMask: Sendable {
    /// 255 for the person, 0 for the backdrop.
    public var mask: GrayImage
    /// The source window the mask covers, in source pixels.
    public var window: PixelRect
    /// Mask pixels per source pixel.
    public var scale: Double

    /// The top of the hair in source rows: the highest person pixel above the face, searched
    /// in the columns of the middle of the face. Nil when the mask holds no such pixel.
    public func headTop(_ face: FaceGeometry) -> Double? {
        let half = max(1, Int(face.faceWidth * 0.3 * scale))
        let centre = Int(((face.centreX - Double(window.x)) * scale).rounded())
        let columns = max(0, centre - half)..<min(mask.width, centre + half + 1)
        guard !columns.isEmpty else { return nil }
        let lastRow = min(mask.height, Int(((face.eyeLine - Double(window.y)) * scale).rounded()))
        return mask.withUnsafeRows { p, stride in
            for y in 0..<max(0, lastRow) {
                for x in columns where p[y * stride + x] != 0 { return Double(window.y) + Double(y) / scale }
            }
            return nil
        }
    }

    /// True when the person touches column `x` (mask coordinates).
    func touchesColumn(_ x: Int) -> Bool {
        mask.withUnsafeRows { p, stride in (0..<mask.height).contains { p[$0 * stride + x] != 0 } }
    }

    /// Whether the person touches the window's top row over the middle of the face.
    func touchesTop(_ face: FaceGeometry) -> Bool {
        headTop(face).map { $0 <= Double(window.y) + 1.5 / scale } ?? false
    }
}

/// Finds the person at reduced resolution: against a clean plate, or without one from a
/// person network (when the station has one) refined by grabCut, or from grabCut alone.
public struct PersonSegmenter: Sendable {
    /// Face width, in mask pixels, that the coarse stage works at: enough to outline the head
    /// and shoulders, small enough for grabCut to run in a few tens of milliseconds.
    public var coarseFaceWidth = 56.0
    /// grabCut iterations.
    public var iterations = 3
    public var plateDifference = PlateDifference()
    /// The person network for frames without a plate; nil: grabCut seeded from the face alone.
    public var network: PersonNetwork?
    /// The network's map of an earlier frame of the same sitting (`personMap(_:face:)`), used
    /// instead of a new pass on a frame whose window it still covers (`PersonMap.tolerance`).
    public var earlierMap: PersonMap?

    public init(network: PersonNetwork? = nil) { self.network = network }

    /// What the no-plate path starts from, for reports.
    public var noPlateMethod: String { network == nil ? "grabCut (no plate)" : "person network + grabCut (no plate)" }
    /// What the plate path starts from, for reports.
    public var plateMethod: String { network == nil ? "clean plate" : "clean plate + person network" }

    /// The part of the source the photo can ever show, with a margin: at the smallest allowed
    /// face the photo spans 1.33 face widths either side of the face centre, at most 1.67 above
    /// the eye line and 2.17 below it. The margin gives grabCut's backdrop model enough samples
    /// beside and above the head (a thinner one lost dark hair against dark backdrops).
    static func window(_ face: FaceGeometry, frame: PixelRect) -> PixelRect {
        let w = face.faceWidth
        let x0 = Int((face.centreX - 1.7 * w).rounded(.down)), x1 = Int((face.centreX + 1.7 * w).rounded(.up))
        let y0 = Int((face.eyeLine - 2.1 * w).rounded(.down)), y1 = Int((face.eyeLine + 2.6 * w).rounded(.up))
        return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0).intersection(frame)
    }

    func scale(_ face: FaceGeometry) -> Double { min(1, coarseFaceWidth / max(1, face.faceWidth)) }

    func shrink(_ image: RGBImage, window: PixelRect, scale: Double) -> RGBImage {
        image.cropped(to: window).resized(to: Self.shrunkSize(window, scale: scale), filter: .area)
    }

    static func shrunkSize(_ window: PixelRect, scale: Double) -> PixelSize {
        PixelSize(width: max(8, Int((Double(window.width) * scale).rounded())),
                  height: max(8, Int((Double(window.height) * scale).rounded())))
    }

    /// The network's map of the person whose face is `face` in `image`, over the window and at
    /// the resolution the segmentation of that frame uses; nil without a network. Made on a
    /// frame a moment before the capture, it spares the capture the network's pass.
    public func personMap(_ image: RGBImage, face: FaceGeometry) throws(SegmentationError) -> PersonMap? {
        guard let network else { return nil }
        let window = Self.window(face, frame: image.bounds)
        let size = Self.shrunkSize(window, scale: scale(face))
        return PersonMap(frame: image.size, window: window,
                         probability: try network.probability(image.cropped(to: window), size: size))
    }

    /// The network's probability over `window` of `image` at `size`: the earlier map's when it
    /// covers the window, else a pass of the network; nil without a network.
    func personProbability(_ image: RGBImage, window: PixelRect, size: PixelSize) throws(SegmentationError) -> FloatPlane? {
        guard let network else { return nil }
        if let earlier = earlierMap?.probability(over: window, in: image.size, size: size) { return earlier }
        return try network.probability(image.cropped(to: window), size: size)
    }

    /// The person as what differs from the clean plate.
    ///
    /// With a network both must agree, each where it is strong: the network's person (where the
    /// person's colour matches the wall — a white shirt on an off-white wall, skin on beige —
    /// the plate cannot tell), except where the plate sees the wall in shadow and the network is
    /// not sure (the person's own shadow beside the shoulder), and what differs from the plate
    /// where the network does not rule it out (a strand of hair it missed; not a chair or a bag
    /// well away from the person). Where the network only half believes in a wall-coloured
    /// part (a white jacket's shoulder on a white wall), the colour models of the path without
    /// a plate, seeded by the same map, decide it as they would there.
    public func segment(_ image: RGBImage, plate: RGBImage, landmarks: FaceLandmarks) throws(SegmentationError) -> CoarseMask {
        let face = FaceGeometry(landmarks)
        let window = Self.window(face, frame: image.bounds), s = scale(face)
        let small = shrink(image, window: window, scale: s), smallPlate = shrink(plate, window: window, scale: s)
        let probability = try personProbability(image, window: window, size: small.size)
        var colourPerson: GrayImage?
        if let probability {
            colourPerson = try grabCutPerson(small, landmarks: landmarks, window: window, frame: image.bounds,
                                             probability: probability)
        }
        return CoarseMask(mask: plateMask(small, plate: smallPlate, face: face.inWindow(window, scale: s),
                                          probability: probability, colourPerson: colourPerson),
                          window: window, scale: s)
    }

    /// The person in `image` against its `plate` (both the same size, `face` in their pixels):
    /// what differs from the plate, with the parts every seated person has (face, neck, chest)
    /// added, cleaned of specks, and whatever the body encloses against the bottom edge filled.
    /// The plate is matched to the image on the backdrop beside and above the head.
    /// `probability`, a person network's map of the same pixels, decides with the plate, and
    /// `colourPerson`, the person grabCut finds from that map, where the plate sees no shadow
    /// (see `segment(_:plate:landmarks:)`).
    public func plateMask(_ image: RGBImage, plate: RGBImage, face: FaceGeometry,
                          probability: FloatPlane? = nil, colourPerson: GrayImage? = nil) -> GrayImage {
        let match = plateDifference.match(image, plate: plate, reference: face.backdropReference)
        let classes = plateDifference.classify(image, plate: plate, match: match)
        var differs = classes.foreground
        if let probability {
            let shadow = classes.shadow.elements
            let p = probability.elements, plateSays = differs.elements
            let colour = colourPerson?.elements ?? [UInt8](repeating: 0, count: p.count)
            let person: [UInt8] = p.indices.map { i in
                let sure = p[i] > 0.9, leaning = (p[i] >= 0.5 || colour[i] != 0) && shadow[i] == 0
                return sure || leaning || (plateSays[i] != 0 && p[i] > 0.05) ? 255 : 0
            }
            differs = GrayImage(width: differs.width, height: differs.height, elements: person)
        }
        face.addBodyCore(to: &differs)
        return person(in: differs, face: face)
    }

    /// The cleaned person from a rough mask: an opening cuts thin bridges to other objects, the
    /// component on the face is kept with the body parts entering from the bottom near it.
    func person(in rough: GrayImage, face: FaceGeometry) -> GrayImage {
        let width = max(3, Int((face.faceWidth / 20).rounded()) | 1)
        return rough.morphology(.open, width: width)
            .largestComponent(in: face.coreRect, bottomReach: Self.bodyReach(face))
    }

    /// How near the face's component a region entering from the bottom edge must come to be
    /// the same body (a shoulder cut off by a collar the colour of the wall): 0.3 face widths.
    static func bodyReach(_ face: FaceGeometry) -> Int { max(2, Int(face.faceWidth * 0.3)) }

    /// The person without a plate. With a network, its map decides where it is sure and seeds
    /// grabCut where it is not; without one, grabCut is seeded from the face's landmarks.
    public func segment(_ image: RGBImage, landmarks: FaceLandmarks) throws(SegmentationError) -> CoarseMask {
        let face = FaceGeometry(landmarks)
        let window = Self.window(face, frame: image.bounds), s = scale(face)
        let small = shrink(image, window: window, scale: s)
        let person = try grabCutPerson(small, landmarks: landmarks, window: window, frame: image.bounds,
                                       probability: try personProbability(image, window: window, size: small.size))
        let local = face.inWindow(window, scale: s)
        // A wider opening than with a plate: colour models leak into backdrop objects that touch
        // the person through a thin bridge, which this cuts before the component is chosen.
        let cleaned = person.morphology(.open, width: 5)
        return CoarseMask(mask: cleaned.largestComponent(in: local.coreRect,
                                                         bottomReach: network == nil ? 0 : Self.bodyReach(local)),
                          window: window, scale: s)
    }

    /// What grabCut takes for the person (255) in `small`, the shrunk `window` of a frame
    /// with bounds `frame`: seeded from the landmarks, and from the network's `probability`
    /// over the same pixels when there is one (`networkSeeds`).
    func grabCutPerson(_ small: RGBImage, landmarks: FaceLandmarks, window: PixelRect, frame: PixelRect,
                       probability: FloatPlane?) throws(SegmentationError) -> GrayImage {
        let face = FaceGeometry(landmarks)
        var labels = seeds(face: face, landmarks: landmarks, window: window, scale: scale(face),
                           size: small.size, frame: frame)
        if let probability { labels = networkSeeds(probability, landmarkSeeds: labels) }
        try labels.grabCut(small, iterations: iterations)
        var person = GrayImage(width: small.width, height: small.height)
        labels.withUnsafeRows { src, ss in
            person.withUnsafeMutableRows { dst, ds in
                for y in 0..<small.height {
                    for x in 0..<small.width {
                        let label = src[y * ss + x]
                        dst[y * ds + x] = label == GrabCutLabel.foreground.rawValue
                            || label == GrabCutLabel.probablyForeground.rawValue ? 255 : 0
                    }
                }
            }
        }
        return person
    }

    /// grabCut labels from the network's map: sure where the network is sure, probable where
    /// it leans; the landmark seeds of the face and the window's backdrop edges stay definite.
    func networkSeeds(_ probability: FloatPlane, landmarkSeeds: GrayImage) -> GrayImage {
        let p = probability.elements, seeds = landmarkSeeds.elements
        let labels = zip(p, seeds).map { value, seed -> UInt8 in
            if seed == GrabCutLabel.foreground.rawValue { return seed }
            if value > 0.9 { return GrabCutLabel.foreground.rawValue }
            if value < 0.05 { return GrabCutLabel.background.rawValue }
            if seed == GrabCutLabel.background.rawValue { return seed }
            return value >= 0.5 ? GrabCutLabel.probablyForeground.rawValue : GrabCutLabel.probablyBackground.rawValue
        }
        return GrayImage(width: landmarkSeeds.width, height: landmarkSeeds.height, elements: labels)
    }

    /// The grabCut starting labels, in mask coordinates.
    func seeds(face: FaceGeometry, landmarks: FaceLandmarks, window: PixelRect, scale s: Double,
               size: PixelSize, frame: PixelRect) -> GrayImage {
        let w = face.faceWidth * s
        let cx = (face.centreX - Double(window.x)) * s
        let eye = (face.eyeLine - Double(window.y)) * s
        let chin = (face.chinY - Double(window.y)) * s
        let brow = (face.browTop - Double(window.y)) * s
        let toMask = { (p: Point2D) in Point2D(x: (p.x - Double(window.x)) * s, y: (p.y - Double(window.y)) * s) }
        let inner = landmarks.points[17...67].map(toMask)
        let faceCentre = Point2D.centroid(inner)
        // Skin inside the landmarks, pulled 20% towards their centre so no backdrop is included.
        let skin = convexHull(inner.map { faceCentre + ($0 - faceCentre) * 0.8 })
        // The skull and hair: an ellipse over the face reaching well above the brows.
        let headCentre = Point2D(x: cx, y: eye - 0.15 * w)
        // Wide enough for the ears, which reach about 0.7 cheek widths from the centre.
        let (headRX, headRY) = (0.75 * w, 0.95 * w)
        // Hair reaches at least 0.45 face widths above the brows: a frame edge closer than that
        // cuts the head, so only then may the person touch it.
        let topMayBeHair = window.y == frame.y && (face.browTop - Double(frame.y)) < 0.45 * face.faceWidth
        // Beside the jaw (below the ear lobes, level with the upper lip, and above the chin) lies
        // backdrop or collar, never head: there the head region is the jaw outline widened by 12%.
        let jaw = landmarks.points[0...16].map(toMask)
        let jawArea = Set(rasterize(convexHull(jaw.map { faceCentre + ($0 - faceCentre) * 1.12 }),
                                    width: size.width, height: size.height).map { $0.y * size.width + $0.x })
        let lipY = (landmarks.points[51].y - Double(window.y)) * s
        var labels = GrayImage(width: size.width, height: size.height,
                               filledWith: GrabCutLabel.probablyBackground.rawValue)
        labels.withUnsafeMutableRows { p, stride in
            for y in 0..<size.height {
                let fy = Double(y) + 0.5
                for x in 0..<size.width {
                    let fx = Double(x) + 0.5
                    let dx = (fx - headCentre.x) / headRX, dy = (fy - headCentre.y) / headRY
                    let head = dx * dx + dy * dy
                    var label = GrabCutLabel.probablyBackground
                    if fy > chin + 0.15 * w {
                        // Below the chin the body widens to the shoulders and beyond.
                        let reach = 0.35 * w + (fy - chin) * 1.2
                        if abs(fx - cx) < min(reach, 0.55 * w) && fy > chin + 0.6 * w {
                            label = .foreground
                        } else if abs(fx - cx) < reach {
                            label = .probablyForeground
                        }
                    } else if head < 1 && (fy < lipY || jawArea.contains(y * size.width + x)) {
                        label = .probablyForeground
                    } else if head > 1.9 && fy < chin {
                        label = .background
                    }
                    if fy > chin - 0.1 * w && fy < chin + 0.35 * w && abs(fx - cx) < 0.22 * w { label = .foreground }
                    // The forehead and the crown above it: skin or hair on every head (the skull
                    // rises at least 0.45 face widths above the brows), narrowing as it curves.
                    if fy < brow && fy > brow - 0.3 * w && abs(fx - cx) < 0.3 * w { label = .foreground }
                    if fy <= brow - 0.3 * w && fy > brow - 0.42 * w && abs(fx - cx) < 0.18 * w { label = .foreground }
                    p[y * stride + x] = label.rawValue
                }
            }
            for point in rasterize(skin, width: size.width, height: size.height) {
                p[point.y * stride + point.x] = GrabCutLabel.foreground.rawValue
            }
            // The window's top row and the sides above the shoulders are backdrop, except where
            // the hair may reach the frame's top edge.
            for x in 0..<size.width where !(topMayBeHair && abs(Double(x) + 0.5 - cx) < 0.8 * w) {
                p[x] = GrabCutLabel.background.rawValue
            }
            for y in 0..<min(size.height, Int(chin)) {
                p[y * stride] = GrabCutLabel.background.rawValue
                p[y * stride + size.width - 1] = GrabCutLabel.background.rawValue
            }
        }
        return labels
    }
}

/// The convex hull of `points` (Andrew's monotone chain), counter-clockwise: the outline of a
/// set of landmarks.
public func convexHull(_ points: [Point2D]) -> [Point2D] {
    let sorted = points.sorted { $0.x == $1.x ? $0.y < $1.y : $0.x < $1.x }
    guard sorted.count > 2 else { return sorted }
    func cross(_ o: Point2D, _ a: Point2D, _ b: Point2D) -> Double {
        (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
    }
    var lower: [Point2D] = [], upper: [Point2D] = []
    for p in sorted {
        while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], p) <= 0 { lower.removeLast() }
        lower.append(p)
    }
    for p in sorted.reversed() {
        while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], p) <= 0 { upper.removeLast() }
        upper.append(p)
    }
    return Array(lower.dropLast() + upper.dropLast())
}

/// The integer pixels whose centres lie inside the convex polygon.
func rasterize(_ polygon: [Point2D], width: Int, height: Int) -> [(x: Int, y: Int)] {
    guard polygon.count >= 3 else { return [] }
    var pixels: [(x: Int, y: Int)] = []
    let ys = polygon.map(\.y)
    let y0 = max(0, Int(ys.min()!.rounded(.down))), y1 = min(height - 1, Int(ys.max()!.rounded(.up)))
    guard y0 <= y1 else { return [] }
    for y in y0...y1 {
        let fy = Double(y) + 0.5
        var lo = Double.infinity, hi = -Double.infinity
        for i in polygon.indices {
            let a = polygon[i], b = polygon[(i + 1) % polygon.count]
            guard (a.y <= fy) != (b.y <= fy) else { continue }
            let x = a.x + (fy - a.y) / (b.y - a.y) * (b.x - a.x)
            lo = min(lo, x)
            hi = max(hi, x)
        }
        guard lo <= hi else { continue }
        let x0 = max(0, Int((lo - 0.5).rounded(.up))), x1 = min(width - 1, Int((hi - 0.5).rounded(.down)))
        if x0 <= x1 { for x in x0...x1 { pixels.append((x, y)) } }
    }
    return pixels
}
