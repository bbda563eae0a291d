import Foundation

/// A folder of station-like frames whose person was pasted over a wall with a known alpha, so
/// the outline of the person is exact for every frame by construction (not by our segmenter).
///
/// Both the shared set (`../shared/eval/station-frames`) and the project's own set (built by
/// `scripts/matte-eval/make_set.py` into the test-data cache) list their cases in
/// `cases.json`; only the fields the matte evaluation needs are read.
public struct EvaluationSet: Sendable {
    /// One frame with its truth.
    public struct Case: Sendable, Decodable {
        public var name: String
        public var frame: String
        public var alpha: String
        /// The clean plate of the same wall (independent noise; for the project's set also a
        /// little exposure and white-balance drift).
        public var plate: String?
        /// "calibration"/"report" in the project's set, "dev"/"test" in the shared one.
        public var set: String?
        /// The real portrait the person comes from: the split between calibration and report
        /// is by person.
        public var source: String?
        /// `CLEAN` or `DEFECT` in the shared set (a defect such as a second face may rightly
        /// be refused); absent in the project's set, where every frame must give a photo.
        public var status: String?
        /// False when the plate was made not to fit (camera moved): the station must notice
        /// and not use it, so the plate path skips it.
        public var plateUsable: Bool?
        /// The shared set's defect, if any (`kind`: blur, roll, secondface, …).
        public var defect: Defect?

        public struct Defect: Sendable, Decodable {
            public var kind: String
        }

        enum CodingKeys: String, CodingKey {
            case name, frame, alpha, plate, set, source, status, defect
            case plateUsable = "plate_usable"
        }

        /// A second person is in the frame: the true alpha holds only the subject, so the other
        /// person counts as backdrop the photo keeps. Such frames must be refused by the checks
        /// (several people), not scored as mattes.
        public var hasSecondPerson: Bool { defect.map { $0.kind.hasPrefix("second") } ?? false }

        /// Whether a reviewer expects a photo of this frame: every clean frame must give one.
        public var mustGivePhoto: Bool { status == nil || status == "CLEAN" }
    }

    public var folder: URL
    public var cases: [Case]

    struct Listing: Decodable { var cases: [Case] }

    /// Reads `cases.json` in `folder`.
    public init(folder: URL) throws {
        self.folder = folder
        let data = try Data(contentsOf: folder.appendingPathComponent("cases.json"))
        cases = try JSONDecoder().decode(Listing.self, from: data).cases
    }

    public func url(_ file: String) -> URL { folder.appendingPathComponent(file) }
}
