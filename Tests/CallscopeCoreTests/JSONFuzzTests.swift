import Testing
@testable import CallscopeCore

@Suite("JSON fuzz")
struct JSONFuzzTests {
    /// Random bytes must give a value or a `JSONParseError`, never a crash or a hang.
    @Test func randomBytesNeverCrash() {
        var generator = JSONTestRandom(seed: 1)
        let alphabet = Array(#"{}[]":,.-+eE0123456789 \n\tabcdeftrunl\u"#.utf8) + [0x00, 0x80, 0xC3, 0xA9, 0xFF, 0xED]
        var parsed = 0
        for round in 0..<20_000 {
            let count = Int(generator.next() % 40)
            let bytes: [UInt8] = (0..<count).map { _ in
                round % 2 == 0 ? UInt8(truncatingIfNeeded: generator.next())
                               : alphabet[Int(generator.next() % UInt64(alphabet.count))]
            }
            if (try? JSONValue.parse(bytes)) != nil { parsed += 1 }
        }
        #expect(parsed > 0)
    }

    /// Mutations of a valid document: flipped, dropped and duplicated bytes, and every prefix.
    @Test func mutatedDocumentsNeverCrash() throws {
        let document = Array(#"{"id":"IT01V1","type":"inbound-rtp","n":[1.5e-7,-0,true,null,"\ud83d\ude00\n"],"o":{"a":{}}}"#.utf8)
        #expect(try JSONValue.parse(document).object?.count == 4)
        for end in 0..<document.count {
            _ = try? JSONValue.parse(document[0..<end])
        }
        var generator = JSONTestRandom(seed: 2)
        for _ in 0..<20_000 {
            var bytes = document
            for _ in 0..<Int(generator.next() % 4 + 1) {
                let at = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.remove(at: at)
                default: bytes.insert(bytes[at], at: at)
                }
                if bytes.isEmpty { break }
            }
            _ = try? JSONValue.parse(bytes)
        }
    }
}
