import Foundation

/// The checkout's root: the deployment files are tested where they are committed.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Whether a test that needs `tool` runs: always under CI (where setup.sh installs it, so its
/// absence is a failure, not a skip), elsewhere when the tool is there.
func runs(needing tool: String) -> Bool {
    ProcessInfo.processInfo.environment["CI"] == "true" || FileManager.default.isExecutableFile(atPath: tool)
}
