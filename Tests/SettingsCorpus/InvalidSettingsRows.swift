import Foundation
import KioskConfiguration

// The station files with one mistake each that the settings loader must refuse: loaded by
// LiveStationTests (key, line, column, words) and run through every command of the built
// `kiosk` by KioskCommandTests (status, the loader's message, nothing written).

/// One station file with one mistake, and what loading it must say.
public struct InvalidSettingsRow: Sendable, CustomStringConvertible {
    public var name: String
    /// The whole file.
    public var file: String
    /// The setting the error must name; nil for a file that is not JSON5.
    public var keyPath: String?
    /// The text the error must point at: its first occurrence in `file` gives the line and
    /// column ("" for the end of the file).
    public var at: String
    /// What the message must hold: the value the file gives and what is allowed.
    public var says: [String]

    public var description: String { name }

    /// Where `at` first stands in `file`, counted as an editor counts (from 1, in characters).
    public var location: TextLocation {
        let before = at.isEmpty ? file[...] : file[..<file.range(of: at)!.lowerBound]
        let lines = before.split(separator: "\n", omittingEmptySubsequences: false)
        return TextLocation(line: lines.count, column: lines.last!.unicodeScalars.count + 1)
    }
}

/// A file that sets `body` in `section`, below a comment and a valid setting of another
/// section, so that lines and columns are not all 1.
private func file(_ section: String, _ body: String) -> String {
    """
    // station settings with one mistake
    {
      \(section == "store" ? "plate: { stillSeconds: 2 }" : #"store: { folder: "station-store" }"#),
      \(section): {
        \(body),
      },
    }

    """
}

private func row(_ name: String, _ section: String, _ body: String, key: String?, at: String, says: [String]) -> InvalidSettingsRow {
    InvalidSettingsRow(name: name, file: file(section, body), keyPath: key, at: at, says: says)
}

