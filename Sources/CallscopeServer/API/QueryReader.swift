import CallscopeCore
import Hummingbird
import HummingbirdCore

/// Typed query parameters whose errors name the parameter.
struct QueryReader {
    let parameters: FlatDictionary<Substring, Substring>

    init(_ request: Request) { parameters = request.uri.queryParameters }

    func string(_ name: String) -> String? {
        parameters[Substring(name)].flatMap { $0.isEmpty ? nil : String($0) }
    }

    func int(_ name: String) throws -> Int64? {
        guard let s = string(name) else { return nil }
        guard let n = Int64(s) else { throw APIError.badRequest("\(name) must be an integer", field: name) }
        return n
    }

    /// A time in ms since the epoch, from 1970 to year 9999 (``EpochTime``): 400 naming the
    /// parameter otherwise, so that no window arithmetic on it can overflow.
    func time(_ name: String) throws -> Int64? {
        guard let ms = try int(name) else { return nil }
        guard EpochTime.range.contains(ms) else {
            throw APIError.badRequest("\(name) must be ms since the epoch from 0 to \(EpochTime.maxMs) (years 1970–9999)",
                                      field: name)
        }
        return ms
    }

    /// `from` and `to` as times (both optional).
    func timeRange() throws -> (fromMs: Int64?, toMs: Int64?) {
        (try time("from"), try time("to"))
    }

    func bool(_ name: String) throws -> Bool? {
        guard let s = string(name) else { return nil }
        switch s.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError.badRequest("\(name) must be true or false", field: name)
        }
    }

    func enumValue<E: RawRepresentable & CaseIterable>(_ name: String, _: E.Type) throws -> E? where E.RawValue == String {
        guard let s = string(name) else { return nil }
        guard let e = E(rawValue: s) else {
            throw APIError.badRequest("\(name) must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))", field: name)
        }
        return e
    }
}
