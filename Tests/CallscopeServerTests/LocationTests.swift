import CallscopeCore
@testable import CallscopeServer
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import Testing

@Suite("Address ranges (--trusted-proxy)")
struct IPNetworkTests {
    @Test("IPv4 ranges: containment at the prefix boundary, host bits ignored, bare address is /32")
    func v4() throws {
        let net = try IPNetwork(parsing: "10.1.0.0/16")
        #expect(net.contains(IPAddress("10.1.0.0")!))
        #expect(net.contains(IPAddress("10.1.255.255")!))
        #expect(!net.contains(IPAddress("10.2.0.0")!))
        #expect(!net.contains(IPAddress("10.0.255.255")!))
        #expect(try IPNetwork(parsing: "10.1.2.3/8") == IPNetwork(parsing: "10.0.0.0/8"))
        #expect(try IPNetwork(parsing: "10.1.2.3/8").description == "10.0.0.0/8")
        let host = try IPNetwork(parsing: " 127.0.0.1 ")
        #expect(host.prefixLength == 32)
        #expect(host.contains(IPAddress("127.0.0.1")!))
        #expect(!host.contains(IPAddress("127.0.0.2")!))
        let all = try IPNetwork(parsing: "0.0.0.0/0")
        #expect(all.contains(IPAddress("81.2.69.160")!))
        #expect(!all.contains(IPAddress("::1")!))
        let narrow = try IPNetwork(parsing: "172.16.0.0/12")
        #expect(narrow.contains(IPAddress("172.31.255.255")!))
        #expect(!narrow.contains(IPAddress("172.32.0.0")!))
    }

    @Test("IPv6 ranges, and IPv4-mapped IPv6 addresses match IPv4 ranges")
    func v6() throws {
        let net = try IPNetwork(parsing: "2001:67c:2e8::/48")
        #expect(net.contains(IPAddress("2001:67c:2e8:1::5")!))
        #expect(!net.contains(IPAddress("2001:67c:2e9::1")!))
        #expect(!net.contains(IPAddress("10.0.0.1")!))
        let odd = try IPNetwork(parsing: "fd00::/7")
        #expect(odd.contains(IPAddress("fc12::1")!))
        #expect(odd.contains(IPAddress("fdff:ffff::1")!))
        #expect(!odd.contains(IPAddress("fe00::1")!))
        let wide = try IPNetwork(parsing: "2a02:8010::/80")
        #expect(wide.contains(IPAddress("2a02:8010::ffff:1")!))
        #expect(!wide.contains(IPAddress("2a02:8010:0:0:1::")!))
        #expect(try IPNetwork(parsing: "::1").prefixLength == 128)
        // A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d.
        #expect(IPAddress("::ffff:10.0.0.7") == IPAddress("10.0.0.7"))
        #expect(try IPNetwork(parsing: "10.0.0.0/8").contains(IPAddress("::ffff:10.0.0.7")!))
        #expect(try IPNetwork(parsing: "::ffff:10.0.0.0/104") == IPNetwork(parsing: "10.0.0.0/8"))
        #expect(IPAddress("2001:67c:2e8::1")?.description == "2001:67c:2e8::1")
    }

    @Test("bad entries are refused with the entry named", arguments: [
        "", "10.0.0.0/33", "10.0.0/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/9", "::1/129",
        "example.com", "10.0.0.0 /8", "fe80::1%eth0", "1.2.3.4:80",
    ])
    func invalid(entry: String) {
        let error = #expect(throws: IPNetwork.ParseError.self) { try IPNetwork(parsing: entry) }
        #expect(error?.entry == entry)
        #expect(error?.description.hasPrefix("invalid address range \"\(entry)\": ") == true)
    }

