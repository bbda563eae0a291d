/// What `kiosk doctor` checks and the daemon's status line shows: one finding per thing an
/// operator can get wrong, each with its fix.
public enum StationDoctor {}
