import CallscopeCore
@testable import CallscopeServer
import CompressNIO
import NIOCore
import Testing

@Suite("Dump files, plain or gzip")
struct DumpFileTests {
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        let packed = try buffer.compress(with: .gzip())
        return Array(packed.readableBytesView)
    }

    @Test("plain bytes pass as they are; gzip unpacks, whatever the file is called")
    func unpacks() throws {
        let dump = Array(#"{"getUserMedia": [], "PeerConnections": {}}"#.utf8)
        #expect(try DumpFile.text(of: dump) == dump)
        #expect(try DumpFile.text(of: try Self.gzip(dump)) == dump)
    }

    @Test("a gzip cut short, a corrupt one and one that unpacks past the limit are refused with why")
    func refuses() throws {
        let big = Array(repeating: UInt8(ascii: "a"), count: 200_000)
        let packed = try Self.gzip(big)
        func message(_ bytes: [UInt8], maxBytes: Int = DumpFile.maxUncompressedBytes) -> String? {
            do {
                _ = try DumpFile.text(of: bytes, maxBytes: maxBytes)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(message(Array(packed.prefix(packed.count / 2)))?.hasPrefix("gzip: the file ends early") == true)
        #expect(message(Array(packed.dropLast(3)))?.hasPrefix("gzip: the file ends early") == true, "only the trailer missing")
        #expect(message([0x1f, 0x8b] + Array("not gzip at all".utf8))?.hasPrefix("gzip: corrupt or cut short") == true)
        #expect(message(packed, maxBytes: 100_000) == "gzip: unpacks to more than 100000 bytes")
        #expect(message(packed) == nil)
    }
}
