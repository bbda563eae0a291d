import Foundation

/// The checkout's root: the deployment files are tested where they are committed.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
