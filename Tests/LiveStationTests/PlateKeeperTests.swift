import DataCache
import FaceKit
import Foundation
import Guidance
import ImageKit
@testable import LiveStation
import Testing

/// The shared station frames beside the package: real portraits pasted over plain walls, each
/// wall with a clean plate of its own (the same wall, independent camera noise).
let stationFrames = DataCache.stationFrames
let stationFramesPresent = FileManager.default.fileExists(atPath: stationFrames.appendingPathComponent("cases.json").path)
let stationFramesMissing = "the station frames are missing: ../shared/eval/station-frames beside the package"

/// One picture of the station frames, decoded in full.
func stationFrame(_ name: String) throws -> RGBImage {
    try ImageFile.read(stationFrames.appendingPathComponent(name))
}

/// The cases of `cases.json` (only what these tests read).
struct StationCase: Decodable {
    var name: String
    var frame: String
    var plate: String
    var defect: Defect?

    struct Defect: Decodable { var kind: String }

    static func all() throws -> [StationCase] {
        struct Listing: Decodable { var cases: [StationCase] }
        return try JSONDecoder().decode(Listing.self, from: Data(contentsOf: stationFrames.appendingPathComponent("cases.json"))).cases
    }
}

/// `image` with every channel multiplied by `gain`, as a camera's gain or brighter light would:
/// the product is dithered before it is rounded, as the sensor's noise does before the camera
/// quantises. Plain rounding on these low-noise walls would round whole cells the same way and
/// turn the shading into a pattern of its own.
func brightened(_ image: RGBImage, by gain: Double) -> RGBImage {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    return RGBImage(width: image.width, height: image.height, elements: image.elements.map {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let dither = Double(state >> 11) / Double(1 << 53)
        return UInt8(min(255, (Double($0) * gain + dither).rounded(.down)))
    })
}

/// The part of `image` inside `rect`, as a picture of its own (a camera aimed a little differently).
func window(_ image: RGBImage, _ rect: PixelRect) -> RGBImage {
    image.cropped(to: rect).compacted()
}

/// A station's loop around a keeper: 10 frames a second, each reduced to the analysis copy
/// the way `FrameAnalyzer.reducedCopy` does, the full frame decoded only when asked for.
private struct Station {
    var keeper = PlateKeeper()
    var time = 0.0
    /// Full-resolution frames the keeper asked for.
    var fullFrames = 0

    /// Shows `image` for `seconds`; the events the keeper reported, in order.
    mutating func show(_ image: RGBImage, for seconds: Double, personInView: Bool = false) -> [PlateKeeper.Event] {
        let view = image.resized(to: PixelSize(width: 480, height: Int((Double(image.height) * 480 / Double(image.width)).rounded())),
                                 filter: .area)
        var events: [PlateKeeper.Event] = []
        for _ in 0..<Int((seconds * 10).rounded()) {
            time += 0.1
            var asked = 0
            if let event = keeper.observe(view, time: time, personInView: personInView, fullFrame: { asked += 1; return image }) {
                events.append(event)
            }
            fullFrames += asked
        }
        return events
    }

    /// A station that has taken `plate` after the still period.
    static func with(plate: RGBImage) -> Station {
        var station = Station()
        _ = station.show(plate, for: 2)
        return station
    }
}

