import SyncWire

/// The centre's storage: stations and their secrets, the roster, photos (content-addressed
/// files), session records and review decisions. One protocol, two back ends (SQLite with a
/// blob folder by default; PostgreSQL when configured), the same behaviour behind both.
public enum CentralStorage {}
