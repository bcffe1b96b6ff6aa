import CMaxMindDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A MaxMind DB file (GeoLite2-City/-Country, DB-IP city/country lite) read with libmaxminddb:
/// IP address → approximate location, `"London, GB"`.
///
/// ```swift
/// let db = try GeoIPDatabase(path: "/var/lib/GeoIP/GeoLite2-City.mmdb")
/// db.location(of: "81.2.69.160")   // "London, GB"
/// ```
///
/// Sendable: the `MMDB_s` handle is written only by `MMDB_open` in `init` and freed only by
/// `MMDB_close` in `deinit`; in between every use (`MMDB_lookup_sockaddr`, `MMDB_aget_value`)
/// only reads it and the memory-mapped file, each lookup keeping its state in its own locals.
/// libmaxminddb documents itself as thread safe on that basis (libmaxminddb(3), "Thread safety"),
/// so one instance serves concurrent requests without a lock. The handle lives at a fixed heap
/// address because lookup results point back at it.
public final class GeoIPDatabase: @unchecked Sendable {
    public let path: String
    /// The file's `database_type` metadata, e.g. `GeoLite2-City`.
    public let databaseType: String
    private let handle: UnsafeMutablePointer<MMDB_s>

    public struct OpenError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot open GeoIP database \(path): \(reason)" }
    }

    public init(path: String) throws(OpenError) {
        let handle = UnsafeMutablePointer<MMDB_s>.allocate(capacity: 1)
        handle.initialize(to: MMDB_s())
        let status = MMDB_open(path, UInt32(MMDB_MODE_MMAP), handle)
        guard status == MMDB_SUCCESS else {
            let code = errno
            // A failed open frees whatever it allocated; only the struct itself is ours.
            handle.deallocate()
            var reason = String(cString: MMDB_strerror(status))
            switch status {
            case MMDB_FILE_OPEN_ERROR, MMDB_IO_ERROR:
                reason += " (\(String(cString: strerror(code))))"
            case MMDB_INVALID_METADATA_ERROR, MMDB_UNKNOWN_DATABASE_FORMAT_ERROR, MMDB_CORRUPT_SEARCH_TREE_ERROR:
                reason = "not a MaxMind DB (.mmdb) file: " + reason
            default:
                break
            }
            throw OpenError(path: path, reason: reason)
        }
        self.path = path
        self.handle = handle
        self.databaseType = handle.pointee.metadata.database_type.map { String(cString: $0) } ?? "unknown"
    }

    deinit {
        MMDB_close(handle)
        handle.deallocate()
    }

    /// The location of an address in text form; `nil` when it is not an address.
    public func location(of address: String) -> String? {
        IPAddress(address).flatMap(location(of:))
    }

    /// `"City, CC"` (English city name, else the first subdivision's; ISO country code, else the
    /// country's English name). A database or record without a city gives the country's English
    /// name alone (`"United Kingdom"`). `nil` for addresses the database does not hold and for
    /// loopback, private and other special-purpose addresses.
    public func location(of address: IPAddress) -> String? {
        guard !address.isSpecialPurpose, var entry = lookup(address) else { return nil }
        let place = string(&entry, "city", "names", "en") ?? string(&entry, "subdivisions", "0", "names", "en")
        let countryCode = string(&entry, "country", "iso_code")
        let countryName = string(&entry, "country", "names", "en")
        switch (place, countryCode ?? countryName) {
        case (let place?, let country?): return "\(place), \(country)"
        case (let place?, nil): return place
        case (nil, _): return countryName ?? countryCode
        }
    }

    private func lookup(_ address: IPAddress) -> MMDB_entry_s? {
        var error: Int32 = 0
        let result: MMDB_lookup_result_s
        switch address {
        case .v4(let value):
            var raw = sockaddr_in()
            raw.sin_family = sa_family_t(AF_INET)
            raw.sin_addr.s_addr = value.bigEndian
            result = withUnsafePointer(to: &raw) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { MMDB_lookup_sockaddr(handle, $0, &error) }
            }
        case .v6(let high, let low):
            var raw = sockaddr_in6()
            raw.sin6_family = sa_family_t(AF_INET6)
            withUnsafeMutableBytes(of: &raw.sin6_addr) { bytes in
                for i in 0..<8 {
                    bytes[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
                    bytes[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
                }
            }
            result = withUnsafePointer(to: &raw) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { MMDB_lookup_sockaddr(handle, $0, &error) }
            }
        }
        // An IPv6 address in an IPv4-only database is an error, and simply not found.
        guard error == MMDB_SUCCESS, result.found_entry else { return nil }
        return result.entry
    }

    /// A non-empty UTF-8 string at `path` in the record, or `nil`.
    private func string(_ entry: inout MMDB_entry_s, _ path: String...) -> String? {
        let components = path.map { strdup($0) }
        defer { components.forEach { free($0) } }
        var cPath = components.map { UnsafePointer<CChar>($0) }
        cPath.append(nil)
        var data = MMDB_entry_data_s()
        let status = MMDB_aget_value(&entry, &data, cPath)
        guard status == MMDB_SUCCESS, data.has_data, data.type == UInt32(MMDB_DATA_TYPE_UTF8_STRING),
              data.data_size > 0, let bytes = data.utf8_string else { return nil }
        // Not NUL-terminated: the string is `data_size` bytes inside the mapped file.
        return bytes.withMemoryRebound(to: UInt8.self, capacity: Int(data.data_size)) {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(data.data_size)), as: UTF8.self)
        }
    }
}
