import Testing
@testable import CallscopeCore

@Suite("JSON parsing")
struct JSONParsingTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue.parse(#" { "a": [1, -2.5, true, false, null], "b": {"c": "d"}, "e": {} , "f": [] } "#)
        #expect(value == .object([
            "a": .array([.number(1), .number(-2.5), .bool(true), .bool(false), .null]),
            "b": .object(["c": .string("d")]),
            "e": .object([:]),
            "f": .array([]),
        ]))
    }

    @Test func parsesScalarDocuments() throws {
        #expect(try JSONValue.parse("0") == .number(0))
        #expect(try JSONValue.parse(" \"x\" ") == .string("x"))
        #expect(try JSONValue.parse("null") == .null)
        #expect(try JSONValue.parse("\t\r\ntrue\n") == .bool(true))
    }

    @Test func parsesFromBytesAndNonContiguousCollections() throws {
        let text = #"{"rttMs":42,"name":"é"}"#
        let expected = JSONValue.object(["rttMs": .number(42), "name": .string("é")])
        #expect(try JSONValue.parse(Array(text.utf8)) == expected)
        #expect(try JSONValue.parse(text.utf8) == expected)
        // A lazy collection has no contiguous storage: the parser copies it first.
        #expect(try JSONValue.parse(Array(text.utf8).lazy.map { $0 }) == expected)
        #expect(try JSONValue.parse(ArraySlice(Array(("xx" + text).utf8).dropFirst(2))) == expected)
    }

    @Test func duplicateKeysLastWins() throws {
        let value = try JSONValue.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(value == .object(["a": .number(3), "b": .number(2)]))
    }

    @Test func simpleEscapes() throws {
        let value = try JSONValue.parse(#""q\" b\\ s\/ \b\f\n\r\t end""#)
        #expect(value == .string("q\" b\\ s/ \u{8}\u{C}\n\r\t end"))
    }

    @Test func unicodeEscapesAndSurrogatePairs() throws {
        #expect(try JSONValue.parse(#""\u0041\u00e9\u20AC""#) == .string("Aé€"))
        // U+1F600 GRINNING FACE as a UTF-16 surrogate pair.
        #expect(try JSONValue.parse(#""\ud83d\ude00!""#) == .string("😀!"))
        #expect(try JSONValue.parse(#""\u0000""#) == .string("\u{0}"))
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() throws {
        #expect(try JSONValue.parse(#""a\ud800b""#) == .string("a\u{FFFD}b"))
        #expect(try JSONValue.parse(#""\udc00""#) == .string("\u{FFFD}"))
        // A high surrogate followed by a non-surrogate escape keeps that escape.
        #expect(try JSONValue.parse(#""\ud800\u0041""#) == .string("\u{FFFD}A"))
        #expect(try JSONValue.parse(#""\ud800\ud800\udc00""#) == .string("\u{FFFD}\u{10000}"))
    }

    @Test func rawUnicodeIsKept() throws {
        #expect(try JSONValue.parse("\"Zoë 👋 日本\"") == .string("Zoë 👋 日本"))
        #expect(try JSONValue.parse("{\"ключ\": \"\\n значение\"}") == .object(["ключ": .string("\n значение")]))
    }

    @Test func numbers() throws {
        let negativeZero = try #require(JSONValue.parse("-0").double)
        #expect(negativeZero == 0 && negativeZero.sign == .minus)
        #expect(try JSONValue.parse("1e308") == .number(1e308))
        #expect(try JSONValue.parse("1.5e-7") == .number(1.5e-7))
        #expect(try JSONValue.parse("1.5E+2") == .number(150))
        #expect(try JSONValue.parse("0.1") == .number(0.1))
        #expect(try JSONValue.parse("-0.000123") == .number(-0.000123))
        #expect(try JSONValue.parse("1770110143908.625") == .number(1770110143908.625))
        #expect(try JSONValue.parse("9007199254740993") == .number(9007199254740992))  // rounds to even
        #expect(try JSONValue.parse("9007199254740991") == .number(9007199254740991))
        #expect(try JSONValue.parse("9223372036854775807") == .number(9.223372036854775807e18))
        #expect(try JSONValue.parse("123456789012345678901234567890") == .number(1.2345678901234568e29))
        #expect(try JSONValue.parse("0.30000000000000004") == .number(0.30000000000000004))
        // The largest subnormal, a classic slow case for decimal-to-binary conversion.
        #expect(try JSONValue.parse("2.2250738585072011e-308") == .number(Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)))
        #expect(try JSONValue.parse("4.9e-324") == .number(.leastNonzeroMagnitude))
        #expect(try JSONValue.parse("1e-400") == .number(0))
        // Beyond Double's range: infinity, as JavaScript's JSON.parse gives.
        #expect(try JSONValue.parse("1e400") == .number(.infinity))
        #expect(try JSONValue.parse("-1e99999999999999999999") == .number(-.infinity))
        #expect(try JSONValue.parse("[1,2]") == .array([.number(1), .number(2)]))
    }

    @Test func fastPathNumbersMatchTheCorrectlyRoundedParse() throws {
        // Every number the fast path takes must equal what strtod (Double(String)) gives.
        var generator = JSONTestRandom(seed: 7)
        for _ in 0..<20_000 {
            let integerDigits = Int(generator.next() % 10)
            let fractionDigits = Int(generator.next() % 10)
            var text = generator.next() % 2 == 0 ? "-" : ""
            text += String(generator.next() % 9 + 1)
            for _ in 0..<integerDigits { text += String(generator.next() % 10) }
            if fractionDigits > 0 {
                text += "."
                for _ in 0..<fractionDigits { text += String(generator.next() % 10) }
            }
            if generator.next() % 3 == 0 { text += "e" + String(Int(generator.next() % 50) - 25) }
            #expect(try JSONValue.parse(text).double == Double(text), "\(text)")
        }
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let depth = JSONParser.maxDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSONValue.parse(text)
        var levels = 0
        while case .array(let inner) = value {
            levels += 1
            value = inner.first ?? .null
        }
        #expect(levels == depth)
    }

    @Test func largeDocument() throws {
        let members = (0..<2_000).map { #""k\#($0)": {"v": [\#($0), "s\#($0)", null]}"# }
        let value = try JSONValue.parse("{" + members.joined(separator: ",") + "}")
        #expect(value.object?.count == 2_000)
        #expect(value["k1999"]?["v"] == .array([.number(1999), .string("s1999"), .null]))
    }
}

/// Randomised tests fail the same way every run.
typealias JSONTestRandom = SplitMix64
