import Testing
@testable import CallscopeCore

/// The parser's shortcuts (eight bytes at a time, exact long decimals without strtod, shared
/// strings for long known keys) must give exactly what the plain paths give.
@Suite("JSON fast paths")
struct JSONFastPathTests {
    /// `Double(String)` (strtod, correctly rounded) is the reference. Each number is parsed at the
    /// end of the input and with bytes after it, so that both the byte loop and the eight-byte
    /// runs read it.
    private func expectSameAsStrtod(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try #require(Double(text), sourceLocation: sourceLocation)
        for document in ["[\(text)]", "[\(text),123456789012]", text] {
            let parsed = try JSONValue.parse(document)
            let number = parsed.array?.first?.double ?? parsed.double
            #expect(number?.bitPattern == expected.bitPattern, "\(document)", sourceLocation: sourceLocation)
        }
    }

    @Test func longDecimalsRoundLikeStrtod() throws {
        // What browsers print for computed values: 16–19 significant digits.
        for text in ["0.009813176316130955", "12.335010673480834", "0.30000000000000004", "4.35", "0.1",
                     "9007199254740993.5", "1.7976931348623157", "0.000012345678901234567", "-0.013818767664531868",
                     "1234567890123456789e-22", "9999999999999999999e-5", "1.0000000000000002", "2.2250738585072014e-10"] {
            try expectSameAsStrtod(text)
        }
        var generator = JSONTestRandom(seed: 11)
        for _ in 0..<20_000 {
            let digits = String(String(generator.next()).prefix(Int(generator.next() % 19) + 1))
            let scale = Int(generator.next() % 26)
            var text: String
            if scale == 0 {
                text = digits
            } else if scale >= digits.count {
                text = "0." + String(repeating: "0", count: scale - digits.count) + digits
            } else {
                text = String(digits.dropLast(scale)) + "." + String(digits.suffix(scale))
            }
            if generator.next() % 2 == 0 { text = "-" + text }
            try expectSameAsStrtod(text)
            // The shortest form of an arbitrary double, as JavaScript would print it.
            try expectSameAsStrtod(String(Double(bitPattern: generator.next() % 0x0800_0000_0000_0000 + 0x3C00_0000_0000_0000)))
        }
    }

    @Test func exactHalfwayDecimalsRoundToEven() throws {
        var generator = JSONTestRandom(seed: 12)
        for _ in 0..<5_000 {
            // n + ½ with 2^52 ≤ n < 2^53 lies exactly halfway between two doubles.
            let n = generator.next() % (1 << 52) + (1 << 52)
            try expectSameAsStrtod("\(n).5")
            try expectSameAsStrtod("\(2 * n + 1).25")
        }
    }

    @Test func digitRunsAtEveryLengthAndOffset() throws {
        for length in 1...22 {
            let digits = String("1234567890987654321012"[..<String.Index(utf16Offset: length, in: "1234567890987654321012")])
            for text in [digits, "0." + digits, digits + ".5", "9." + digits, digits + "e-3", "-" + digits] {
                try expectSameAsStrtod(text)
            }
        }
        #expect(try JSONValue.parse("[0.000, 1.000, 100000000, 12345678.87654321]")
                == .array([.number(0), .number(1), .number(100_000_000), .number(12_345_678.876_543_21)]))
    }

    @Test func stringsWithSpecialBytesAtEveryOffset() throws {
        for offset in 0..<20 {
            let prefix = String(repeating: "a", count: offset)
            #expect(try JSONValue.parse("\"\(prefix)\\\"b\"") == .string(prefix + "\"b"))
            #expect(try JSONValue.parse("\"\(prefix)\\\\b\"") == .string(prefix + "\\b"))
            #expect(try JSONValue.parse("\"\(prefix)é\(prefix)\"") == .string(prefix + "é" + prefix))
            #expect(try JSONValue.parse("\"\(prefix)\"") == .string(prefix))
            do {
                _ = try JSONValue.parse("\"\(prefix)\u{1}bcdefghijk\"")
                Issue.record("a control character was accepted")
            } catch {
                #expect(error.offset == offset + 1)
            }
        }
        #expect(throws: JSONParseError.self) { try JSONValue.parse([UInt8](#""abcdefgh"#.utf8) + [0xFF, 0x22]) }
    }

    @Test func longKeysKnownOrNot() throws {
        let value = try JSONValue.parse(#"""
            {"jitterBufferEmittedCount": 1, "jitterBufferEmittedCountX": 2, "jitterBufferEmitted\u0043ount2": 3,
             "qualityLimitationReason": "none", "totalSamplesReceived": 4, "sixteen_bytes_ab": 5, "fifteen_bytes_a": 6}
            """#)
        #expect(value == .object([
            "jitterBufferEmittedCount": .number(1), "jitterBufferEmittedCountX": .number(2), "jitterBufferEmittedCount2": .number(3),
            "qualityLimitationReason": .string("none"), "totalSamplesReceived": .number(4), "sixteen_bytes_ab": .number(5),
            "fifteen_bytes_a": .number(6),
        ]))
        // A long key that is also a stats member name comes back as the name itself.
        #expect(value.object?.keys.contains(StatField.jitterBufferEmittedCount.name) == true)
    }

    @Test func nameTableFindsExactlyItsNames() {
        let names = ["", "a", "ab", "abcdefg", "abcdefgh", "abcdefghi", "jitterBufferEmittedCount", "totalSquaredInterFrameDelay"]
        let table = NameTable(names: names)
        for (index, name) in names.enumerated() {
            #expect(table.index(of: name) == index, "\(name)")
        }
        for missing in ["b", "abc", "abcdefgi", "bbcdefgh", "jitterBufferEmittedCounT", "jitterBufferEmittedCoun",
                        "totalSquaredInterFrameDelay ", "é"] {
            #expect(table.index(of: missing) == nil, "\(missing)")
        }
    }
}
