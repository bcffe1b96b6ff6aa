import Testing
@testable import CallscopeCore

@Suite("JSON errors")
struct JSONErrorTests {
    /// Parses `text`, expecting an error, and returns it.
    private func failure(_ text: String) -> JSONParseError? {
        do {
            _ = try JSONValue.parse(text)
            return nil
        } catch {
            return error
        }
    }

    private func check(_ text: String, _ message: String, line: Int, column: Int,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let error = failure(text)
        #expect(error?.message == message, sourceLocation: sourceLocation)
        #expect(error?.line == line, sourceLocation: sourceLocation)
        #expect(error?.column == column, sourceLocation: sourceLocation)
    }

    @Test func descriptionNamesLineAndColumn() throws {
        let text = "{\n  \"a\": 1,\n  \"b\": [1, 2] \"c\": 3\n}"
        let error = try #require(failure(text))
        #expect(error.description == "invalid JSON at line 3, column 15: expected ',' or '}'")
        #expect(error.offset == 26)
    }

    @Test func structuralErrors() {
        check("", "unexpected end of input, expected a value", line: 1, column: 1)
        check("   ", "unexpected end of input, expected a value", line: 1, column: 4)
        check("{", "unexpected end of input", line: 1, column: 2)
        check("[1", "unexpected end of input, expected ',' or ']'", line: 1, column: 3)
        check("{\"a\":1", "unexpected end of input, expected ',' or '}'", line: 1, column: 7)
        check("[1 2]", "expected ',' or ']'", line: 1, column: 4)
        check("{\"a\" 1}", "expected ':'", line: 1, column: 6)
        check("{\"a\":}", "unexpected character '}', expected a value", line: 1, column: 6)
        check("{a:1}", "expected a string key", line: 1, column: 2)
        check("{\"a\":1,}", "expected a string key", line: 1, column: 8)
        check("[1,]", "unexpected character ']', expected a value", line: 1, column: 4)
        check("[,1]", "unexpected character ',', expected a value", line: 1, column: 2)
        check("{\"a\":1]", "expected ',' or '}'", line: 1, column: 7)
        check("[1}", "expected ',' or ']'", line: 1, column: 3)
        check("\u{1}", "unexpected byte 0x1, expected a value", line: 1, column: 1)
    }

    @Test func trailingGarbage() {
        check("{} {}", "unexpected data after the JSON value", line: 1, column: 4)
        check("1 2", "unexpected data after the JSON value", line: 1, column: 3)
        check("null\n\nx", "unexpected data after the JSON value", line: 3, column: 1)
    }

    @Test func literalErrors() {
        check("tru", "unexpected end of input in literal", line: 1, column: 4)
        check("[nul]", "invalid literal, expected 'null'", line: 1, column: 2)
        check("True", "unexpected character 'T', expected a value", line: 1, column: 1)
        check("NaN", "unexpected character 'N', expected a value", line: 1, column: 1)
        check("Infinity", "unexpected character 'I', expected a value", line: 1, column: 1)
    }

    @Test func numberErrors() {
        check("01", "invalid number, leading zeros are not allowed", line: 1, column: 2)
        check("-", "unexpected end of input in number", line: 1, column: 2)
        check("-a", "invalid number, expected a digit", line: 1, column: 2)
        check("1.", "invalid number, expected a digit after '.'", line: 1, column: 3)
        check("1.e5", "invalid number, expected a digit after '.'", line: 1, column: 3)
        check("1e", "invalid number, expected a digit in the exponent", line: 1, column: 3)
        check("1e+", "invalid number, expected a digit in the exponent", line: 1, column: 4)
        check("+1", "unexpected character '+', expected a value", line: 1, column: 1)
        check(".5", "unexpected character '.', expected a value", line: 1, column: 1)
        check("[1.5.2]", "expected ',' or ']'", line: 1, column: 5)
    }

    @Test func stringErrors() {
        check("\"abc", "unterminated string", line: 1, column: 5)
        check("\"a\nb\"", "unescaped control character in string", line: 1, column: 3)
        check("\"a\tb\"", "unescaped control character in string", line: 1, column: 3)
        check("\"\\x\"", "invalid escape sequence '\\x'", line: 1, column: 2)
        check("\"\\u12G4\"", "invalid \\u escape, expected 4 hex digits", line: 1, column: 6)
        check("\"\\u12", "unterminated \\u escape", line: 1, column: 6)
        check("\"ab\\", "unterminated string", line: 1, column: 5)
        check("\"é\\n", "unterminated string", line: 1, column: 5)
    }

    @Test func invalidUTF8IsRejected() throws {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
                               [0x22, 0x5C, 0x6E, 0xC0, 0xAF, 0x22]] {
            do {
                _ = try JSONValue.parse(bytes)
                Issue.record("expected an error for \(bytes)")
            } catch {
                #expect(error.message == "invalid UTF-8 in string")
                #expect(error.offset == 0)
            }
        }
    }

    @Test func columnsCountScalarsNotBytes() {
        // [ " 日 本 " , ␠ x: the x is the 8th scalar but the 12th byte.
        check("[\"日本\", x]", "unexpected character 'x', expected a value", line: 1, column: 8)
    }

    @Test func nestingTooDeepIsAnErrorNotACrash() {
        let depth = JSONParser.maxDepth + 1
        check(String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
              "nesting deeper than 512 levels", line: 1, column: 513)
        check(String(repeating: "{\"a\":", count: 100_000), "nesting deeper than 512 levels",
              line: 1, column: 512 * 5 + 1)
    }
}
