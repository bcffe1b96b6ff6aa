/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// Why hand-written: ingest parses every stats message (tens of MB/s per core), and Foundation's
/// `JSONSerialization` boxes every value in `NSObject`s. This parser:
/// - is iterative (an explicit stack of open containers), so hostile nesting cannot overflow the
///   thread stack; depth is limited to `maxDepth` and exceeding it is an error;
/// - keeps the members of all open containers on two shared stacks (`values`, `keys`) and builds
///   each array or dictionary once, with its final size, when the container closes;
/// - makes strings without escapes straight from the input slice, and numbers with at most 15–16
///   significant digits and a small exponent without any allocation (Clinger's exact fast path);
///   everything else goes through the correctly-rounded `Double(String)`.
///
/// Strictness: no comments, no trailing commas, no leading zeros, no `NaN`, no unescaped control
/// characters, invalid UTF-8 is an error, and only whitespace may follow the value. Escaped lone
/// surrogates (`"\ud800"`) become U+FFFD, as JavaScript's `TextEncoder` would do. Duplicate keys:
/// the last one wins (as in `JSON.parse`).
struct JSONParser {
    static let maxDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Members of every open container, innermost last.
    private var values: [JSONValue] = []
    /// Keys of every open object, innermost last.
    private var keys: [String] = []
    private var frames: [Frame] = []
    /// Reused buffer for strings with escapes.
    private var scratch: [UInt8] = []

