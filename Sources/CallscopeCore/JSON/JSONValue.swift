/// A parsed JSON document: what ingest messages and `getStats()` reports are made of.
///
/// Numbers are kept as `Double` because getStats counters are JavaScript numbers (IEEE doubles);
/// every integer below 2^53 survives unchanged.
///
/// ```swift
/// let value = try JSONValue.parse(#"{"type":"join","seq":1}"#)
/// value["seq"]?.int64   // 1
/// ```
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// The member `key` of an object; `nil` for any other value or a missing key.
    @inlinable
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    @inlinable public var double: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The value as an integer when it is a number with no fractional part that fits an `Int64`.
    @inlinable public var int64: Int64? {
        guard case .number(let n) = self, n.rounded(.towardZero) == n,
              n >= -9_223_372_036_854_775_808, n < 9_223_372_036_854_775_808 else { return nil }
        return Int64(n)
    }

    @inlinable public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    @inlinable public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    @inlinable public var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    @inlinable public var object: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    @inlinable public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
