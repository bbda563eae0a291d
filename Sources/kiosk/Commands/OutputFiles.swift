import ArgumentParser
import FileOutput
import Foundation

/// How the commands check and write their output files: through `FileOutput`, so every
/// write is atomic, and every problem is one line that names the file, the reason and what
/// to do, ending the command with exit status 2.
enum OutputFiles {
    /// Refuses, before any work, outputs that are inputs or each other, folders, devices, or
    /// in a folder that is missing or not writable.
    static func check(_ command: String, outputs: [NamedPath], inputs: [NamedPath], creatingFolders: Bool = false) throws {
        do throws(FileOutputError) {
            try OutputPaths.check(outputs: outputs, inputs: inputs, creatingFolders: creatingFolders)
        } catch {
            throw fail(command, error)
        }
    }

    /// Writes the file atomically; on failure the previous file is unchanged and the
    /// command ends with status 2.
    static func write(_ command: String, _ bytes: some ContiguousBytes, to path: NamedPath) throws {
        do throws(FileOutputError) {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw fail(command, error)
        }
    }

    /// A JSON report, pretty-printed with sorted keys, written atomically.
    static func writeJSON(_ command: String, _ value: some Encodable, to path: NamedPath) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try write(command, try encoder.encode(value), to: path)
    }

    /// Prints the error as `kiosk COMMAND: …` and gives the exit status to throw.
    static func fail(_ command: String, _ error: FileOutputError) -> ExitCode {
        FileHandle.standardError.write(Data("kiosk \(command): \(error)\n".utf8))
        return ExitCode(2)
    }

    /// The `--config` file as an input: a command must not write over its own settings.
    static func config(_ path: String?) -> [NamedPath] {
        path.map { [NamedPath($0, name: "--config")] } ?? []
    }
}
