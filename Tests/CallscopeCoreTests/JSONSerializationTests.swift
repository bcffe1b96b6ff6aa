import Testing
@testable import CallscopeCore

@Suite("JSON serialization")
struct JSONSerializationTests {
    @Test func compactWithSortedKeys() {
        let value = JSONValue.object([
            "b": .array([.number(1), .bool(false), .null]),
            "a": .object(["z": .string("x"), "y": .object([:])]),
            "c": .array([]),
        ])
        #expect(value.serialized() == #"{"a":{"y":{},"z":"x"},"b":[1,false,null],"c":[]}"#)
        #expect(value.serializedBytes() == Array(value.serialized().utf8))
    }

    @Test func numbers() {
        func text(_ number: Double) -> String { JSONValue.number(number).serialized() }
        #expect(text(0) == "0")
        #expect(text(-0.0) == "0")
        #expect(text(42) == "42")
        #expect(text(-1_234_567) == "-1234567")
        #expect(text(9_007_199_254_740_991) == "9007199254740991")
        #expect(text(-9_007_199_254_740_991) == "-9007199254740991")
        // 2^53 and above may not be exact integers any more: shortest round-trip form.
        #expect(text(9_007_199_254_740_992) == "9007199254740992.0")
        #expect(text(1e21) == "1e+21")
        #expect(text(1e308) == "1e+308")
        #expect(text(1.5e-7) == "1.5e-07")
        #expect(text(0.1) == "0.1")
        #expect(text(-2.5) == "-2.5")
        #expect(text(1770110143908.625) == "1770110143908.625")
        #expect(text(.nan) == "null")
        #expect(text(.infinity) == "null")
        #expect(text(-.infinity) == "null")
    }

    @Test func stringEscapes() {
        let value = JSONValue.string("q\" b\\ / \u{8}\u{C}\n\r\t \u{0}\u{1F} é 😀")
        #expect(value.serialized() == #""q\" b\\ / \b\f\n\r\t \u0000\u001f é 😀""#)
    }

    @Test func roundTrips() throws {
        let texts = [
            #"{"a":[1,-2.5,true,false,null],"b":{"c":"d"},"e":{},"f":[]}"#,
            #"["\u0000\n\"\\",1e+308,1.5e-07,-1.7976931348623157e+308,5e-324]"#,
            #"{"":"","nested":[[[[{"x":[]}]]]],"ключ":"日本 😀"}"#,
            #"[0.1,0.30000000000000004,123456789012,-9007199254740991,1770110143908.625]"#,
        ]
        for text in texts {
            let value = try JSONValue.parse(text)
            #expect(value.serialized() == text)
            #expect(try JSONValue.parse(value.serialized()) == value)
        }
    }

    @Test func randomValuesRoundTrip() throws {
        var generator = JSONTestRandom(seed: 42)
        for _ in 0..<300 {
            let value = randomValue(depth: 0, using: &generator)
            let bytes = value.serializedBytes()
            #expect(try JSONValue.parse(bytes) == value)
        }
    }

    private func randomValue(depth: Int, using generator: inout JSONTestRandom) -> JSONValue {
        switch generator.next() % (depth > 4 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(generator.next() % 2 == 0)
        case 2:
            let number = generator.next() % 2 == 0
                ? Double(Int64(bitPattern: generator.next()) >> Int64(generator.next() % 64))
                : Double(bitPattern: generator.next())
            return .number(number.isFinite ? number : 0)
        case 3:
            let scalars = (0..<Int(generator.next() % 8)).compactMap { _ in
                Unicode.Scalar(UInt32(generator.next() % 0x1_0000))
            }
            return .string(String(String.UnicodeScalarView(scalars)))
        case 4:
            return .array((0..<Int(generator.next() % 5)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for index in 0..<Int(generator.next() % 5) {
                members["k\(index)\(generator.next() % 3)"] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(members)
        }
    }
}
