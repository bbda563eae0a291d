import CentralServer
import CentralStore
import Foundation
import Hummingbird
import HummingbirdTesting
import ScratchDisk
import SyncWire
import Testing

@Suite("Uploads: photos by hash, records by id, exactly once")
struct UploadTests {
    @Test("the same photo twice: 201 then 200, one file; HEAD says whether it is held", arguments: BackEnd.underTest)
    func photoTwice(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let photo = PhotoBytes(3)
            let put = SignedRequest(method: .put, path: SyncAPI.photo(photo.sha256), body: photo.bytes, station: fixture.northStation, time: fixture.now)
            let head = SignedRequest(method: .head, path: SyncAPI.photo(photo.sha256), station: fixture.northStation, time: fixture.now)
            try await fixture.withClient { client in
                #expect(try await head.send(client).status == .notFound)
                let first = try await put.send(client)
                #expect(first.status == .created)
                #expect(try first.decoded(UploadReceipt.self) == UploadReceipt(key: photo.sha256, stored: true))
                let second = try await put.send(client)
                #expect(second.status == .ok)
                #expect(try second.decoded(UploadReceipt.self) == UploadReceipt(key: photo.sha256, stored: false))
                #expect(try await head.send(client).status == .ok)
            }
            #expect(try await fixture.storedPhotos() == [photo.sha256])
            #expect(try await fixture.store.photo(sha256: photo.sha256) == photo.bytes)
        }
    }

    @Test("bytes that do not hash to their name: 422 hash-mismatch, nothing stored", arguments: BackEnd.underTest)
    func wrongHash(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let named = PhotoBytes(4)
            let sent = PhotoBytes(5)
            try await fixture.withClient { client in
                let response = try await SignedRequest(method: .put, path: SyncAPI.photo(named.sha256), body: sent.bytes,
                                                       station: fixture.northStation, time: fixture.now).send(client)
                #expect(response.status == .unprocessableContent)
                #expect(response.wireError?.code == .hashMismatch)
            }
            #expect(try await !fixture.store.holdsPhoto(sha256: named.sha256))
            #expect(try await !fixture.store.holdsPhoto(sha256: sent.sha256))
            #expect(try await fixture.storedPhotos().isEmpty)
        }
    }

    @Test("the same record twice: 201 then 200, stored once", arguments: BackEnd.underTest)
    func recordTwice(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let photo = PhotoBytes(6)
            let upload = sessionUpload(student: "N0001", photo: photo)
            let record = SignedRequest(method: .put, path: SyncAPI.record(upload.id), body: try encoded(upload), station: fixture.northStation, time: fixture.now)
            try await fixture.withClient { client in
                _ = try await fixture.putPhoto(photo, client)
                let first = try await record.send(client)
                #expect(first.status == .created)
                #expect(try first.decoded(UploadReceipt.self) == UploadReceipt(key: upload.id.uuidString.lowercased(), stored: true))
                let second = try await record.send(client)
                #expect(second.status == .ok)
                #expect(try second.decoded(UploadReceipt.self).stored == false)
            }
            let awaiting = try await fixture.store.recordsAwaitingReview(limit: 10)
            #expect(awaiting.map(\.upload) == [upload])
            #expect(awaiting.first?.stationId == fixture.northStation.id)
        }
    }

    @Test("the same id with other content: 409 conflict and the first record kept", arguments: BackEnd.underTest)
    func conflict(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let photo = PhotoBytes(7)
            let first = sessionUpload(student: "N0001", photo: photo, receipt: "R-0001")
            let second = { var other = first; other.receiptCode = "R-0002"; return other }()
            try await fixture.withClient { client in
                _ = try await fixture.putPhoto(photo, client)
                let stored = try await SignedRequest(method: .put, path: SyncAPI.record(first.id), body: try encoded(first),
                                                     station: fixture.northStation, time: fixture.now).send(client)
                #expect(stored.status == .created)
                let clash = try await SignedRequest(method: .put, path: SyncAPI.record(second.id), body: try encoded(second),
                                                    station: fixture.northStation, time: fixture.now).send(client)
                #expect(clash.status == .conflict)
                #expect(clash.wireError?.code == .conflict)
            }
            #expect(try await fixture.store.record(id: first.id)?.upload == first)
        }
    }

    /// A record the server must refuse, and what it answers.
    enum RefusedRecord: String, CaseIterable, CustomStringConvertible {
        /// Sent before its photo: 409 photo-missing.
        case beforeItsPhoto
        /// For a student of another school: 403.
        case otherSchool
        var description: String { rawValue }
    }

    @Test("a record before its photo (409 photo-missing) or for another school's student (403) is not stored",
          arguments: BackEnd.underTest, RefusedRecord.allCases)
    func refusedRecord(backEnd: BackEnd, refused: RefusedRecord) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let photo = PhotoBytes(9)
            let upload = sessionUpload(student: refused == .otherSchool ? "S0001" : "N0002", photo: photo)
            try await fixture.withClient { client in
                if refused != .beforeItsPhoto {
                    _ = try await fixture.putPhoto(photo, client)
                }
                let response = try await SignedRequest(method: .put, path: SyncAPI.record(upload.id), body: try encoded(upload),
                                                       station: fixture.northStation, time: fixture.now).send(client)
                #expect(response.status == (refused == .otherSchool ? .forbidden : .conflict))
                #expect(response.wireError?.code == (refused == .otherSchool ? .forbidden : .photoMissing))
            }
            #expect(try await fixture.store.record(id: upload.id) == nil)
        }
    }

    @Test("a record whose id is not the path's, or that does not parse: 400", arguments: BackEnd.underTest)
    func badRecord(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let photo = PhotoBytes(10)
            let upload = sessionUpload(student: "N0001", photo: photo)
            try await fixture.withClient { client in
                _ = try await fixture.putPhoto(photo, client)
                for (path, body) in [(SyncAPI.record(UUID()), try encoded(upload)), (SyncAPI.record(upload.id), Data("{\"id\":1}".utf8))] {
                    let response = try await SignedRequest(method: .put, path: path, body: body, station: fixture.northStation, time: fixture.now).send(client)
                    #expect(response.status == .badRequest)
                    #expect(response.wireError?.code == .badRequest)
                }
            }
            #expect(try await fixture.store.recordsAwaitingReview(limit: 10).isEmpty)
        }
    }

    @Test("a body over the limit: 413 too-large", arguments: BackEnd.underTest)
    func tooLarge(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let body = Data(repeating: 0x20, count: CentralServer.maximumRecordBytes + 1)
            let id = UUID()
            try await fixture.withClient { client in
                let response = try await SignedRequest(method: .put, path: SyncAPI.record(id), body: body, station: fixture.northStation, time: fixture.now)
                    .send(client)
                #expect(response.status == .contentTooLarge)
                #expect(response.wireError?.code == .tooLarge)
            }
        }
    }

    @Test("a full disk: 507 insufficient-storage, nothing held and no file left; the upload succeeds once space is freed")
    func diskFull() async throws {
        let disk = try ScratchDisk(size: "2m")
        defer { disk.unmount() }
        try await ServerFixture.with(.sqlite, storeFolder: disk.folder.appendingPathComponent("data")) { fixture in
            let photo = PhotoBytes(11, count: 200_000)
            let put = SignedRequest(method: .put, path: SyncAPI.photo(photo.sha256), body: photo.bytes, station: fixture.northStation, time: fixture.now)
            disk.fill()
            try await fixture.withClient { client in
                let response = try await put.send(client)
                #expect(response.status.code == 507)
                #expect(response.wireError?.code == .insufficientStorage)
            }
            #expect(try await !fixture.store.holdsPhoto(sha256: photo.sha256))
            #expect(blobFiles(in: disk.folder.appendingPathComponent("data")).isEmpty)
            try disk.freeFiller()
            try await fixture.withClient { client in
                let response = try await put.send(client)
                #expect(response.status == .created)
            }
            #expect(try await fixture.store.photo(sha256: photo.sha256) == photo.bytes)
        }
    }
}
