import LiveStation

/// The station's settings file, read as every command reads it.
public enum SettingsCheck {
    /// The settings in `path` (the built-in ones without a file, or when the file cannot be
    /// used: the other checks then run on those, and the finding says so) and the finding
    /// on the file, whose fix is the loader's own message (file, line, what is allowed), as
    /// `kiosk config check` gives it.
    public static func load(_ path: String?) -> (settings: StationConfiguration, finding: Finding) {
        guard let path else {
            return (.standard, .ok("settings", "settings: the built-in defaults (no --config given)"))
        }
        do {
            return (try StationConfiguration.load(from: path), .ok("settings", "settings file \(path): valid"))
        } catch {
            let message = "\(error)"
            let end = message.last.map { ".?!".contains($0) } == true ? " " : ". "
            return (.standard, Finding(
                id: "settings", level: .failure,
                what: "settings file \(path) cannot be used (the checks below use the built-in settings)",
                fix: message + end + "Correct that line in the file, then check it again with `kiosk config check \(path)`"))
        }
    }
}
