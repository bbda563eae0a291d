import SyncWire

/// `kiosk-server`'s HTTP side on Hummingbird: the `/v1` API of docs/sync-api.md, the
/// request-signature check, the reviewers' pages.
public enum CentralServer {}
