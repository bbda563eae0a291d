import Foundation

/// What a student pays at the station, per batch, as the station's file sets it (`fees`).
///
/// Inside a batch's collection window the school's price applies (20 yuan for the 2024
/// graduates, 2023-10-14 to 2023-11-10); outside it the price of a shoot on one's own (60
/// yuan); a retake owed after a rejection at review costs `retakeYuan` (0). Amounts are
/// whole yuan.
public struct FeeSettings: Codable, Sendable, Hashable {
    /// One batch's collection window and its price.
    public struct Batch: Codable, Sendable, Hashable {
        /// The batch as the roster names it (e.g. `2024`).
        public var batch: String
        /// First and last day of the window, both included.
        public var windowStart: CalendarDay
        public var windowEnd: CalendarDay
        public var inWindowYuan: Int

        public init(batch: String, windowStart: CalendarDay, windowEnd: CalendarDay, inWindowYuan: Int) {
            self.batch = batch
            self.windowStart = windowStart
            self.windowEnd = windowEnd
            self.inWindowYuan = inWindowYuan
        }
    }

    public var batches = [Batch(batch: "2024", windowStart: CalendarDay(year: 2023, month: 10, day: 14)!,
                                windowEnd: CalendarDay(year: 2023, month: 11, day: 10)!, inWindowYuan: 20)]
    /// The price outside every window (a shoot on one's own, 散拍).
    public var outsideWindowYuan = 60
    /// The price of a retake owed after a rejection at review.
    public var retakeYuan = 0

    public init() {}

    public init(batches: [Batch], outsideWindowYuan: Int = 60, retakeYuan: Int = 0) {
        self.batches = batches
        self.outsideWindowYuan = outsideWindowYuan
        self.retakeYuan = retakeYuan
    }

    /// The defaults: the notice's batch, window and prices.
    public static let standard = FeeSettings()

    /// The highest amount a setting may take: a typing slip (2000 for 20) is refused.
    public static let maximumYuan = 1000

    /// The fee for a student of `batch` on `day`.
    ///
    /// The one rule every caller uses: a retake owed wins, then the batch's window, then the
    /// price outside it. A batch the settings do not name is an error, never a guess.
    public func quote(batch: String, on day: CalendarDay, retakeOwed: Bool) throws(FeeError) -> FeeQuote {
        if retakeOwed { return FeeQuote(yuan: retakeYuan, basis: .retakeOwed) }
        guard let fees = batches.first(where: { $0.batch == batch }) else {
            throw .unknownBatch(batch, known: batches.map(\.batch))
        }
        if (fees.windowStart...fees.windowEnd).contains(day) {
            return FeeQuote(yuan: fees.inWindowYuan, basis: .inWindow(start: fees.windowStart, end: fees.windowEnd))
        }
        return FeeQuote(yuan: outsideWindowYuan, basis: .outsideWindow(start: fees.windowStart, end: fees.windowEnd))
    }

    /// The first setting that cannot work, or nil, in the style of the other sections:
    /// `key` relative to `fees` (`batches.0.windowEnd`), what is wrong and what is allowed.
    public func invalidSetting() -> (key: String, reason: String, related: [String])? {
        func amount(_ key: String, _ value: Int) -> (key: String, reason: String, related: [String])? {
            (0...Self.maximumYuan).contains(value) ? nil
                : (key, "is \(value); it must be a whole number of yuan from 0 to \(Self.maximumYuan)", [])
        }
        if let problem = amount("outsideWindowYuan", outsideWindowYuan) ?? amount("retakeYuan", retakeYuan) {
            return problem
        }
        for (index, fees) in batches.enumerated() {
            let key = "batches.\(index)"
            if fees.batch.trimmingCharacters(in: .whitespaces).isEmpty {
                return ("\(key).batch", "is empty; it must name the batch as the roster does (e.g. \"2024\")", [])
            }
            if let first = batches[..<index].firstIndex(where: { $0.batch == fees.batch }) {
                return ("\(key).batch", "is \"\(fees.batch)\", which batches.\(first) names already; give each batch once",
                        ["batches.\(first).batch"])
            }
            if fees.windowEnd < fees.windowStart {
                return ("\(key).windowEnd", "is \(fees.windowEnd), before windowStart (\(fees.windowStart)); "
                    + "the window's last day must not come before its first", ["\(key).windowStart"])
            }
            if let problem = amount("\(key).inWindowYuan", fees.inWindowYuan) { return problem }
        }
        return nil
    }
}

/// An amount due and why, for the fee screen and the session's record.
public struct FeeQuote: Sendable, Hashable, Codable {
    public enum Basis: Sendable, Hashable, Codable {
        case inWindow(start: CalendarDay, end: CalendarDay)
        case outsideWindow(start: CalendarDay, end: CalendarDay)
        case retakeOwed
    }

    public var yuan: Int
    public var basis: Basis

    public init(yuan: Int, basis: Basis) {
        self.yuan = yuan
        self.basis = basis
    }

    /// The reason in Chinese, for the student ("采集期内（2023-10-14 至 2023-11-10）").
    public var chinese: String {
        switch basis {
        case let .inWindow(start, end): "采集期内（\(start) 至 \(end)）"
        case let .outsideWindow(start, end): "采集期外（采集期为 \(start) 至 \(end)）"
        case .retakeOwed: "审核未通过后重拍，免费"
        }
    }

    /// The reason in English ("inside the collection window, 2023-10-14 to 2023-11-10").
    public var english: String {
        switch basis {
        case let .inWindow(start, end): "inside the collection window, \(start) to \(end)"
        case let .outsideWindow(start, end): "outside the collection window (\(start) to \(end))"
        case .retakeOwed: "a retake after a rejection at review, free of charge"
        }
    }
}

/// Why no fee could be given.
public enum FeeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The roster's batch has no window in the settings.
    case unknownBatch(String, known: [String])

    public var description: String {
        switch self {
        case let .unknownBatch(batch, known):
            "no fee is set for batch \"\(batch)\" (the station's file sets "
                + (known.isEmpty ? "none" : known.map { "\"\($0)\"" }.joined(separator: ", "))
                + "); add it to fees.batches in the station's file"
        }
    }

    /// For the student's screen: the operator must act.
    public var chinese: String { "本机未设置该批次的收费标准，请联系工作人员" }
}