    @Test("TrustedProxies names the first bad entry")
    func trustedProxies() throws {
        let proxies = try TrustedProxies(["127.0.0.1/32", "::1", "10.0.0.0/8"])
        #expect(proxies.contains(IPAddress("10.9.8.7")!))
        #expect(proxies.contains(IPAddress("::1")!))
        #expect(!proxies.contains(IPAddress("81.2.69.160")!))
        #expect(throws: IPNetwork.ParseError(entry: "10.0.0.0/40", reason: "the prefix length must be 0…32")) {
            try TrustedProxies(["127.0.0.1/32", "10.0.0.0/40", "nonsense"])
        }
    }
}

@Suite("Client address (X-Forwarded-For)")
struct ClientAddressTests {
    static let trusted = try! TrustedProxies(["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"])

    func resolve(_ peer: String?, _ forwardedFor: [String], trusted: TrustedProxies = Self.trusted) -> String? {
        ClientAddress.resolve(peer: peer.flatMap(IPAddress.init), forwardedFor: forwardedFor, trusted: trusted)?.description
    }

    @Test("an untrusted peer is the client: its X-Forwarded-For is ignored")
    func untrustedPeer() {
        #expect(resolve("81.2.69.160", ["89.160.20.112"]) == "81.2.69.160")
        #expect(resolve("127.0.0.1", ["89.160.20.112"], trusted: TrustedProxies()) == "127.0.0.1")
        #expect(resolve("81.2.69.160", []) == "81.2.69.160")
        #expect(resolve(nil, ["89.160.20.112"]) == nil)
    }

    @Test("a trusted peer: the right-most address that is not a trusted proxy")
    func rightMostUntrusted() {
        #expect(resolve("127.0.0.1", ["89.160.20.112"]) == "89.160.20.112")
        // A client-forged entry on the left is not believed.
        #expect(resolve("127.0.0.1", ["1.1.1.1, 89.160.20.112, 10.0.0.5"]) == "89.160.20.112")
        // Several header lines are one list.
        #expect(resolve("10.0.0.2", ["1.1.1.1, 89.160.20.112", "10.0.0.5"]) == "89.160.20.112")
        #expect(resolve("127.0.0.1", [" 2001:67c:2e8::1 ,fd00::1"]) == "2001:67c:2e8::1")
        #expect(resolve("::ffff:127.0.0.1", ["89.160.20.112"]) == "89.160.20.112")
        // Ports and brackets some proxies write.
        #expect(resolve("127.0.0.1", ["89.160.20.112:51234"]) == "89.160.20.112")
        #expect(resolve("127.0.0.1", ["[2001:67c:2e8::1]:443"]) == "2001:67c:2e8::1")
        #expect(resolve("127.0.0.1", ["[2001:67c:2e8::1]"]) == "2001:67c:2e8::1")
        // No header: the peer.
        #expect(resolve("127.0.0.1", []) == "127.0.0.1")
    }

    @Test("every hop trusted: the left-most")
    func allTrusted() {
        #expect(resolve("127.0.0.1", ["10.1.1.1, 10.2.2.2"]) == "10.1.1.1")
        #expect(resolve("127.0.0.1", ["127.0.0.1"]) == "127.0.0.1")
    }

    @Test("a malformed entry where the reading stops: the peer")
    func malformed() {
        #expect(resolve("127.0.0.1", ["unknown"]) == "127.0.0.1")
        #expect(resolve("127.0.0.1", ["89.160.20.112, _hidden"]) == "127.0.0.1")
        #expect(resolve("127.0.0.1", ["89.160.20.112,"]) == "127.0.0.1")
        #expect(resolve("127.0.0.1", [""]) == "127.0.0.1")
        #expect(resolve("127.0.0.1", ["89.160.20.112:http"]) == "127.0.0.1")
        #expect(resolve("127.0.0.1", ["[89.160.20.112]"]) == "127.0.0.1")
        #expect(resolve("127.0.0.1", ["999.1.1.1"]) == "127.0.0.1")
        // Garbage to the left of the client is never read.
        #expect(resolve("127.0.0.1", ["garbage, 89.160.20.112"]) == "89.160.20.112")
    }
}

