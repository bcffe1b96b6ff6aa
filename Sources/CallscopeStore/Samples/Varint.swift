/// Unsigned LEB128 varints and zigzag signed varints, as ``SampleChunkCodec`` writes them.
///
/// Small numbers take one byte (below 128), two (below 16 384), three (below 2 097 152), …; zigzag
/// maps signed numbers near zero to small unsigned ones so that differences of either sign stay
/// short.
enum Varint {
    @inline(__always)
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inline(__always)
    static func appendZigzag(_ value: Int64, to bytes: inout [UInt8]) {
        append(zigzag(value), to: &bytes)
    }

    @inline(__always)
    static func zigzag(_ n: Int64) -> UInt64 {
        UInt64(bitPattern: (n << 1) ^ (n >> 63))
    }

    @inline(__always)
    static func unzigzag(_ u: UInt64) -> Int64 {
        Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    /// Reads varints from a byte buffer, throwing ``SampleChunkCodec/DecodingError`` on bad input.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        private(set) var offset: Int

        init(bytes: UnsafeRawBufferPointer, offset: Int = 0) {
            self.bytes = bytes
            self.offset = offset
        }

        var isAtEnd: Bool { offset >= bytes.count }

        @inline(__always)
        mutating func next() throws -> UInt64 {
            let start = offset
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard offset < bytes.count else { throw SampleChunkCodec.DecodingError.truncated(offset: start) }
                let byte = bytes[offset]
                offset += 1
                // The tenth byte may carry only the top bit of a 64-bit value.
                guard shift < 63 || byte <= 1 else { throw SampleChunkCodec.DecodingError.malformedVarint(offset: start) }
                result |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
        }

        @inline(__always)
        mutating func nextZigzag() throws -> Int64 {
            Varint.unzigzag(try next())
        }
    }
}
