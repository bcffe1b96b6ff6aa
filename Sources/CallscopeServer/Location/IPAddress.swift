#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, parsed with `inet_pton`. IPv4-mapped IPv6 addresses
/// (`::ffff:81.2.69.1`, what a dual-stack listener reports for an IPv4 client) are read as the
/// IPv4 address, so that IPv4 ranges and lookups apply to them.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    /// Network byte order: `high` holds the first 8 bytes.
    case v6(high: UInt64, low: UInt64)

    /// Parses a plain address: `81.2.69.1`, `2a02:8010::1`, `::ffff:81.2.69.1`. No port, brackets,
    /// prefix length or zone (`%eth0`).
    public init?(_ text: some StringProtocol) {
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        let string = String(text)
        if !string.contains(":") {
            var raw = in_addr()
            guard inet_pton(AF_INET, string, &raw) == 1 else { return nil }
            self = .v4(UInt32(bigEndian: raw.s_addr))
            return
        }
        var raw = in6_addr()
        guard inet_pton(AF_INET6, string, &raw) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &raw) { Array($0) }
        self.init(v6Bytes: bytes)
    }

    /// 16 bytes in network order; an IPv4-mapped address becomes `.v4`.
    init(v6Bytes bytes: [UInt8]) {
        precondition(bytes.count == 16)
        let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        if high == 0, low >> 32 == 0xffff {
            self = .v4(UInt32(truncatingIfNeeded: low))
        } else {
            self = .v6(high: high, low: low)
        }
    }

    /// The usual text form (`inet_ntop`): what a MaxMind lookup takes.
    public var description: String {
        switch self {
        case .v4(let value):
            var raw = in_addr(s_addr: value.bigEndian)
            return Self.text(family: AF_INET, &raw, capacity: Int(INET_ADDRSTRLEN))
        case .v6(let high, let low):
            var raw = in6_addr()
            withUnsafeMutableBytes(of: &raw) { buffer in
                for i in 0..<8 {
                    buffer[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
                    buffer[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
                }
            }
            return Self.text(family: AF_INET6, &raw, capacity: Int(INET6_ADDRSTRLEN))
        }
    }

    private static func text<T>(family: Int32, _ raw: inout T, capacity: Int) -> String {
        var buffer = [CChar](repeating: 0, count: capacity)
        guard inet_ntop(family, &raw, &buffer, socklen_t(capacity)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Loopback, private, link-local, shared (CGNAT), documentation, benchmarking, multicast and
    /// other special-purpose ranges (IANA special-purpose registries): addresses no GeoIP database
    /// can place, so they get no location.
    public var isSpecialPurpose: Bool {
        Self.specialPurpose.contains { $0.contains(self) }
    }

    private static let specialPurpose: [IPNetwork] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
        "224.0.0.0/3",
        "::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10",
        "ff00::/8",
    ].map { try! IPNetwork(parsing: $0) }
}