/// Tiny MaxMind DB files written by PyPI's `mmdb-writer`, in a fresh temporary folder.
enum GeoIPFixture {
    /// Why the GeoIP tests cannot run here, or `nil` when they can.
    static let unavailableReason: String? = {
        guard let status = try? python(["-c", "import mmdb_writer, netaddr"]) else { return "python3 not found" }
        guard status == 0 else { return "python3 cannot import mmdb_writer (pip install mmdb-writer)" }
        return nil
    }()

    /// Prints the reason once when the tests are skipped.
    static let available: Bool = {
        if let reason = unavailableReason { print("GeoIP tests skipped: \(reason)") }
        return unavailableReason == nil
    }()

    /// City schema (GeoLite2-City / DB-IP city lite), IPv6 tree with IPv4 ranges, and a country-only
    /// IPv4 database.
    static let script = #"""
        import sys
        from mmdb_writer import MMDBWriter
        from netaddr import IPSet

        def country(iso, name):
            return {"iso_code": iso, "names": {"en": name, "de": name + " (de)"}}

        city = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City", languages=["en", "de"],
                          description="callscope test")
        city.insert_network(IPSet(["81.2.69.0/24"]), {
            "city": {"names": {"en": "London", "de": "London"}},
            "subdivisions": [{"iso_code": "ENG", "names": {"en": "England"}}],
            "country": country("GB", "United Kingdom")})
        city.insert_network(IPSet(["89.160.20.0/24"]), {
            "subdivisions": [{"iso_code": "E", "names": {"en": "Östergötland"}}],
            "country": country("SE", "Sweden")})
        city.insert_network(IPSet(["175.16.199.0/24"]), {"country": country("CN", "China")})
        city.insert_network(IPSet(["2001:67c:2e8::/48"]), {
            "city": {"names": {"en": "Amsterdam"}}, "country": country("NL", "Netherlands")})
        city.insert_network(IPSet(["216.160.83.0/24"]), {"city": {"names": {"en": "Milton"}}})
        city.insert_network(IPSet(["10.0.0.0/8"]), {"city": {"names": {"en": "Nowhere"}}, "country": country("XX", "X")})
        city.to_db_file(sys.argv[1])

        only = MMDBWriter(ip_version=4, database_type="GeoLite2-Country", languages=["en"], description="callscope test")
        only.insert_network(IPSet(["81.2.69.0/24"]), {"country": country("GB", "United Kingdom")})
        only.to_db_file(sys.argv[2])
        """#

    /// Writes `city.mmdb` and `country.mmdb` into a new folder and returns it.
    static func write() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callscope-geoip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let status = try python(["-c", script, directory.appendingPathComponent("city.mmdb").path,
                                 directory.appendingPathComponent("country.mmdb").path])
        guard status == 0 else { throw FixtureError(message: "mmdb-writer exited with status \(status)") }
        return directory
    }

    struct FixtureError: Error { let message: String }

    private static func python(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

@Suite("GeoIP database (libmaxminddb)", .enabled(if: GeoIPFixture.available, "needs python3 with mmdb-writer"))
struct GeoIPDatabaseTests {
    @Test("City schema: \"City, CC\"; subdivision without a city; country alone by its English name")
    func city() throws {
        let directory = try GeoIPFixture.write()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try GeoIPDatabase(path: directory.appendingPathComponent("city.mmdb").path)
        #expect(db.databaseType == "GeoLite2-City")
        #expect(db.location(of: "81.2.69.160") == "London, GB")
        #expect(db.location(of: "::ffff:81.2.69.160") == "London, GB")
        #expect(db.location(of: "89.160.20.112") == "Östergötland, SE")
        #expect(db.location(of: "175.16.199.1") == "China")
        #expect(db.location(of: "2001:67c:2e8:22::c100:68b") == "Amsterdam, NL")
        #expect(db.location(of: "216.160.83.56") == "Milton")
        // Not in the database.
        #expect(db.location(of: "8.8.8.8") == nil)
        #expect(db.location(of: "2a00:1450::1") == nil)
        // Private and loopback addresses get nothing, even when a database has a record for them.
        #expect(db.location(of: "10.1.2.3") == nil)
        #expect(db.location(of: "127.0.0.1") == nil)
        #expect(db.location(of: "::1") == nil)
        #expect(db.location(of: "192.168.1.1") == nil)
        #expect(db.location(of: "fd00::1") == nil)
        #expect(db.location(of: "not an address") == nil)
    }

    @Test("a country-only database gives just the country; IPv6 in an IPv4 database is not found")
    func countryOnly() throws {
        let directory = try GeoIPFixture.write()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try GeoIPDatabase(path: directory.appendingPathComponent("country.mmdb").path)
        #expect(db.location(of: "81.2.69.160") == "United Kingdom")
        #expect(db.location(of: "2001:67c:2e8::1") == nil)
        #expect(db.location(of: "89.160.20.112") == nil)
    }

    @Test("lookups from many tasks at once share one database")
    func concurrent() async throws {
        let directory = try GeoIPFixture.write()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = try GeoIPDatabase(path: directory.appendingPathComponent("city.mmdb").path)
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask {
                    (0..<200).allSatisfy { _ in
                        i.isMultiple(of: 2) ? db.location(of: "81.2.69.\(i)") == "London, GB"
                            : db.location(of: "2001:67c:2e8::\(i)") == "Amsterdam, NL"
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 })
    }

    @Test("a missing file or a file that is not an mmdb: an error naming the file")
    func openErrors() throws {
        let directory = try GeoIPFixture.write()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.mmdb").path
        let notFound = #expect(throws: GeoIPDatabase.OpenError.self) { try GeoIPDatabase(path: missing) }
        #expect(notFound?.description.contains(missing) == true)
        #expect(notFound?.description.contains("No such file") == true)
        let text = directory.appendingPathComponent("text.mmdb").path
        try Data("just some text, not a database\n".utf8).write(to: URL(fileURLWithPath: text))
        let notMMDB = #expect(throws: GeoIPDatabase.OpenError.self) { try GeoIPDatabase(path: text) }
        #expect(notMMDB?.description.contains(text) == true)
        #expect(notMMDB?.description.contains("not a MaxMind DB") == true)
        var configuration = ServerConfiguration()
        configuration.geoIPDatabasePath = text
        #expect(throws: GeoIPDatabase.OpenError.self) { try ClientLocator(configuration: configuration) }
        configuration.geoIPDatabasePath = nil
        configuration.trustedProxies = ["10.0.0.0/99"]
        #expect(throws: IPNetwork.ParseError.self) { try ClientLocator(configuration: configuration) }
    }

    @Test("ingest fills the GeoIP location into joins without one, over HTTP and WebSocket; the app's own wins")
    func ingest() async throws {
        let directory = try GeoIPFixture.write()
        defer { try? FileManager.default.removeItem(at: directory) }
        var server = try TestServer()
        defer { server.remove() }
        server.configuration.geoIPDatabasePath = directory.appendingPathComponent("city.mmdb").path
        server.configuration.trustedProxies = ["127.0.0.1/32", "::1/128"]
        try await server.app().test(.live) { client in
            func post(_ body: String, forwardedFor: String?) async throws -> String? {
                var headers: HTTPFields = [.authorization: "Bearer \(TestServer.ingestKey)"]
                if let forwardedFor { headers[.xForwardedFor] = forwardedFor }
                return try await client.execute(uri: "/ingest/v1", method: .post, headers: headers,
                                                body: ByteBuffer(string: body)) { response in
                    try JSONValue.parse(Array(response.body.readableBytesView))["acks"]?.array?.first?["sessionId"]?.string
                }
            }
            func location(_ sessionId: String, _ pid: String) async throws -> String? {
                try await client.api("/api/v1/sessions/\(sessionId)/participants/\(pid)").1["location"]?.string
            }
            let sessionId = try #require(try await post(Messages.batch(
                Messages.join("alice", seq: 1), Messages.join("bob", seq: 1),
                #"{"type":"join","meetingId":"abcd-efgh-ijkl","participantId":"carol","seq":1,"ts":1764070000000,"location":"Berlin, DE"}"#),
                forwardedFor: "89.160.20.112, 81.2.69.160"))
            #expect(try await location(sessionId, "alice") == "London, GB")
            #expect(try await location(sessionId, "bob") == "London, GB")
            #expect(try await location(sessionId, "carol") == "Berlin, DE")
            _ = try await post(Messages.join("dave", seq: 1), forwardedFor: "8.8.8.8")
            #expect(try await location(sessionId, "dave") == "unknown")
            _ = try await post(Messages.join("erin", seq: 1), forwardedFor: nil)
            #expect(try await location(sessionId, "erin") == "unknown")

            let port = try #require(client.port)
            let configuration = WebSocketClientConfiguration(additionalHeaders: [.xForwardedFor: "2001:67c:2e8::7"])
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/ingest/v1/ws?key=\(TestServer.ingestKey)",
                                              configuration: configuration, logger: Logger(label: "test")) { inbound, outbound, _ in
                var iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                for frame in [Messages.join("frank", seq: 1), Messages.join("grace", seq: 1)] {
                    try await outbound.write(.text(frame))
                    _ = try await iterator.next()
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            #expect(try await location(sessionId, "frank") == "Amsterdam, NL")
            #expect(try await location(sessionId, "grace") == "Amsterdam, NL")
        }
    }

    @Test("without --trusted-proxy, X-Forwarded-For is ignored and loopback has no location")
    func untrusted() async throws {
        let directory = try GeoIPFixture.write()
        defer { try? FileManager.default.removeItem(at: directory) }
        var server = try TestServer()
        defer { server.remove() }
        server.configuration.geoIPDatabasePath = directory.appendingPathComponent("city.mmdb").path
        try await server.app().test(.live) { client in
            let sessionId = try await client.execute(
                uri: "/ingest/v1", method: .post,
                headers: [.authorization: "Bearer \(TestServer.ingestKey)", .xForwardedFor: "81.2.69.160"],
                body: ByteBuffer(string: Messages.join("alice", seq: 1))) { response in
                try JSONValue.parse(Array(response.body.readableBytesView))["acks"]?.array?.first?["sessionId"]?.string
            }
            let (_, alice) = try await client.api("/api/v1/sessions/\(try #require(sessionId))/participants/alice")
            #expect(alice["location"]?.string == "unknown")
        }
    }
}

@Suite("Location of joins")
struct JoinLocationTests {
    @Test("the server's location goes into joins without one, and only into joins")
    func fill() throws {
        var messages = [
            try IngestMessage.decode(JSONValue.parse(Messages.join("alice", seq: 1))),
            try IngestMessage.decode(JSONValue.parse(
                #"{"type":"join","meetingId":"m","participantId":"bob","seq":1,"ts":1,"location":"Berlin, DE"}"#)),
            try IngestMessage.decode(JSONValue.parse(Messages.leave("alice", seq: 2, ts: 2))),
        ]
        IngestRequestHandler.fillLocation("London, GB", into: &messages)
        guard case .join(let alice) = messages[0].payload, case .join(let bob) = messages[1].payload else {
            Issue.record("joins expected")
            return
        }
        #expect(alice.client.location == "London, GB")
        #expect(bob.client.location == "Berlin, DE")
        #expect(messages[2].payload == .leave(reason: "left"))
    }
}