@Suite("Plate keeper", .enabled(if: stationFramesPresent, "\(stationFramesMissing)"))
struct PlateKeeperTests {
    @Test func anEmptyStillViewGivesAPlateAfterTheStillPeriodDecodedOnce() throws {
        let wall = try stationFrame("plate_fr_obama_a.jpg")
        var station = Station()
        var events = station.show(wall, for: 1.2)
        #expect(events.isEmpty)
        #expect(station.keeper.state == .none)
        #expect(station.keeper.state.description == "none (no empty, still view yet)")
        #expect(station.keeper.image == nil && station.fullFrames == 0)

        events = station.show(wall, for: 0.5)
        #expect(events == [.taken(requested: false)])
        #expect(station.keeper.image == wall, "the plate is the full-resolution frame")
        events = station.show(wall, for: 2)
        #expect(events.isEmpty)
        #expect(station.fullFrames == 1, "only the frame taken is decoded in full")
        guard case let .fits(age) = station.keeper.state else { Issue.record("\(station.keeper.state)"); return }
        #expect(abs(age - 2.1) < 0.05)
        #expect(station.keeper.state.description == "fits 2 s")
        #expect(station.keeper.verdict(for: wall) == .fits)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: FaceModels.standard.landmarks68.path), "the 68-point model is missing"))
    func aStudentInViewIsNeverTakenAsThePlate() throws {
        // The student sits perfectly still (the same frame again and again): only the face
        // the analysis finds keeps the keeper from taking the picture.
        let frame = try stationFrame("fr_obama__clean_a.jpg")
        let analyzer = FrameAnalyzer(detector: try FaceDetector())
        var station = Station()
        var facesFound = 0
        for _ in 0..<30 {
            let measures = try analyzer.analyze(frame, time: station.time + 0.1)
            let inView = measures.face != nil || measures.faceCount > 0
            if inView { facesFound += 1 }
            let events = station.show(frame, for: 0.1, personInView: inView)
            #expect(events.isEmpty)
        }
        #expect(facesFound == 30)
        #expect(station.keeper.state == .none && station.keeper.image == nil && station.fullFrames == 0)
        let accepted = station.keeper.requestPlate()
        #expect(!accepted, "the operator's request is refused while someone is in view")
    }

    @Test func theOperatorsPlateIsTakenAtTheNextFrameWithNobodyInView() throws {
        let wall = try stationFrame("plate_fr_biden_a.jpg"), student = try stationFrame("fr_biden__clean_a.jpg")
        var station = Station()
        _ = station.show(student, for: 0.5, personInView: true)
        var accepted = station.keeper.requestPlate()
        #expect(!accepted)
        // The student leaves; one frame later the operator asks, and the next frame is taken
        // without waiting for the still period.
        _ = station.show(wall, for: 0.1)
        accepted = station.keeper.requestPlate()
        #expect(accepted)
        var events = station.show(wall, for: 0.1)
        #expect(events == [.taken(requested: true)])
        #expect(station.keeper.image == wall)
        // A request that meets someone sitting down is refused, and the plate is kept.
        accepted = station.keeper.requestPlate()
        #expect(accepted)
        events = station.show(student, for: 0.1, personInView: true)
        #expect(events == [.requestRefused])
        #expect(station.keeper.image == wall)
    }

    @Test func moreLightMakesThePlateStaleAndTheEmptyViewRenewsIt() throws {
        let wall = try stationFrame("plate_fr_obama_a.jpg"), student = try stationFrame("fr_obama__clean_a.jpg")
        var station = Station.with(plate: wall)
        #expect(station.keeper.image == wall)
        let brighter = brightened(student, by: 1.08)
        #expect(station.keeper.verdict(for: student) == .fits)
        #expect(station.keeper.verdict(for: brighter) == .stale(.lightChanged))

        var events = station.show(student, for: 1, personInView: true)
        #expect(events.isEmpty)
        events = station.show(brighter, for: 0.5, personInView: true)
        #expect(events == [.dropped(.lightChanged)])
        #expect(station.keeper.state == .stale(.lightChanged) && station.keeper.image == nil)
        #expect(station.keeper.state.description == "stale (light changed)")
        #expect(station.keeper.verdict(for: brighter) == PlateVerdict.none)

        // The student leaves: the brighter wall becomes the plate.
        let brighterWall = brightened(wall, by: 1.08)
        events = station.show(brighterWall, for: 2)
        #expect(events == [.taken(requested: false)])
        #expect(station.keeper.image == brighterWall && station.keeper.verdict(for: brighter) == .fits)
    }

    /// The plate and the frames are windows of the pictures, 40 px smaller each way, so that
    /// the frame's window can be moved by 20 px in any direction; the same window is the
    /// control, where only the noise differs.
    @Test(arguments: [(20, 0), (-20, 0), (0, 20), (0, -20)])
    func aCameraMovedBy20PixelsMakesThePlateStale(dx: Int, dy: Int) throws {
        let wall = try stationFrame("plate_fr_obama_a.jpg"), student = try stationFrame("fr_obama__clean_a.jpg")
        let aimed = PixelRect(x: 20, y: 20, width: wall.width - 40, height: wall.height - 40)
        var moved = aimed
        moved.x += dx
        moved.y += dy
        var station = Station.with(plate: window(wall, aimed))
        #expect(station.keeper.image != nil)
        #expect(station.keeper.verdict(for: window(student, aimed)) == .fits)
        #expect(station.keeper.verdict(for: window(student, moved)) == .stale(.cameraMoved))

        var events = station.show(window(student, aimed), for: 1, personInView: true)
        #expect(events.isEmpty)
        events = station.show(window(student, moved), for: 0.5, personInView: true)
        #expect(events == [.dropped(.cameraMoved)])
        #expect(station.keeper.state == .stale(.cameraMoved))
    }

    @Test func anotherWallIsNotThePlate() throws {
        // Two light grey walls whose colours differ by under 3 %, less than the light limit:
        // the pattern of the shading tells them apart.
        let wall = try stationFrame("plate_fr_obama_a.jpg"), other = try stationFrame("plate_fr_biden_a.jpg")
        var station = Station.with(plate: wall)
        #expect(station.keeper.verdict(for: other) == .stale(.cameraMoved))
        let events = station.show(other, for: 2.5)
        #expect(events == [.dropped(.cameraMoved), .taken(requested: false)], "dropped, then renewed from the still, empty view")
        #expect(station.keeper.image == other)
    }

    @Test func noiseAloneKeepsThePlate() throws {
        // Every frame of the same wall with a student in it: only the noise (and the student's
        // shadow and hair) differ from the plate, except where the whole frame was exposed
        // differently, which is a change of light.
        let wall = try stationFrame("plate_fr_obama_a.jpg")
        var station = Station.with(plate: wall)
        let cases = try StationCase.all().filter { $0.plate == "plate_fr_obama_a.jpg" }
        #expect(cases.count >= 12)
        for item in cases {
            let frame = try stationFrame(item.frame)
            let expected: PlateVerdict = ["overexpose", "underexpose"].contains(item.defect?.kind) ? .stale(.lightChanged) : .fits
            #expect(station.keeper.verdict(for: frame) == expected, "\(item.name)")
            if expected == .fits {
                let events = station.show(frame, for: 0.5, personInView: true)
                #expect(events.isEmpty, "\(item.name)")
            }
        }
        #expect(station.keeper.image == wall)
    }

    /// Every wall of the shared set, on the analysis copies the live checks use: the noise of
    /// a frame with a student in it fits even with every limit 1.5 times tighter, and 8 % more
    /// light or a camera moved by 20 px (in the full frame) are noticed even with every limit
    /// 1.5 times looser.
    @Test(arguments: try! stationFramesPresent ? Set(StationCase.all().map(\.plate)).sorted() : [])
    func theLimitsHoldWithAMarginOnEveryWall(plate: String) throws {
        let student = try #require(try StationCase.all().first { $0.plate == plate && $0.defect == nil }).frame
        let wall = try stationFrame(plate), frame = try stationFrame(student)
        let aimed = PixelRect(x: 20, y: 0, width: wall.width - 40, height: wall.height)
        var moved = aimed
        moved.x += 20
        func analysisCopy(_ image: RGBImage) -> RGBImage {
            image.resized(to: PixelSize(width: 480, height: Int((Double(image.height) * 480 / Double(image.width)).rounded())),
                          filter: .area)
        }
        func keeper(_ plate: RGBImage, limits factor: Double) -> PlateKeeper {
            var station = Station()
            station.keeper.settings.lightChange *= factor
            station.keeper.settings.structureChange *= factor
            station.keeper.settings.displacement *= factor
            _ = station.show(plate, for: 2)
            return station.keeper
        }
        let tight = keeper(analysisCopy(wall), limits: 1 / 1.5), loose = keeper(analysisCopy(wall), limits: 1.5)
        #expect(tight.verdict(for: analysisCopy(frame)) == .fits)
        #expect(loose.verdict(for: brightened(analysisCopy(frame), by: 1.08)) == .stale(.lightChanged))
        let tightAimed = keeper(analysisCopy(window(wall, aimed)), limits: 1 / 1.5)
        let looseAimed = keeper(analysisCopy(window(wall, aimed)), limits: 1.5)
        #expect(tightAimed.verdict(for: analysisCopy(window(frame, aimed))) == .fits)
        #expect(looseAimed.verdict(for: analysisCopy(window(frame, moved))) == .stale(.cameraMoved))
    }
}
