import CentralServer
import CentralStore
import Foundation
import Testing

@Suite("docs/openapi.yaml describes the router")
struct OpenAPITests {
    /// The operations of the file: "get /v1/health", … read from its `paths` block (the file
    /// is written by hand in one layout: a path at two spaces, its methods at four).
    static func documentedOperations() throws -> Set<String> {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        var operations = Set<String>()
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), !line.isEmpty { inPaths = line == "paths:"; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "put", "head", "post", "delete", "patch"].contains(method) { operations.insert("\(method) \(path)") }
            }
        }
        return operations
    }

    @Test("every route the router registers is an operation of docs/openapi.yaml, and nothing else is")
    func routesDocumented() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteCentralStore(folder: folder.path)
        let registered = Set(CentralServer.router(store: store).endpoints.map { "\($0.method.rawValue.lowercased()) \($0.path)" })
        #expect(registered.count == 6)
        #expect(try Self.documentedOperations() == registered)
    }
}
