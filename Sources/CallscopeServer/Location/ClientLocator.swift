import HTTPTypes
import NIOCore

/// Request → approximate location of the client that sent it: the client address
/// (`ClientAddress`) looked up in the GeoIP database. Without a database every answer is `nil`,
/// and the API reads the location as `"unknown"`: nothing is guessed.
public struct ClientLocator: Sendable {
    public let database: GeoIPDatabase?
    public let trustedProxies: TrustedProxies

    /// A locator that knows nothing: no database.
    public init(database: GeoIPDatabase? = nil, trustedProxies: TrustedProxies = TrustedProxies()) {
        self.database = database
        self.trustedProxies = trustedProxies
    }

    /// Opens `configuration.geoIPDatabasePath` (when set) and parses `configuration.trustedProxies`.
    public init(configuration: ServerConfiguration) throws {
        self.init(database: try configuration.geoIPDatabasePath.map { path throws(GeoIPDatabase.OpenError) in
                      try GeoIPDatabase(path: path)
                  },
                  trustedProxies: try TrustedProxies(configuration.trustedProxies))
    }

    public var isEnabled: Bool { database != nil }

    /// The location of whoever sent a request arriving from `peer` with these headers.
    public func location(peer: SocketAddress?, headers: HTTPFields) -> String? {
        guard let database else { return nil }
        let peerAddress = peer?.ipAddress.flatMap(IPAddress.init)
        let forwardedFor = trustedProxies.isEmpty ? [] : headers[values: .xForwardedFor]
        guard let client = ClientAddress.resolve(peer: peerAddress, forwardedFor: forwardedFor, trusted: trustedProxies)
        else { return nil }
        return database.location(of: client)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
