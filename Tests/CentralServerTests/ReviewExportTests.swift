import CentralServer
import CentralStore
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import SyncWire
import Testing

@Suite("The school export: a batch's accepted photos by student number with a manifest, in a ZIP")
struct ReviewExportTests {
    /// Sessions for N0001 (accepted), N0002 (rejected), N0003 (accepted, then retaken: awaiting
    /// again) and S0001 (accepted, another school).
    func decidedBatch(_ fixture: ServerFixture) async throws {
        try await fixture.withClient { client in
            let first = try await fixture.uploadSession(student: "N0001", seed: 21, client)
            let second = try await fixture.uploadSession(student: "N0002", seed: 22, client)
            let third = try await fixture.uploadSession(student: "N0003", seed: 23, client)
            try await fixture.store.decide(session: first.id, accept: true, reason: nil, at: fixture.now)
            try await fixture.store.decide(session: second.id, accept: false, reason: "blurred", at: fixture.now)
            try await fixture.store.decide(session: third.id, accept: true, reason: nil, at: fixture.now)
            try await fixture.uploadSession(student: "N0003", seed: 24, client)
            let photo = PhotoBytes(25)
            _ = try await fixture.putPhoto(photo, client)
            let south = sessionUpload(student: "S0001", photo: photo)
            _ = try await SignedRequest(method: .put, path: SyncAPI.record(south.id), body: try encoded(south), station: fixture.southStation,
                                        time: fixture.now).send(client)
            try await fixture.store.decide(session: south.id, accept: true, reason: nil, at: fixture.now)
        }
    }

    /// The ZIP's files as Python's zipfile reads them (a reader independent of the one that wrote it).
    func unzipped(_ zip: URL) throws -> [String: Data] {
        let script = """
            import base64, json, sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                assert z.testzip() is None
                print(json.dumps({n: base64.b64encode(z.read(n)).decode() for n in z.namelist()}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, zip.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let files = try JSONDecoder().decode([String: String].self, from: output)
        return files.compactMapValues { Data(base64Encoded: $0) }
    }

    @Test("kiosk-server export's ZIP: N0001.jpg (the accepted photo, byte for byte) and a manifest with its SHA-256; nothing else", arguments: BackEnd.underTest)
    func exportFile(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            try await decidedBatch(fixture)
            let out = fixture.folder.appendingPathComponent("out/north-2025.zip")
            try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
            let count = try await ReviewExport.write(school: ServerFixture.north, batch: "2025", store: fixture.store, to: out.path)
            #expect(count == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path) == ["north-2025.zip"])
            let files = try unzipped(out)
            #expect(Set(files.keys) == ["N0001.jpg", "manifest.csv"])
            let photo = PhotoBytes(21)
            #expect(files["N0001.jpg"] == photo.bytes)
            let manifest = String(decoding: try #require(files["manifest.csv"]), as: UTF8.self)
            #expect(manifest == "file,student_number,school,batch,sha256,bytes,receipt_code,accepted_at,collection_code\r\n"
                + "N0001.jpg,N0001,North High,2025,\(SHA256.hash(data: photo.bytes).hexString),\(photo.bytes.count),R-0001,"
                + "2025-10-09T08:38:10Z,CC-12345\r\n")
        }
    }

    @Test("a batch with no accepted photo is refused, naming the roster's batches, and writes nothing", arguments: BackEnd.underTest)
    func emptyBatch(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let out = fixture.folder.appendingPathComponent("empty.zip")
            do throws(CentralStoreError) {
                _ = try await ReviewExport.write(school: ServerFixture.north, batch: "2026", store: fixture.store, to: out.path)
                Issue.record("an empty batch was exported")
            } catch {
                #expect(error.description.contains("no accepted photo") && error.description.contains("North High / 2025"))
            }
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }

    @Test("the page's download link gives the same ZIP, and lists the roster's batches", arguments: BackEnd.underTest)
    func exportDownload(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            _ = try await fixture.addReviewer()
            _ = try await decidedBatch(fixture)
            let zip = fixture.folder.appendingPathComponent("download.zip")
            try await fixture.withClient { client in
                let page = try await fixture.page(client).text
                #expect(page.contains("href=\"/review/export?school=North%20High&amp;batch=2025\""))
                let answer = try await fixture.page(client, "/review/export?school=North%20High&batch=2025")
                #expect(answer.status == .ok)
                #expect(answer.headers[.contentType] == "application/zip")
                #expect(answer.headers[.contentDisposition]?.contains("filename=\"North High-2025.zip\"") == true)
                try Data(buffer: answer.body).write(to: zip)
                let made = try await ReviewExport.archive(school: ServerFixture.north, batch: "2025", store: fixture.store)
                #expect(Data(buffer: answer.body) == made.zip, "dated by the sessions: the same batch, the same bytes")
                #expect(try await fixture.page(client, "/review/export?school=North%20High&batch=2025", auth: [:]).status == .unauthorized)
            }
            #expect(Set(try unzipped(zip).keys) == ["N0001.jpg", "manifest.csv"])
        }
    }
}
