extension JSONValue {
    /// Parses one JSON text (RFC 8259, strict) from UTF-8 bytes.
    ///
    /// Takes any byte collection so that ingest can parse a request body or WebSocket frame
    /// without first copying it into a `String`.
    ///
    /// ```swift
    /// let value = try JSONValue.parse(Array(#"{"rttMs": 42}"#.utf8))
    /// value["rttMs"]?.double   // 42.0
    /// ```
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            parse(buffer: buffer)
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { parse(buffer: $0) }.get()
    }

    /// Parses one JSON text (RFC 8259, strict).
    ///
    /// ```swift
    /// try JSONValue.parse("[1, 2.5, null]")   // .array([.number(1), .number(2.5), .null])
    /// ```
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { parse(buffer: $0) }.get()
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONParseError> {
        var parser = JSONParser(bytes: buffer)
        do throws(JSONParseError) {
            return .success(try parser.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}
