/// Reads typed members of a JSON object and names the member in every error, so that a client
/// learns exactly which field of which message was wrong.
struct FieldReader {
    let value: JSONValue
    let prefix: String

    init(_ value: JSONValue, path: String) {
        self.value = value
        self.prefix = path
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    /// Strings are bounded: one message must not be able to bloat every page that shows it.
    static let maxStringLength = 4096

    func optionalString(_ key: String) throws(IngestValidationError) -> String? {
        guard let member = value[key], !member.isNull else { return nil }
        guard let s = member.string else {
            throw IngestValidationError(.invalidField, "\(key) must be a string", field: path(key))
        }
        guard s.utf8.count <= Self.maxStringLength else {
            throw IngestValidationError(.invalidField, "\(key) is longer than \(Self.maxStringLength) bytes", field: path(key))
        }
        return s
    }

    func requiredString(_ key: String) throws(IngestValidationError) -> String {
        guard let s = try optionalString(key) else {
            throw IngestValidationError(.missingField, "\(key) is required", field: path(key))
        }
        guard !s.isEmpty else {
            throw IngestValidationError(.invalidField, "\(key) must not be empty", field: path(key))
        }
        return s
    }

    /// An app-given ID (``IngestID``'s rules), or `nil` when the member is missing.
    func optionalID(_ key: String, maxBytes: Int) throws(IngestValidationError) -> String? {
        guard let id = try optionalString(key) else { return nil }
        try IngestID.validate(id, name: key, field: path(key), maxBytes: maxBytes)
        return id
    }

    func requiredID(_ key: String, maxBytes: Int) throws(IngestValidationError) -> String {
        guard let id = try optionalID(key, maxBytes: maxBytes) else {
            throw IngestValidationError(.missingField, "\(key) is required", field: path(key))
        }
        return id
    }

    func optionalNumber(_ key: String) throws(IngestValidationError) -> Double? {
        guard let member = value[key], !member.isNull else { return nil }
        guard let n = member.double, n.isFinite else {
            throw IngestValidationError(.invalidField, "\(key) must be a number", field: path(key))
        }
        return n
    }

    func optionalInt(_ key: String, min: Int64) throws(IngestValidationError) -> Int64? {
        guard let member = value[key], !member.isNull else { return nil }
        // Timestamps from performance.now()-based clocks may be fractional; seq must not be.
        guard let n = member.double, n.isFinite, n.rounded(.towardZero) == n || key != "seq" else {
            throw IngestValidationError(.invalidField, "\(key) must be an integer", field: path(key))
        }
        guard n >= Double(min), n < 9_007_199_254_740_992 else {
            throw IngestValidationError(.invalidField, "\(key) must be between \(min) and 2^53", field: path(key))
        }
        return Int64(n.rounded())
    }

    func requiredInt(_ key: String, min: Int64) throws(IngestValidationError) -> Int64 {
        guard let n = try optionalInt(key, min: min) else {
            throw IngestValidationError(.missingField, "\(key) is required", field: path(key))
        }
        return n
    }

    func optionalObject(_ key: String) throws(IngestValidationError) -> JSONValue? {
        guard let member = value[key], !member.isNull else { return nil }
        guard member.object != nil else {
            throw IngestValidationError(.invalidField, "\(key) must be an object", field: path(key))
        }
        return member
    }

    /// An object stored as it is (an event's or error's `data`), at most `maxBytes` serialized.
    func optionalData(_ key: String, maxBytes: Int) throws(IngestValidationError) -> JSONValue? {
        guard let object = try optionalObject(key) else { return nil }
        guard object.serialized().utf8.count <= maxBytes else {
            throw IngestValidationError(.invalidField, "\(key) is larger than \(maxBytes) bytes as JSON", field: path(key))
        }
        return object
    }

    func optionalBool(_ key: String) throws(IngestValidationError) -> Bool? {
        guard let member = value[key], !member.isNull else { return nil }
        guard let b = member.bool else {
            throw IngestValidationError(.invalidField, "\(key) must be true or false", field: path(key))
        }
        return b
    }

    func optionalArray(_ key: String) throws(IngestValidationError) -> [JSONValue]? {
        guard let member = value[key], !member.isNull else { return nil }
        guard let items = member.array else {
            throw IngestValidationError(.invalidField, "\(key) must be an array", field: path(key))
        }
        return items
    }

    func optionalEnum<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws(IngestValidationError) -> E?
    where E.RawValue == String {
        guard let s = try optionalString(key) else { return nil }
        guard let e = E(rawValue: s) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw IngestValidationError(.invalidField, "\(key) must be one of \(allowed)", field: path(key))
        }
        return e
    }

    func requiredEnum<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) throws(IngestValidationError) -> E
    where E.RawValue == String {
        guard let e = try optionalEnum(key, type) else {
            throw IngestValidationError(.missingField, "\(key) is required", field: path(key))
        }
        return e
    }
}
