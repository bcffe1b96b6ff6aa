import CallscopeCore
import CompressNIO
import NIOCore

/// A dump as a user hands it over: plain, or gzip-compressed (it starts with the gzip magic
/// bytes `1f 8b`, whatever the file is called). `text(of:)` gives the dump's own bytes.
public enum DumpFile {
    /// The most a compressed dump may unpack to: more is refused, not held in memory.
    public static let maxUncompressedBytes = 1 << 30

    /// `bytes` as they are, or unpacked when they are gzip; an error that says what was wrong
    /// with a gzip that is corrupt, ends early or unpacks to more than `maxBytes`.
    public static func text(of bytes: [UInt8], maxBytes: Int = maxUncompressedBytes) throws(ImportError) -> [UInt8] {
        guard bytes.starts(with: [0x1f, 0x8b]) else { return bytes }
        var buffer = ByteBuffer(bytes: bytes)
        do {
            let unpacked = try buffer.decompress(with: .gzip(), maxSize: maxBytes)
            // zlib hands back what it could unpack of a file cut short without saying so; the
            // gzip trailer's last 4 bytes are the unpacked size (mod 2³²), which such a file lacks.
            // (A file of several gzip members, which browsers do not write, would fail this too.)
            let trailer = bytes.suffix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard bytes.count >= 18, trailer == UInt32(truncatingIfNeeded: unpacked.readableBytes) else {
                throw ImportError("gzip: the file ends early (\(bytes.count) bytes; its trailer does not match what it unpacks to)")
            }
            return Array(unpacked.readableBytesView)
        } catch let error as ImportError {
            throw error
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw ImportError("gzip: unpacks to more than " + (maxBytes >= 1 << 20 ? "\(maxBytes >> 20) MiB" : "\(maxBytes) bytes"))
        } catch {
            throw ImportError("gzip: corrupt or cut short (\(error)) after \(bytes.count - buffer.readableBytes) of \(bytes.count) bytes")
        }
    }
}
