import CallscopeCore

/// When a stream side's samples go on in the open chunk and when they start a new one; shared by
/// every storage engine so that chunks look the same everywhere.
///
/// A chunk holds at most ``maxSamples`` samples spanning less than ``maxSpanMs``, with
/// non-decreasing timestamps. The span bound is what lets a window read use the
/// `(stream_id, start_ms)` index alone: a chunk that reaches `fromMs` started after
/// `fromMs − maxSpanMs`. The sample bound keeps a chunk row around a kilobyte, well inside one
/// SQLite page, so that appending never spills to overflow pages.
///
/// ```swift
/// var encoder = SampleChunkCodec.Encoder(startMs: samples[0].tsMs)
/// var bytes: [UInt8] = []
/// let taken = try encoder.encodePrefix(of: samples[...], into: &bytes)  // the rest starts a new chunk
/// ```
public enum SampleChunkPolicy {
    public static let maxSamples = 64
    public static let maxSpanMs: Int64 = 60_000

    /// Whether a chunk whose encoder is `encoder` may take a sample at `tsMs`.
    public static func accepts(_ tsMs: Int64, in encoder: SampleChunkCodec.Encoder) -> Bool {
        encoder.count < maxSamples && tsMs >= encoder.lastTsMs && tsMs - encoder.startMs < maxSpanMs
    }
}

extension SampleChunkCodec.Encoder {
    /// Encodes the longest prefix of `samples` that the chunk accepts (``SampleChunkPolicy``) and
    /// returns how many samples that was; 0 when the chunk takes none of them.
    public mutating func encodePrefix(of samples: ArraySlice<StreamSample>, into bytes: inout [UInt8]) throws -> Int {
        var taken = 0
        for sample in samples {
            guard SampleChunkPolicy.accepts(sample.tsMs, in: self) else { break }
            try encode(sample, into: &bytes)
            taken += 1
        }
        return taken
    }
}
