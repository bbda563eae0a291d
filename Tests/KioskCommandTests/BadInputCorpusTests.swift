import DataCache
import Foundation
import KioskConfiguration
import KioskProgram
import LiveStation
import SettingsCorpus
import Testing

/// One bad input given to one command: how the built `kiosk` must end and what it must say.
struct CorpusRow: Sendable, CustomTestStringConvertible {
    var arguments: [String]
    /// The exit status the command's help gives for this kind of problem.
    var status: Int32
    /// Words the message must hold: the file (or option) it names and what to do.
    var says: [String]
    /// The whole of standard error, when it is known word for word (the settings loader's message).
    var exactly: String? = nil
    /// Run as user nobody, for whom permissions hold (root may write anywhere).
    var asNobody = false

    var testDescription: String { "kiosk " + arguments.joined(separator: " ") }
}

/// Inputs that are not photos, each with what the message must say to do about it.
let badPhotos: [(file: String, says: String)] = [
    ("empty.jpg", "copy or take the photo again"),
    ("truncated.jpg", "copy or capture it again"),
    ("garbage.jpg", "capture or export the photo again"),
    ("text.jpg", "give a .jpg or .png photo"),
    ("folder.jpg", "give the path of a JPEG or PNG file"),
    ("pipe.jpg", "give the path of a JPEG or PNG file"),
    ("/dev/null", "give the path of a JPEG or PNG file"),
    ("/dev/zero", "give the path of a JPEG or PNG file"),
    ("missing.jpg", "check the name and the folder"),
    ("dangling.jpg", "check the name and the folder"),
    ("huge.png", "scale it down"),
]

/// Every command that reads a photo, with the bad one in each place it can stand.
let photoReaders: [(arguments: @Sendable (String) -> [String], status: Int32)] = [
    ({ ["detect", $0] }, 2),
    ({ ["detect", "portrait.jpg", "--compare", $0] }, 2),
    ({ ["check", $0] }, 2),
    ({ ["check", "portrait.jpg", "--source", $0] }, 2),
    ({ ["check", "portrait.jpg", "--source", "portrait.jpg", "--plate", $0] }, 2),
    ({ ["standardize", $0, "-o", "out/photo.jpg"] }, 2),
    ({ ["standardize", "portrait.jpg", "--plate", $0, "-o", "out/photo.jpg"] }, 2),
    // The demo goes on to the next portrait and says why on its line; none made is status 1.
    ({ ["demo", "-o", "out", $0] }, 1),
]

/// Paths that are not settings files.
let badSettingsPaths: [(file: String, says: String)] = [
    ("folder.jpg", "it is a folder, not a file"),
    ("pipe.jpg", "it is a named pipe (FIFO), not a file"),
    ("/dev/null", "it is a device, not a file"),
    ("/dev/zero", "it is a device, not a file"),
    ("missing.json5", "no such file"),
    ("huge.png", "it is not a text file"),
]

/// Every command that reads `--config`, with the status its help gives for a file it cannot use.
let settingsReaders: [(name: String, arguments: @Sendable (String) -> [String], status: Int32)] = [
    ("standardize", { ["standardize", "portrait.jpg", "-o", "out/photo.jpg", "--report", "out/report.json", "--config", $0] }, 2),
    ("check", { ["check", "portrait.jpg", "--config", $0] }, 2),
    ("detect", { ["detect", "portrait.jpg", "--annotate", "out/annotated.jpg", "--config", $0] }, 2),
    ("config show", { ["config", "show", "--config", $0] }, 1),
    ("config check", { ["config", "check", $0] }, 1),
    ("run", { ["run", "--source", "/dev/nonexistent", "--store", "out", "--config", $0] }, 1),
]

/// The generated folder every row runs in (made once, see `CorpusFolder.make`).
let corpus = Result { try CorpusFolder.make() }

