/// An address range in CIDR notation: `10.0.0.0/8`, `2a02:8010::/32`; a bare address is the range
/// of that one address (`/32`, `/128`). Host bits below the prefix are ignored (`10.1.2.3/8` is
/// `10.0.0.0/8`).
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    /// The first address of the range.
    public let address: IPAddress
    public let prefixLength: Int

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let entry: String
        public let reason: String
        public var description: String { "invalid address range \"\(entry)\": \(reason)" }
    }

    public init(parsing entry: String) throws(ParseError) {
        let text = entry.strippingSpacesAndTabs
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else {
            throw ParseError(entry: entry, reason: "\"\(parts[0])\" is not an IPv4 or IPv6 address")
        }
        let maxLength = if case .v4 = address { 32 } else { 128 }
        var length = maxLength
        if parts.count == 2 {
            // A v4-mapped IPv6 range (`::ffff:10.0.0.0/104`) is read as the IPv4 range it maps.
            let mapped = parts[0].contains(":") && maxLength == 32
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(parts[1]),
                  n <= (mapped ? 128 : maxLength), !mapped || n >= 96 else {
                throw ParseError(entry: entry, reason: "the prefix length must be 0…\(maxLength)")
            }
            length = mapped ? n - 96 : n
        }
        self.prefixLength = length
        self.address = Self.masked(address, length)
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        switch (address, candidate) {
        case (.v4, .v4), (.v6, .v6):
            return Self.masked(candidate, prefixLength) == address
        default:
            return false
        }
    }

    public var description: String { "\(address)/\(prefixLength)" }

    private static func masked(_ address: IPAddress, _ length: Int) -> IPAddress {
        func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? ~0 : ~(~UInt64(0) >> UInt64(bits)) }
        switch address {
        case .v4(let value):
            return .v4(length == 0 ? 0 : value & ~(~UInt32(0) >> UInt32(length)))
        case .v6(let high, let low):
            return .v6(high: high & mask(length), low: low & mask(length - 64))
        }
    }
}

/// The `--trusted-proxy` ranges: reverse proxies and load balancers whose `X-Forwarded-For`
/// header is believed. Empty by default: the connection's own peer address is the client.
public struct TrustedProxies: Sendable, Hashable {
    public let networks: [IPNetwork]

    public init(networks: [IPNetwork] = []) {
        self.networks = networks
    }

    /// Parses CIDR entries; the error names the first bad one.
    public init(_ entries: [String]) throws(IPNetwork.ParseError) {
        var networks: [IPNetwork] = []
        for entry in entries {
            networks.append(try IPNetwork(parsing: entry))
        }
        self.networks = networks
    }

    public var isEmpty: Bool { networks.isEmpty }

    public func contains(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (header and flag values).
    var strippingSpacesAndTabs: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
