import CentralServer
import CentralStore
import Foundation
import KioskProgram
import SyncWire
import Testing

@Suite("Revoking a station: its signatures are refused from then on, over HTTP, on both back ends")
struct RevocationTests {
    static let program = ServerProgram.path

    @Test("after revocation the station's upload is 401 and not kept; what it sent before stays; the other station goes on",
          arguments: BackEnd.underTest)
    func revokedStationRefused(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let before = PhotoBytes(1), after = PhotoBytes(2)
            try await fixture.withClient(.live) { client in
                #expect(try await fixture.putPhoto(before, client).status == .created)
                let revoked = try await fixture.store.revokeStation(id: fixture.northStation.id, at: fixture.now)
                #expect(revoked?.revokedAt != nil)

                let refused = try await fixture.putPhoto(after, client)
                #expect(refused.status == .unauthorized)
                #expect(refused.wireError?.code == .unauthorized)
                #expect(refused.wireError?.message.contains("revoked") == true)
                let roster = try await SignedRequest(method: .get, path: SyncAPI.roster + "?cursor=0&limit=10", station: fixture.northStation,
                                                     time: fixture.now).send(client)
                #expect(roster.status == .unauthorized)

                let other = try await SignedRequest(method: .get, path: SyncAPI.roster + "?cursor=0&limit=10", station: fixture.southStation,
                                                    time: fixture.now).send(client)
                #expect(other.status == .ok)
            }
            #expect(try await fixture.storedPhotos() == [before.sha256])
        }
    }

    @Test("revoking again keeps the first time; an unknown id is nil; the list shows both stations, one revoked",
          arguments: BackEnd.underTest)
    func revocationIsKept(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let first = fixture.now.addingTimeInterval(60)
            let revoked = try #require(try await fixture.store.revokeStation(id: fixture.southStation.id, at: first))
            let again = try #require(try await fixture.store.revokeStation(id: fixture.southStation.id, at: first.addingTimeInterval(3600)))
            #expect(again.revokedAt == revoked.revokedAt)
            #expect(abs(try #require(revoked.revokedAt).timeIntervalSince(first)) < 0.001)
            #expect(try await fixture.store.revokeStation(id: UUID().uuidString.lowercased(), at: first) == nil)
            let stations = try await fixture.store.stations()
            #expect(Set(stations.map(\.id)) == [fixture.northStation.id, fixture.southStation.id])
            #expect(stations.filter { $0.revokedAt != nil }.map(\.id) == [fixture.southStation.id])
            #expect(try await fixture.store.activeStation(id: fixture.southStation.id) == nil)
            #expect(try await fixture.store.activeStation(id: fixture.northStation.id) != nil)
        }
    }

    @Test("kiosk-server station revoke and station list, the built program on the fixture's store", arguments: BackEnd.underTest)
    func commands(backEnd: BackEnd) async throws {
        try await ServerFixture.with(backEnd) { fixture in
            let store = try fixture.programStoreOptions()
            let north = fixture.northStation.id
            let revoked = try KioskProgram.output(of: Self.program, ["station", "revoke", north] + store)
            #expect(revoked.hasPrefix("station \(north) (hall-1, \(ServerFixture.north)) revoked at "))
            let again = try KioskProgram.output(of: Self.program, ["station", "revoke", north] + store)
            #expect(again.contains("was revoked already"))
            #expect(try await fixture.store.activeStation(id: north) == nil)

            let lines = try KioskProgram.output(of: Self.program, ["station", "list"] + store).split(separator: "\n")
            #expect(lines.first?.hasPrefix("id") == true && lines.count == 3)
            let northLine = try #require(lines.first { $0.hasPrefix(north) })
            let southLine = try #require(lines.first { $0.hasPrefix(fixture.southStation.id) })
            #expect(northLine.contains(ServerFixture.north) && !northLine.hasSuffix(" -"))
            #expect(southLine.contains(ServerFixture.south) && southLine.hasSuffix(" -"))
            #expect(!lines.joined().contains(fixture.northStation.secret.hex))

            #expect {
                try KioskProgram.output(of: Self.program, ["station", "revoke", "no-such-station"] + store)
            } throws: { error in
                "\(error)".contains("status 1") && "\(error)".contains("no station has the id \"no-such-station\"")
            }
        }
    }
}
