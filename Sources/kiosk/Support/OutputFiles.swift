import FileOutput
import Foundation

/// How the commands check and write their output files: through `FileOutput`, so every
/// write is atomic, and every problem is one line that names the file, the reason and what
/// to do, ending the command with exit status 2.
enum OutputFiles {
    /// Refuses, before any work, outputs that are inputs or each other, folders, devices, or
    /// in a folder that is missing or not writable.
    static func check(outputs: [NamedPath], inputs: [NamedPath], creatingFolders: Bool = false) throws(CommandFailure) {
        do throws(FileOutputError) {
            try OutputPaths.check(outputs: outputs, inputs: inputs, creatingFolders: creatingFolders)
        } catch {
            throw failure(error)
        }
    }

    /// Writes the file atomically; on failure the previous file is unchanged and the
    /// command ends with status 2.
    static func write(_ bytes: some ContiguousBytes, to path: NamedPath) throws(CommandFailure) {
        do throws(FileOutputError) {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw failure(error)
        }
    }

    /// A JSON report, pretty-printed with sorted keys, written atomically.
    static func writeJSON(_ value: some Encodable, to path: NamedPath) throws {
        try write(try json(value), to: path)
    }

    /// The JSON every command writes or prints: pretty-printed, keys sorted, paths unescaped.
    static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// A file that could not be written or may not be: status 2 with the reason.
    static func failure(_ error: FileOutputError) -> CommandFailure {
        CommandFailure(status: 2, "\(error)")
    }

    /// The `--config` file as an input: a command must not write over its own settings.
    static func config(_ path: String?) -> [NamedPath] {
        path.map { [NamedPath($0, name: "--config")] } ?? []
    }
}