/// The whole table.
let corpusRows: [CorpusRow] = {
    var rows: [CorpusRow] = []
    for (file, says) in badPhotos {
        for reader in photoReaders {
            rows.append(CorpusRow(arguments: reader.arguments(file), status: reader.status,
                                  says: [URL(fileURLWithPath: file).lastPathComponent, says]))
        }
    }
    for reader in settingsReaders {
        for (file, says) in badSettingsPaths {
            rows.append(CorpusRow(arguments: reader.arguments(file), status: reader.status, says: [file, says]))
        }
        // The loader's own message, word for word, after the command's name.
        for (index, row) in invalidSettingsRows.enumerated() {
            let path = (try? corpus.get())?.appendingPathComponent(CorpusFolder.settingsFile(index)).path ?? "?"
            var expected = "?"
            do { _ = try StationConfiguration.load(from: path) } catch { expected = "kiosk \(reader.name): \(error)\n" }
            rows.append(CorpusRow(arguments: reader.arguments(path), status: reader.status, says: row.says, exactly: expected))
        }
    }
    rows += [
        // Outputs that are inputs or each other, a folder, a folder this user may not write.
        CorpusRow(arguments: ["standardize", "portrait.jpg", "-o", "portrait.jpg"], status: 2,
                  says: ["-o portrait.jpg", "the same file as the input"]),
        CorpusRow(arguments: ["standardize", "portrait.jpg", "-o", "link.jpg"], status: 2,
                  says: ["-o link.jpg", "the same file as the input"]),
        CorpusRow(arguments: ["standardize", "portrait.jpg", "-o", "out/photo.jpg", "--report", "out/photo.jpg"], status: 2,
                  says: ["--report out/photo.jpg", "the same file as -o"]),
        CorpusRow(arguments: ["standardize", "portrait.jpg", "-o", "out"], status: 2, says: ["-o out", "it is a folder"]),
        CorpusRow(arguments: ["standardize", "portrait.jpg", "-o", "locked/photo.jpg"], status: 2,
                  says: ["locked", "write"], asNobody: true),
        CorpusRow(arguments: ["detect", "portrait.jpg", "--annotate", "portrait.jpg"], status: 2,
                  says: ["--annotate portrait.jpg", "the same file as the photo"]),
        CorpusRow(arguments: ["detect", "portrait.jpg", "--annotate", "link.jpg"], status: 2,
                  says: ["--annotate link.jpg", "the same file as the photo"]),
        CorpusRow(arguments: ["detect", "portrait.jpg", "--annotate", "out"], status: 2, says: ["--annotate out", "it is a folder"]),
        CorpusRow(arguments: ["snapshot", "-d", "pattern:", "-o", "locked/snap.jpg"], status: 2,
                  says: ["locked", "write"], asNobody: true),
        CorpusRow(arguments: ["demo", "-o", "portrait.jpg", "portrait.jpg"], status: 2, says: ["-o portrait.jpg", "not a folder"]),
        // Cameras that are not there or not cameras: the commands that need one, without one.
        CorpusRow(arguments: ["snapshot", "-d", "/dev/nonexistent", "-o", "out/snap.jpg"], status: 2,
                  says: ["/dev/nonexistent", "check the USB cable"]),
        CorpusRow(arguments: ["snapshot", "-d", "/dev/null", "-o", "out/snap.jpg"], status: 2,
                  says: ["/dev/null", "is not a V4L2 video device", "kiosk devices"]),
        CorpusRow(arguments: ["record", "--seconds", "1", "-d", "/dev/nonexistent", "out/recording"], status: 2,
                  says: ["/dev/nonexistent", "check the USB cable"]),
        CorpusRow(arguments: ["run", "--source", "/dev/nonexistent", "--store", "out"], status: 1,
                  says: ["/dev/nonexistent", "check the USB cable"]),
        CorpusRow(arguments: ["run", "--source", "replay:missing", "--store", "out"], status: 1, says: ["cannot replay missing"]),
        CorpusRow(arguments: ["run", "--source", "/dev/zero", "--store", "out"], status: 1, says: ["/dev/zero", "kiosk devices"]),
        // Numbers out of range, negative ones too (once "Missing value"), and words not in a list.
        CorpusRow(arguments: ["detect", "portrait.jpg", "--upsample", "-1"], status: 64, says: ["--upsample must be 0, 1, 2 or 3"]),
        CorpusRow(arguments: ["detect", "portrait.jpg", "--min-face", "-5"], status: 64, says: ["--min-face must be a positive"]),
        CorpusRow(arguments: ["run", "--duration", "-3"], status: 64, says: ["--duration must be a positive number"]),
        CorpusRow(arguments: ["check", "portrait.jpg", "--plate", "portrait.jpg"], status: 64, says: ["--plate needs --source"]),
        CorpusRow(arguments: ["check", "portrait.jpg", "--backdrop-reference", "120"], status: 64,
                  says: ["--backdrop-reference is 120", "L* from 0 to 100"]),
        CorpusRow(arguments: ["check", "portrait.jpg", "--source", "portrait.jpg", "--plate", "portrait.jpg",
                              "--backdrop-reference", "80"], status: 64, says: ["--plate or --backdrop-reference, not both"]),
        CorpusRow(arguments: ["record", "--seconds", "-1", "out/recording"], status: 64, says: ["--seconds must be more than 0"]),
        CorpusRow(arguments: ["snapshot", "--warmup", "-1", "-o", "out/snap.jpg"], status: 64, says: ["--warmup must be 0…300"]),
        CorpusRow(arguments: ["bench", "--iterations", "-1"], status: 64, says: ["--iterations must be at least 1"]),
        CorpusRow(arguments: ["run", "--colors", "255"], status: 64, says: ["'255'", "'auto', 'truecolor', '256' or '16'"]),
        CorpusRow(arguments: ["run", "--dither", "fancy"], status: 64, says: ["'fancy'", "'none', 'ordered' or 'diffusion'"]),
        CorpusRow(arguments: ["snapshot", "--format", "TOOLONG", "-o", "out/snap.jpg"], status: 64, says: ["'TOOLONG'", "--format"]),
        CorpusRow(arguments: ["bench", "nosuch"], status: 64, says: ["'nosuch'", "image"]),
    ]
    rows += [
        // The record commands (roster import, records, export, purge): roster files that are
        // not one, a store folder that is a file or not there, a batch the roster lacks, an
        // export folder that is a file or has files. A refused roster never makes a store
        // (out/new-store stays absent), and no export folder appears.
        CorpusRow(arguments: ["roster", "import", "missing.csv"], status: 1, says: ["missing.csv does not exist", "check the name"]),
        CorpusRow(arguments: ["roster", "import", "garbage.jpg"], status: 1, says: ["garbage.jpg is not UTF-8 text", "CSV UTF-8"]),
        CorpusRow(arguments: ["roster", "import", "text.jpg"], status: 1, says: ["line 1", "\"hello\" is not known"]),
        CorpusRow(arguments: ["roster", "import", "folder.jpg"], status: 1, says: ["folder.jpg is a folder", "roster's CSV file"]),
        CorpusRow(arguments: ["roster", "import", "pipe.jpg"], status: 1, says: ["pipe.jpg is a named pipe (FIFO)"]),
        CorpusRow(arguments: ["roster", "import", "/dev/zero"], status: 1, says: ["/dev/zero is a device"]),
        CorpusRow(arguments: ["roster", "import", RecordsCorpus.file("bad-rows.csv"), "--store", "out/new-store"], status: 1,
                  says: ["2 bad rows, nothing imported", "line 3: the student number \"abc\"", "line 4: id_tail has 2 characters"]),
        CorpusRow(arguments: ["roster", "import", RecordsCorpus.file("empty.csv"), "--store", "out/new-store"], status: 1,
                  says: ["the roster file is empty"]),
        CorpusRow(arguments: ["roster", "import", RecordsCorpus.file("no-header.csv"), "--store", "out/new-store"], status: 1,
                  says: ["line 1", "is not known"]),
        CorpusRow(arguments: ["roster", "import", RecordsCorpus.file("good.csv"), "--store", "portrait.jpg"], status: 2,
                  says: ["portrait.jpg is a file, not a folder"]),
        CorpusRow(arguments: ["roster", "import"], status: 64, says: ["Missing expected argument '<file>'"]),
        CorpusRow(arguments: ["records", "list", "--store", "out/no-store"], status: 2,
                  says: ["no station store in out/no-store", "kiosk roster import"]),
        CorpusRow(arguments: ["records", "list", "--store", "portrait.jpg"], status: 2, says: ["--store portrait.jpg is a file"]),
        CorpusRow(arguments: ["records", "show", "NOPE-NOPE", "--store", RecordsCorpus.store("show")], status: 1,
                  says: ["no session has the receipt code or student number NOPE-NOPE", "kiosk records list"]),
        CorpusRow(arguments: ["export", "--batch", "1999", "out/export", "--store", RecordsCorpus.store("batch")], status: 1,
                  says: ["the roster has no batch 1999", "its batches are 2024"]),
        CorpusRow(arguments: ["export", "--batch", "2024", "out/export", "--store", RecordsCorpus.store("empty-batch")], status: 1,
                  says: ["batch 2024 has no accepted photo to export", "nothing was written"]),
        CorpusRow(arguments: ["export", "--batch", "2024", "portrait.jpg", "--store", RecordsCorpus.store("file-target")], status: 2,
                  says: ["portrait.jpg is not a folder"]),
        CorpusRow(arguments: ["export", "--batch", "2024", "settings", "--store", RecordsCorpus.store("full-target")], status: 2,
                  says: ["settings already has files", "--overwrite"]),
        CorpusRow(arguments: ["export", "--batch", "2024", "out/export", "--store", "out/no-store"], status: 2,
                  says: ["no station store in out/no-store"]),
        CorpusRow(arguments: ["export", "out/export"], status: 64, says: ["Missing expected argument '--batch <batch>'"]),
        CorpusRow(arguments: ["purge", "--store", "out/no-store"], status: 2, says: ["no station store in out/no-store"]),
        CorpusRow(arguments: ["purge", "--dry-run", "--delete"], status: 64, says: ["--dry-run and --delete exclude each other"]),
    ]
    return rows
}()