/// Every kind of bad value an operator writes, section by section: each must be refused
/// where the file is loaded, with the key, its line and column, the value and what is allowed.
public let invalidSettingsRows: [InvalidSettingsRow] = [
    // The file itself.
    InvalidSettingsRow(name: "a comma missing", file: "{\n  photo: {\n    width: 480\n    height: 640\n  }\n}\n",
                       keyPath: nil, at: "height", says: ["not valid JSON5", "expected , or }", "comma missing"]),
    InvalidSettingsRow(name: "a brace not closed", file: "// east gate\n{\n  photo: { width: 480 }\n",
                       keyPath: nil, at: "", says: ["the file ends before the { at line 2, column 1 is closed"]),
    row("a colour as a bare word", "photo", "background: blue", key: nil, at: "blue", says: ["put text in quotes"]),
    row("a key given twice", "photo", "width: 480, width: 500", key: nil, at: "width: 500", says: ["given twice"]),
    row("a misspelt key", "photo", "widht: 480", key: "photo.widht", at: "widht", says: ["did you mean 'width'?"]),
    row("Infinity", "photo", "backgroundTolerance: Infinity", key: "photo.backgroundTolerance", at: "backgroundTolerance",
        says: ["is Infinity", "must be a finite number"]),

    // camera
    row("an unknown camera source", "camera", #"source: "webcam""#, key: "camera.source", at: "source",
        says: ["is not usable", #""webcam""#, "/dev/videoN"]),
    row("a negative minimum frame rate", "camera", "mode: { minimumFPS: -1 }", key: "camera.mode.minimumFPS",
        at: "minimumFPS", says: ["is -1", "from 0 (any rate) to 1000"]),
    row("a minimum frame rate of 5000", "camera", "mode: { minimumFPS: 5000 }", key: "camera.mode.minimumFPS",
        at: "minimumFPS", says: ["is 5000", "to 1000 frames per second"]),
    row("a camera width of 0", "camera", "mode: { width: 0, height: 480 }", key: "camera.mode.width", at: "width",
        says: ["is 0", "from 16 to 7680"]),
    row("a pixel format the station cannot decode", "camera", #"mode: { pixelFormat: "H264" }"#,
        key: "camera.mode.pixelFormat", at: "pixelFormat", says: [#"is "H264""#, #""MJPG""#, #""YUYV""#]),
    row("mains at 42 Hz", "camera", "settings: { powerLineHz: 42 }", key: "camera.settings.powerLineHz",
        at: "powerLineHz", says: ["is 42", "must be 50 or 60"]),
    row("exposure as a word it does not know", "camera", #"settings: { exposure: "automatic" }"#,
        key: "camera.settings.exposure", at: "exposure", says: [#"must be "auto", "hold" or a whole number, not "automatic""#]),
    row("an exposure time of 0", "camera", "settings: { exposure: 0 }", key: "camera.settings.exposure",
        at: "exposure", says: ["is 0", "at least 1"]),
    row("a white balance of 100 K", "camera", "settings: { whiteBalance: 100 }", key: "camera.settings.whiteBalance",
        at: "whiteBalance", says: ["is 100", "from 1000 to 12000 kelvin"]),
    row("a negative gain", "camera", "settings: { gain: -5 }", key: "camera.settings.gain", at: "gain",
        says: ["is -5", "0 or more"]),
    row("a brightness beyond 32 bits", "camera", "settings: { brightness: 1e10 }", key: "camera.settings.brightness",
        at: "brightness", says: ["is 10000000000", "beyond what this setting can hold"]),

    // photo
    row("a width of 0", "photo", "width: 0", key: "photo.width", at: "width",
        says: ["is 0", "from 64 to 4096"]),
    row("a negative width", "photo", "width: -480", key: "photo.width", at: "width", says: ["is -480", "from 64 to 4096"]),
    row("a width of 100000", "photo", "width: 100000", key: "photo.width", at: "width", says: ["is 100000", "from 64 to 4096"]),
    row("a height of 2.5", "photo", "height: 2.5", key: "photo.height", at: "height", says: ["must be a whole number, not 2.5"]),
    row("a byte window whose minimum is above its maximum", "photo", "minimumBytes: 50000", key: "photo.minimumBytes",
        at: "minimumBytes", says: ["is 50000", "above maximumBytes (40000)"]),
    row("a maximum below the default minimum", "photo", "maximumBytes: 10000", key: "photo.minimumBytes",
        at: "maximumBytes", says: ["is 20480", "above maximumBytes (10000)"]),
    row("a minimum quality of 150", "photo", "minimumQuality: 150", key: "photo.minimumQuality", at: "minimumQuality",
        says: ["is 150", "from 1 to 100"]),
    row("a minimum quality of 0", "photo", "minimumQuality: 0", key: "photo.minimumQuality", at: "minimumQuality",
        says: ["is 0", "from 1 to 100"]),
    row("0 dots per inch", "photo", "dotsPerInch: 0", key: "photo.dotsPerInch", at: "dotsPerInch", says: ["is 0", "from 1 to 65535"]),
    row("a colour given as a word", "photo", #"background: "blue""#, key: "photo.background", at: "background",
        says: [#"must be an object {r, g, b} with 0–255 each, not "blue""#]),
    row("a colour channel of 300", "photo", "background: { r: 300 }", key: "photo.background", at: "background",
        says: ["must be an object {r, g, b} with 0–255 each, not {r: 300}"]),
    row("a colour as a list", "photo", "background: [100, 197, 255]", key: "photo.background", at: "background",
        says: ["must be an object {r, g, b}", "not [100, 197, 255]"]),
    row("a negative background tolerance", "photo", "backgroundTolerance: -1", key: "photo.backgroundTolerance",
        at: "backgroundTolerance", says: ["is -1", "above 0 and at most 100"]),
    row("an aim outside its range", "photo", "headTop: { preferred: 300 }", key: "photo.headTop", at: "headTop",
        says: ["preferred 300 outside minimum…maximum (50…110)"]),
    row("a range with its minimum above its maximum", "photo", "eyeLine: { minimum: 400, maximum: 300, preferred: 350 }",
        key: "photo.eyeLine", at: "eyeLine", says: ["minimum 400 above maximum 300"]),
    row("a head range below the photo", "photo", "headTop: { minimum: 50, maximum: 700, preferred: 80 }",
        key: "photo.headTop", at: "headTop", says: ["is 50…700", "0…640"]),
    row("a height the eye line does not fit", "photo", "height: 250", key: "photo.eyeLine", at: "height",
        says: ["is 200…300", "0…250 (height)"]),
    row("a face wider than the photo", "photo", "faceWidth: { minimum: 180, maximum: 600, preferred: 240 }",
        key: "photo.faceWidth", at: "faceWidth", says: ["is 180…600", "1…480 pixels"]),
    row("a negative centring tolerance", "photo", "centringTolerance: -2", key: "photo.centringTolerance",
        at: "centringTolerance", says: ["is -2", "above 0 and at most half the width (240 pixels)"]),
    row("a maximum upscale of 0", "photo", "maximumUpscale: 0", key: "photo.maximumUpscale", at: "maximumUpscale",
        says: ["is 0", "from 1 (never enlarge) to 8"]),
    row("a maximum upscale below 1", "photo", "maximumUpscale: 0.5", key: "photo.maximumUpscale", at: "maximumUpscale",
        says: ["is 0.5", "from 1 (never enlarge) to 8"]),
    row("an empty name", "photo", #"name: """#, key: "photo.name", at: "name", says: ["is empty"]),

    // checks
    row("a warn limit beyond its fail limit", "checks", "roll: { warn: 6 }", key: "checks.roll.warn", at: "warn",
        says: ["is 6, above fail (5)", #"for an "at most" limit"#]),
    row("an at-least warn limit below its fail limit", "checks", "eyeOpening: { warn: 0.1 }", key: "checks.eyeOpening.warn",
        at: "warn", says: ["is 0.1, below fail (0.15)", #"for an "at least" limit"#]),
    row("a fail limit set alone beyond the warn limit", "checks", "sharpness: { fail: 0.5 }", key: "checks.sharpness.warn",
        at: "fail", says: ["below fail (0.5)"]),
    row("a dark limit above the bright limit", "checks", "faceDarkness: { warn: 95, fail: 90 }",
        key: "checks.faceDarkness.fail", at: "fail", says: ["is 90, not below faceBrightness.fail"]),
    row("a share above 1", "checks", "glareShare: { fail: 1.5 }", key: "checks.glareShare.fail", at: "fail",
        says: ["is 1.5", "from 0 to 1"]),
    row("a negative angle", "checks", "yaw: { warn: -3 }", key: "checks.yaw.warn", at: "warn",
        says: ["is -3", "from 0 to 90 (degrees)"]),
    row("a limit on the wrong side", "checks", #"roll: { side: "at least" }"#, key: "checks.roll.side", at: "side",
        says: [#"must be "at most", not "at least""#]),
    row("a face score out of dlib's range", "checks", "minimumFaceScore: 9", key: "checks.minimumFaceScore",
        at: "minimumFaceScore", says: ["is 9", "from -1 to 3"]),
    row("a negative hot-spot margin", "checks", "hotSpotMargin: -1", key: "checks.hotSpotMargin", at: "hotSpotMargin",
        says: ["is -1", "from 0 to 100"]),
    row("a misspelt check", "checks", "rol: { warn: 2 }", key: "checks.rol", at: "rol", says: ["did you mean 'roll'?"]),

    // faces
    row("a 68-point model that does not exist", "faces", #"models: { landmarks68: "/nonexistent/shape_predictor_68.dat" }"#,
        key: "faces.models.landmarks68", at: "landmarks68", says: ["/nonexistent/shape_predictor_68.dat", "does not exist"]),
    row("an identity model that does not exist", "faces", #"models: { descriptor: "/nonexistent/resnet.dat" }"#,
        key: "faces.models.descriptor", at: "descriptor", says: ["/nonexistent/resnet.dat", "does not exist"]),
    row("upsampling 5 times", "faces", "detection: { upsampling: 5 }", key: "faces.detection.upsampling", at: "upsampling",
        says: ["is 5", "0, 1, 2 or 3"]),
    row("a minimum face size of 0", "faces", "detection: { minimumFaceSize: 0 }", key: "faces.detection.minimumFaceSize",
        at: "minimumFaceSize", says: ["is 0", "from 1 to 10000"]),
    row("a threshold adjustment of 7", "faces", "detection: { thresholdAdjustment: 7 }",
        key: "faces.detection.thresholdAdjustment", at: "thresholdAdjustment", says: ["is 7", "from -2 to 2"]),
    row("a search region starting left of the image", "faces", "detection: { region: { x: -1, y: 0, width: 10, height: 10 } }",
        key: "faces.detection.region", at: "region", says: ["starts at -1, 0", "0 or more"]),
    row("a search region without its height", "faces", "detection: { region: { x: 0, y: 0, width: 10 } }",
        key: "faces.detection.region.height", at: "region", says: ["is required"]),

    // segmentation
    row("a person network that does not exist", "segmentation", #"personNetwork: "/nonexistent/u2netp.onnx""#,
        key: "segmentation.personNetwork", at: "personNetwork", says: ["/nonexistent/u2netp.onnx", "does not exist"]),

    // plate
    row("a still time of 0", "plate", "stillSeconds: 0", key: "plate.stillSeconds", at: "stillSeconds",
        says: ["is 0", "above 0"]),
    row("a strip larger than the frame", "plate", "topStrip: 1.5", key: "plate.topStrip", at: "topStrip",
        says: ["is 1.5", "between 0 and 1"]),

    // screen
    row("255 colours", "screen", #"colors: "255""#, key: "screen.colors", at: "colors",
        says: [#"must be "auto", "truecolor", "256" or "16", not "255""#]),
    row("a dither the screen does not have", "screen", #"dither: "fancy""#, key: "screen.dither", at: "dither",
        says: [#"must be "none", "ordered" or "diffusion", not "fancy""#]),
    row("a guide shape it does not know", "screen", #"guide: "square""#, key: "screen.guide", at: "guide",
        says: [#""oval""#, #""head-and-shoulders""#, #"not "square""#]),
    row("a yes-or-no setting as a word", "screen", #"language: "zh", secondLanguage: "yes""#, key: "screen.secondLanguage",
        at: "secondLanguage", says: [#"must be true or false, not "yes""#]),
    row("French", "screen", #"language: "fr""#, key: "screen.language", at: "language", says: [#"must be "zh" or "en", not "fr""#]),

    // store
    row("no store folder", "store", #"folder: """#, key: "store.folder", at: "folder", says: ["is empty", "must name a folder"]),
    row("a source frame kept for no day", "store", "sourceFrameRetentionDays: 0", key: "store.sourceFrameRetentionDays",
        at: "sourceFrameRetentionDays", says: ["is 0", "from 1 to 3650 days"]),

    // fees
    row("a fee typed 2000 for 20", "fees", "outsideWindowYuan: 2000", key: "fees.outsideWindowYuan", at: "outsideWindowYuan",
        says: ["is 2000", "from 0 to 1000"]),
    row("a window that ends before it starts", "fees",
        #"batches: [{ batch: "2024", windowStart: "2023-11-10", windowEnd: "2023-10-14", inWindowYuan: 20 }]"#,
        key: "fees.batches.0.windowEnd", at: "windowEnd", says: ["before windowStart", "must not come before"]),

    // session
    row("no identification try", "session", "identificationTries: 0", key: "session.identificationTries",
        at: "identificationTries", says: ["is 0", "from 1 to 10"]),
    row("a review that times out at once", "session", "reviewSeconds: 1", key: "session.reviewSeconds", at: "reviewSeconds",
        says: ["is 1.0", "from 5 to 3600 seconds"]),

    // speech
    row("speech at 1000 words a minute", "speech", "wordsPerMinute: 1000", key: "speech.wordsPerMinute", at: "wordsPerMinute",
        says: ["is 1000", "from 80 to 450"]),
    row("speech on without its program", "speech", #"enabled: true, program: "/nonexistent/espeak-ng""#, key: "speech.program",
        at: "program", says: ["/nonexistent/espeak-ng", "install espeak-ng"]),

    // sync
    row("a server that is not an http address", "sync", #"server: "ftp://10.0.0.5""#, key: "sync.server", at: "server",
        says: ["ftp://10.0.0.5", "http://HOST:PORT"]),
    row("a server address with a path", "sync", #"server: "http://10.0.0.5:8080/v1""#, key: "sync.server", at: "server",
        says: ["http://10.0.0.5:8080/v1", "http://HOST:PORT"]),
    row("a longest wait shorter than the first", "sync", "firstRetrySeconds: 30, longestRetrySeconds: 5",
        key: "sync.longestRetrySeconds", at: "longestRetrySeconds", says: ["below firstRetrySeconds"]),
    row("a request that may take forever", "sync", "requestTimeoutSeconds: 100000", key: "sync.requestTimeoutSeconds",
        at: "requestTimeoutSeconds", says: ["100000", "from 0.1 to 600"]),

    // metrics and logging (kiosk run, docs/daemon.md)
    row("a metrics port without its host", "metrics", #"listen: "9464""#, key: "metrics.listen", at: "listen",
        says: [#""9464""#, "HOST:PORT", "127.0.0.1:9464"]),
    row("a metrics port past 65535", "metrics", #"listen: "127.0.0.1:70000""#, key: "metrics.listen", at: "listen",
        says: ["127.0.0.1:70000", "port 0 to 65535"]),
    row("a log level syslog has but swift-log does not", "logging", #"level: "verbose""#, key: "logging.level", at: "level",
        says: ["verbose", "trace", "critical"]),
]
