import SyncWire

/// The station's sync client: drains the store's outbox to the centre in order, backs off
/// while the network is away, pulls roster changes and review decisions.
public enum StationSync {}