/// Photos as people have them that are not bad at all: the face is found.
let goodButUnusual: [(file: String, what: String)] = [
    ("orientation6.jpg", "stored turned, EXIF orientation 6"),
    ("orientation3.jpg", "stored upside down, EXIF orientation 3"),
    ("cmyk.jpg", "a CMYK JPEG"),
]

@Suite("The kiosk commands over a generated corpus of bad inputs",
       .enabled(if: DataCache.standard.isPopulated, "\(DataCache.standard.missingMessage)"))
struct BadInputCorpusTests {
    @Test func theCorpusCoversEveryCommandThatReadsAnInput() throws {
        let commands = Set(corpusRows.map { $0.arguments[0] == "config" ? "config " + $0.arguments[1] : $0.arguments[0] })
        #expect(commands.isSuperset(of: ["standardize", "check", "detect", "demo", "snapshot", "record", "run",
                                         "config show", "config check", "bench"]), "\(commands.sorted())")
        #expect(corpusRows.count > 500)
        print("bad-input corpus: \(corpusRows.count + goodButUnusual.count) rows over \(commands.count) commands "
            + "(\(invalidSettingsRows.count) invalid settings files × \(settingsReaders.count) commands among them)")
    }

    @Test(arguments: corpusRows)
    func theCommandRefusesWithItsStatusAndAClearMessageAndChangesNothing(_ row: CorpusRow) throws {
        let folder = try corpus.get()
        let before = try KioskProgram.contents(folder)
        let run = try KioskProgram.run(row.arguments, in: folder, asUser: row.asNobody ? "65534" : nil)
        #expect(run.exited, "ended by signal \(run.status): \(run)")
        #expect(run.status == row.status, "\(run)")
        let said = run.errors + run.output
        for words in row.says { #expect(said.contains(words), "«\(words)» missing: \(run)") }
        if let exactly = row.exactly { #expect(run.errors == exactly) }
        for word in KioskProgram.dumpWords { #expect(!said.contains(word), "«\(word)»: \(run)") }
        #expect(try KioskProgram.contents(folder) == before, "the folder changed or a file was left: \(run)")
    }

    @Test(arguments: goodButUnusual.map(\.file))
    func aPhotoAsPeopleHaveItIsRead(_ file: String) throws {
        let folder = try corpus.get()
        let run = try KioskProgram.run(["detect", file], in: folder)
        #expect(run.status == 0, "\(run)")
        #expect(run.output.contains("1 face"), "\(run)")
    }
}
