extension JSONValue {
    /// Compact, deterministic JSON text: object keys sorted, integral numbers below 2^53 without a
    /// decimal point, other numbers in shortest round-trip form, NaN and infinities as `null`.
    ///
    /// ```swift
    /// JSONValue.object(["b": .number(2), "a": .number(0.5)]).serialized()   // {"a":0.5,"b":2}
    /// ```
    public func serialized() -> String {
        String(decoding: serializedBytes(), as: UTF8.self)
    }

    /// The UTF-8 bytes of `serialized()`, for writing to a socket or file without a `String`.
    ///
    /// ```swift
    /// JSONValue.array([.bool(true), .null]).serializedBytes()   // Array("[true,null]".utf8)
    /// ```
    public func serializedBytes() -> [UInt8] {
        var writer = JSONWriter()
        writer.write(self)
        return writer.output
    }
}
