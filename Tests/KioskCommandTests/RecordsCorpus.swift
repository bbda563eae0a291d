import Foundation
import StationStore

/// The record commands' inputs, made once beside the corpus folder (outside it, so that the
/// stores they open may change without the corpus counting it): roster files with one
/// mistake each, and stores with a roster, one per row that opens one, because the rows run
/// at the same time and a store takes one program at a time.
enum RecordsCorpus {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-records-corpus-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: RecordsCorpus.folder) }
        let header = "student_number,school,batch,name,id_tail\n"
        let files = [
            "good.csv": header + "2020123456,北京大学,2024,张三明,123X\n",
            // Line 3: a number that is not one; line 4: a tail of three characters.
            "bad-rows.csv": header + "2020123456,北京大学,2024,张三明,123X\nabc,北京大学,2024,李明,5678\n2020123458,北京大学,2024,王芳,12\n",
            "empty.csv": "",
            "no-header.csv": "2020123456,北京大学,2024,张三明,123X\n",
        ]
        for (name, text) in files { try? Data(text.utf8).write(to: url.appendingPathComponent(name)) }
        return url
    }()

    static func file(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// A store of its own named `name`, with the good roster in it, made on first use.
    static func store(_ name: String) -> String {
        let path = folder.appendingPathComponent(name).path
        var settings = StoreSettings()
        settings.folder = path
        // Closed when this returns, so the command under test can take it.
        _ = try? StationStore(settings: settings).importRoster(text: String(contentsOfFile: file("good.csv"), encoding: .utf8))
        return path
    }
}
