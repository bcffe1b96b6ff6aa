/// Why a JSON text could not be parsed, and where: the byte `offset` for tools, and a 1-based
/// `line` and `column` (counted in Unicode scalars) for people reading an ingest error.
///
/// ```swift
/// do { _ = try JSONValue.parse("{\"a\": 1,}") }
/// catch { print(error) }   // invalid JSON at line 1, column 9: expected a string key
/// ```
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, e.g. `expected ',' or '}'`.
    public var message: String
    /// Byte offset of the offending byte (the input length for an unexpected end).
    public var offset: Int
    /// 1-based line of `offset`; lines end at `\n`.
    public var line: Int
    /// 1-based column of `offset` within its line, counting Unicode scalars, not bytes.
    public var column: Int

    public init(message: String, offset: Int, line: Int, column: Int) {
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String {
        "invalid JSON at line \(line), column \(column): \(message)"
    }
}

extension JSONParseError {
    /// Builds an error for `offset` in `bytes`, computing line and column only now: errors are rare,
    /// so the parser does not track positions on its hot path.
    init(_ message: String, at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        let end = min(max(offset, 0), bytes.count)
        var line = 1
        var column = 1
        var i = 0
        while i < end {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                // A UTF-8 continuation byte does not start a new scalar.
                column += 1
            }
            i += 1
        }
        self.init(message: message, offset: end, line: line, column: column)
    }
}
