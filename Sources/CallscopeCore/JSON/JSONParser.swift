/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// Why hand-written: ingest parses every stats message (tens of MB/s per core), and Foundation's
/// `JSONSerialization` boxes every value in `NSObject`s. This parser:
/// - is iterative (an explicit stack of open containers), so hostile nesting cannot overflow the
///   thread stack; depth is limited to `maxDepth` and exceeding it is an error;
/// - keeps the members of all open containers on two shared stacks (`values`, `keys`) and builds
///   each array or dictionary once, with its final size, when the container closes, moving the
///   members in (no reference counting);
/// - makes strings without escapes straight from the input slice (scanning eight bytes at a
///   time), and long keys that are stats member names from a shared table (`knownKeys`);
/// - reads digits eight at a time, and makes numbers of up to 19 significant digits with a small
///   exponent without any allocation: Clinger's exact fast path up to 2^53, an exactly checked
///   quotient above (`DecimalQuotient`); everything else goes through the correctly-rounded
///   `Double(String)`.
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
    private let values = MoveStack<JSONValue>()
    /// Keys of every open object, innermost last.
    private let keys = MoveStack<String>()
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

    /// Object keys that stats messages repeat thousands of times per second: the stat member
    /// names. Only keys over 15 bytes are looked up (shorter ones are inline small strings, which
    /// cost no allocation anyway).
    static let knownKeys = StatField.table

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
                values.push(value)
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
        return .array(values.moveTop(from: frame.valueStart) { members, count in
            Array(unsafeUninitializedCapacity: count) { array, initialized in
                array.baseAddress?.moveInitialize(from: members, count: count)
                initialized = count
            }
        })
    }

    private mutating func closeObject() -> JSONValue {
        let frame = frames.removeLast()
        return .object(keys.moveTop(from: frame.keyStart) { keys, count in
            values.moveTop(from: frame.valueStart) { values, _ in
                var object = [String: JSONValue](minimumCapacity: count)
                for offset in 0..<count {
                    // Later duplicates overwrite earlier ones: the last key wins.
                    object[(keys + offset).move()] = (values + offset).move()
                }
                return object
            }
        })
    }

    /// Parses `"key"` and the `:` after it, leaving `index` on the value.
    private mutating func parseKey() throws(JSONParseError) {
        guard index < bytes.count else { throw fail("unexpected end of input, expected a string key") }
        guard bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
        keys.push(try parseString(isKey: true))
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of input, expected ':'") }
        guard bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        index += 1
    }

    // MARK: - Scalars

    @inline(__always)
    private mutating func skipWhitespace() {
        // Compact JSON (what collectors send) has none: one compare settles the common case.
        guard index < bytes.count, bytes[index] <= UInt8(ascii: " ") else { return }
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

    /// Parses a string starting at its opening quote. A key over 15 bytes (too long for an inline
    /// small string) that is in `knownKeys` is returned as the table's instance: no allocation.
    private mutating func parseString(isKey: Bool = false) throws(JSONParseError) -> String {
        let start = index + 1
        var i = start
        var highBits: UInt8 = 0
        // Eight bytes at a time while none of them needs a look (most keys and ids are plain
        // ASCII); the byte loop below finds which one does.
        let raw = UnsafeRawBufferPointer(bytes)
        while i + 8 <= bytes.count, !Self.needsLook(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
            i += 8
        }
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                index = i + 1
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<i])
                if isKey, slice.count > 15, let known = Self.knownKeys.index(of: UnsafeRawBufferPointer(slice)) {
                    return Self.knownKeys.names[known]
                }
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

    /// Whether any of eight string bytes is a quote, a backslash, a control character or not
    /// ASCII (SWAR: a byte is flagged through its high bit, without branching per byte).
    @inline(__always)
    private static func needsLook(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        let quote = hasZeroByte(word ^ (ones &* 0x22))
        let backslash = hasZeroByte(word ^ (ones &* 0x5C))
        let control = (word &- ones &* 0x20) & ~word & highs
        return (quote | backslash | control | (word & highs)) != 0
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
            _ = takeDigitRuns(at: &i, into: &mantissa, significantDigits: &significantDigits)
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
            while mantissa == 0, i < bytes.count, bytes[i] == UInt8(ascii: "0") {
                fractionDigits += 1  // a leading zero of the fraction only scales
                i += 1
            }
            if mantissa != 0 || (i < bytes.count && isDigit(bytes[i])) {
                fractionDigits += takeDigitRuns(at: &i, into: &mantissa, significantDigits: &significantDigits)
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
        if !truncated, decimalExponent < 0, let value = DecimalQuotient.value(mantissa, dividedByPowerOfTen: -decimalExponent) {
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let value = Double(text) else { throw fail("invalid number", at: start) }
        return value
    }

    /// 10^count for count in 0...8 (a switch: no array bounds check or lazy global on this path).
    @inline(__always)
    private static func powerOfTen(_ count: Int) -> UInt64 {
        switch count {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        default: 100_000_000
        }
    }

    /// Adds runs of up to eight digits at a time to `mantissa` (SWAR: one load, no per-digit
    /// branch) while it stays within 19 digits, and returns how many digits it took; the
    /// per-digit loops handle what is left (the last bytes of the input, very long numbers).
    @inline(__always)
    private func takeDigitRuns(at i: inout Int, into mantissa: inout UInt64, significantDigits: inout Int) -> Int {
        let raw = UnsafeRawBufferPointer(bytes)
        var taken = 0
        while i + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let count = Self.leadingDigitCount(word)
            guard count > 0, significantDigits + count <= 19 else { break }
            mantissa = mantissa &* Self.powerOfTen(count) &+ Self.value(ofLeadingDigits: count, in: word)
            significantDigits += count
            taken += count
            i += count
            if count < 8 { break }
        }
        return taken
    }

    /// How many of the eight bytes (first byte lowest) are ASCII digits before the first that is
    /// not. A byte is a digit when its high nibble is 3 and adding 6 keeps it so; carries from a
    /// non-digit only reach bytes after it, which do not count.
    @inline(__always)
    private static func leadingDigitCount(_ word: UInt64) -> Int {
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0, threes: UInt64 = 0x3030_3030_3030_3030
        let notThree = (word & highNibbles) ^ threes
        let aboveNine = ((word &+ 0x0606_0606_0606_0606) & highNibbles) ^ threes
        return (notThree | aboveNine).trailingZeroBitCount / 8
    }

    /// The value of the first `count` (1...8) digits of `word`: shifted so that they are the
    /// last of eight (the bytes shifted in read as leading zeros), then combined pairwise.
    @inline(__always)
    private static func value(ofLeadingDigits count: Int, in word: UInt64) -> UInt64 {
        var digits = (word & 0x0F0F_0F0F_0F0F_0F0F) << UInt64(8 * (8 - count))
        digits = (digits &* 2561) >> 8
        digits = ((digits & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        return ((digits & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
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