    private struct Frame {
        var isObject: Bool
        var valueStart: Int
        var keyStart: Int
    }

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: - Document

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        var current = try parseValueOrOpen()
        while true {
            if let value = current {
                guard let frame = frames.last else {
                    skipWhitespace()
                    if index != bytes.count {
                        throw fail("unexpected data after the JSON value")
                    }
                    return value
                }
                values.append(value)
                skipWhitespace()
                guard index < bytes.count else {
                    throw fail(frame.isObject ? "unexpected end of input, expected ',' or '}'"
                                              : "unexpected end of input, expected ',' or ']'")
                }
                let byte = bytes[index]
                if byte == UInt8(ascii: ",") {
                    index += 1
                    skipWhitespace()
                    if frame.isObject { try parseKey() }
                    current = try parseValueOrOpen()
                } else if frame.isObject && byte == UInt8(ascii: "}") {
                    index += 1
                    current = closeObject()
                } else if !frame.isObject && byte == UInt8(ascii: "]") {
                    index += 1
                    current = closeArray()
                } else {
                    throw fail(frame.isObject ? "expected ',' or '}'" : "expected ',' or ']'")
                }
            } else {
                // A container was just opened: it may close at once, or holds its first member.
                let isObject = frames[frames.count - 1].isObject
                skipWhitespace()
                guard index < bytes.count else { throw fail("unexpected end of input") }
                let byte = bytes[index]
                if isObject {
                    if byte == UInt8(ascii: "}") {
                        index += 1
                        current = closeObject()
                        continue
                    }
                    try parseKey()
                } else if byte == UInt8(ascii: "]") {
                    index += 1
                    current = closeArray()
                    continue
                }
                current = try parseValueOrOpen()
            }
        }
    }

    /// Parses a scalar value and returns it, or opens a container and returns `nil`.
    private mutating func parseValueOrOpen() throws(JSONParseError) -> JSONValue? {
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            try open(isObject: true)
            return nil
        case UInt8(ascii: "["):
            try open(isObject: false)
            return nil
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        default:
            throw fail("\(describeByte(bytes[index])), expected a value")
        }
    }

    private mutating func open(isObject: Bool) throws(JSONParseError) {
        guard frames.count < Self.maxDepth else {
            throw fail("nesting deeper than \(Self.maxDepth) levels")
        }
        frames.append(Frame(isObject: isObject, valueStart: values.count, keyStart: keys.count))
        index += 1
    }

    private mutating func closeArray() -> JSONValue {
        let frame = frames.removeLast()
        let array = Array(values[frame.valueStart...])
        values.removeSubrange(frame.valueStart...)
        return .array(array)
    }

    private mutating func closeObject() -> JSONValue {
        let frame = frames.removeLast()
        let count = values.count - frame.valueStart
        var object = [String: JSONValue](minimumCapacity: count)
        for offset in 0..<count {
            // Later duplicates overwrite earlier ones: the last key wins.
            object[keys[frame.keyStart + offset]] = values[frame.valueStart + offset]
        }
        values.removeSubrange(frame.valueStart...)
        keys.removeSubrange(frame.keyStart...)
        return .object(object)
    }

    /// Parses `"key"` and the `:` after it, leaving `index` on the value.
    private mutating func parseKey() throws(JSONParseError) {
        guard index < bytes.count else { throw fail("unexpected end of input, expected a string key") }
        guard bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
        keys.append(try parseString())
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of input, expected ':'") }
        guard bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        index += 1
    }

    // MARK: - Scalars

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                index += 1
            default:
                return
            }
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        for offset in 0..<count {
            let at = index + offset
            guard at < bytes.count else { throw fail("unexpected end of input in literal", at: at) }
            guard bytes[at] == start[offset] else {
                throw fail("invalid literal, expected '\(literal)'", at: index)
            }
        }
        index += count
    }

    /// Parses a string starting at its opening quote.
    private mutating func parseString() throws(JSONParseError) -> String {
        let start = index + 1
        var i = start
        var highBits: UInt8 = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                index = i + 1
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<i])
                if highBits & 0x80 == 0 {
                    // Pure ASCII is valid UTF-8: no validation pass needed.
                    return String(decoding: slice, as: UTF8.self)
                }
                guard let string = String(validating: slice, as: UTF8.self) else {
                    throw fail("invalid UTF-8 in string", at: start - 1)
                }
                return string
            }
            if byte == UInt8(ascii: "\\") {
                return try parseEscapedString(from: start, firstEscape: i)
            }
            if byte < 0x20 {
                throw fail("unescaped control character in string", at: i)
            }
            highBits |= byte
            i += 1
        }
        throw fail("unterminated string", at: bytes.count)
    }

    /// The slow path for strings with escapes: decodes into `scratch`, then validates once.
    private mutating func parseEscapedString(from start: Int, firstEscape: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<firstEscape]))
        var i = firstEscape
        var runStart = firstEscape
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                index = i + 1
                guard let string = String(validating: scratch, as: UTF8.self) else {
                    throw fail("invalid UTF-8 in string", at: start - 1)
                }
                return string
            }
            if byte < 0x20 {
                throw fail("unescaped control character in string", at: i)
            }
            guard byte == UInt8(ascii: "\\") else {
                i += 1
                continue
            }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
            guard i + 1 < bytes.count else { throw fail("unterminated string", at: bytes.count) }
            let escaped = bytes[i + 1]
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                scratch.append(escaped)
                i += 2
            case UInt8(ascii: "b"): scratch.append(0x08); i += 2
            case UInt8(ascii: "f"): scratch.append(0x0C); i += 2
            case UInt8(ascii: "n"): scratch.append(0x0A); i += 2
            case UInt8(ascii: "r"): scratch.append(0x0D); i += 2
            case UInt8(ascii: "t"): scratch.append(0x09); i += 2
            case UInt8(ascii: "u"):
                let unit = try hex4(at: i + 2)
                i += 6
                var scalar: Unicode.Scalar = "\u{FFFD}"
                if unit >= 0xD800 && unit <= 0xDBFF {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                       let low = try? hex4(at: i + 2), low >= 0xDC00 && low <= 0xDFFF {
                        let combined = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        scalar = Unicode.Scalar(combined) ?? scalar
                        i += 6
                    }
                } else if !(unit >= 0xDC00 && unit <= 0xDFFF) {
                    scalar = Unicode.Scalar(unit) ?? scalar
                }
                appendUTF8(scalar)
            default:
                throw fail("invalid escape sequence '\\\(Character(Unicode.Scalar(escaped)))'", at: i)
            }
            runStart = i
        }
        throw fail("unterminated string", at: bytes.count)
    }

    private func hex4(at start: Int) throws(JSONParseError) -> UInt16 {
        guard start + 4 <= bytes.count else { throw fail("unterminated \\u escape", at: bytes.count) }
        var value: UInt16 = 0
        for at in start..<(start + 4) {
            let byte = bytes[at]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid \\u escape, expected 4 hex digits", at: at)
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: Unicode.Scalar) {
        let value = scalar.value
        switch value {
        case 0..<0x80:
            scratch.append(UInt8(value))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (value >> 6)))
            scratch.append(UInt8(0x80 | (value & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (value >> 12)))
            scratch.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (value & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (value >> 18)))
            scratch.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (value & 0x3F)))
        }
    }

    /// Exact powers of ten: every one up to 1e22 is representable in a `Double`.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        var i = index
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else {
            throw fail(i < bytes.count ? "invalid number, expected a digit" : "unexpected end of input in number", at: i)
        }
        // All significant digits (integer and fraction) go into `mantissa` while it stays exact;
        // `truncated` sends longer numbers to the slow path.
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var fractionDigits = 0
        var truncated = false
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, isDigit(bytes[i]) { throw fail("invalid number, leading zeros are not allowed", at: i) }
        } else {
            while i < bytes.count, isDigit(bytes[i]) {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- UInt8(ascii: "0"))
                    significantDigits += 1
                } else {
                    truncated = true
                }
                i += 1
            }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else {
                throw fail("invalid number, expected a digit after '.'", at: i)
            }
            while i < bytes.count, isDigit(bytes[i]) {
                let digit = UInt64(bytes[i] &- UInt8(ascii: "0"))
                if mantissa == 0 && digit == 0 {
                    fractionDigits += 1  // a leading zero of the fraction only scales
                } else if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ digit
                    significantDigits += 1
                    fractionDigits += 1
                } else {
                    truncated = true
                }
                i += 1
            }
        }
        var exponent = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < bytes.count, isDigit(bytes[i]) else {
                throw fail("invalid number, expected a digit in the exponent", at: i)
            }
            while i < bytes.count, isDigit(bytes[i]) {
                // Clamped: anything past 10_000 is already 0 or infinity.
                if exponent < 10_000 { exponent = exponent * 10 + Int(bytes[i] - UInt8(ascii: "0")) }
                i += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        index = i
        let decimalExponent = exponent - fractionDigits
        if !truncated, mantissa <= 1 << 53, decimalExponent >= -22, decimalExponent <= 22 {
            // Clinger's fast path: an exact mantissa times or divided by an exact power of ten is
            // one correctly-rounded IEEE operation.
            var value = Double(mantissa)
            if decimalExponent < 0 {
                value /= Self.exactPowersOfTen[-decimalExponent]
            } else {
                value *= Self.exactPowersOfTen[decimalExponent]
            }
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let value = Double(text) else { throw fail("invalid number", at: start) }
        return value
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    // MARK: - Errors

    private func fail(_ message: String) -> JSONParseError {
        JSONParseError(message, at: index, in: bytes)
    }

    private func fail(_ message: String, at offset: Int) -> JSONParseError {
        JSONParseError(message, at: offset, in: bytes)
    }

    private func describeByte(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F {
            return "unexpected character '\(Character(Unicode.Scalar(byte)))'"
        }
        return "unexpected byte 0x\(String(byte, radix: 16, uppercase: true))"
    }
}
