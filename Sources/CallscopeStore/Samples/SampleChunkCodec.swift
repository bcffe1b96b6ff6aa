import CallscopeCore

/// The compact binary form of consecutive samples of one stream side: what a `sample_chunk` row's
/// `data` holds, in every storage engine.
///
/// Samples arrive one or two per stream per second and are read back a window at a time, so they
/// are stored as chunks (about a minute of one stream side per row) rather than a row per sample:
/// a row costs tens of bytes of headers and index, a sample here costs about fifteen. Each value is
/// written as its difference from a *prediction* made from what came before, and a value equal to
/// its prediction costs one bit: resolution, quality limitation and a loss-free interval's loss
/// fields cost nothing, and the metrics derived from counters (bitrate, packets, loss) are
/// predicted from those counters.
///
/// ## Format (version 1)
///
/// The row stores the chunk's `start_ms` (the first sample's `tsMs`) and its `side`; `data` is
///
/// ```
/// data     = 0x01 sample*                        (version byte, then samples oldest first)
/// sample   = tsStep maskXor changed residual*
/// ```
///
/// - `varint`: unsigned LEB128 (7 bits a byte, low group first, high bit on all but the last byte;
///   at most 10 bytes). `zigzag(n)`: the varint of `(n << 1) ^ (n >> 63)` for a signed 64-bit `n`.
///   All integer arithmetic below is 64-bit two's complement, wrapping.
/// - `tsStep = zigzag((tsMs − prevTs) − prevStep)`. `prevTs` is the previous sample's `tsMs`
///   (`start_ms` for the first); `prevStep` the previous sample's `tsMs − prevTs` (0 for the first).
///   `tsMs − prevTs` is never negative: a chunk's timestamps do not decrease.
/// - `maskXor = varint(mask ^ prevMask)`: bit `i` of `mask` is set when field `i` of ``Field`` is
///   present in the sample; `prevMask` is the previous sample's mask (0 for the first).
/// - `changed`: varint; bit `k` is set when the `k`-th present field (counting from 0 in
///   ``Field`` order) has a non-zero residual.
/// - `residual = zigzag(q − prediction)` for each present field whose `changed` bit is set, in
///   ``Field`` order; the others have `q = prediction`.
///
/// `q` is a field's quantised value. Integers are stored exactly. A `Double` `x` is
/// `Q(x) = (x × scale).rounded()` (to nearest, ties away from zero), clamped to ±2^53, with
/// ``Field/scale``; it reads back as `Double(q) / scale`, within half a quantum. A non-finite
/// double is stored as absent. `qualityLimitation` is 0 none, 1 cpu, 2 bandwidth, 3 other (any other
/// number reads as other).
///
/// Predictions use `v[f]`, the value of field `f` in the last sample of the chunk that had it (0
/// before any), `cur[f]`, the value already decoded for an earlier field of this sample, and
/// "`f` in both": `f` is present in this sample and in the previous one.
/// - `bytesTotal`, `packetsTotal`: `v[f] + step[f]`, where `step[f]` is the field's change over the
///   previous sample when it was in both, else 0 (counters grow steadily).
/// - `bitrateKbps`: when `bytesTotal` is in both and `tsMs > prevTs`,
///   `Q(Double(cur[bytesTotal] − v[bytesTotal]) × 8 / Double(tsMs − prevTs))` if that is finite.
/// - `packets`: when `packetsTotal` is in both, `cur[packetsTotal] − v[packetsTotal]`.
/// - `packetsLost`: when `packetsLostTotal` is in both, `cur[packetsLostTotal] − v[packetsLostTotal]`.
/// - `lossPercent`: when `packets` and `packetsLost` are present, with `l = max(0, cur[packetsLost])`
///   and `d = Double(cur[packets]) + Double(l)`: `Q(Double(l) × 100 / d)` if `d > 0`.
/// - any other case and field: `v[f]`.
///
/// A mask bit beyond the known fields is an error. A new field takes the next bit and appends to
/// ``Field``: data written before it never sets that bit, so it still reads back the same, and
/// the version byte changes only when an existing field's meaning or prediction does.
/// (`captureFps` came this way.)
/// Because a sample depends only on the state the samples before it left, bytes written later by
/// an ``Encoder`` continuing from the chunk's last state can simply be concatenated to `data`:
///
/// ```swift
/// var encoder = SampleChunkCodec.Encoder(startMs: samples[0].tsMs)
/// var data: [UInt8] = []
/// for sample in samples { try encoder.encode(sample, into: &data) }
/// let back = try SampleChunkCodec.decode(data, startMs: samples[0].tsMs, side: .receiver)
/// ```
public enum SampleChunkCodec {
    /// The first byte of every chunk's data.
    public static let formatVersion: UInt8 = 1

    /// The optional fields of a ``StreamSample``: bit `rawValue` of a sample's presence mask, and
    /// the order in which values are written. Counters come before what is predicted from them;
    /// fields that change on most ticks come before those that rarely do, which keeps the
    /// `changed` mask to one byte.
    public enum Field: Int, CaseIterable, Sendable {
        case bytesTotal, packetsTotal, bitrateKbps, jitterMs, rttMs, fps, jitterBufferDelayMs
        case concealmentPercent, packetsLostTotal, packets, packetsLost, lossPercent
        case freezeCount, freezeDurationMs, frameWidth, frameHeight, qualityLimitation
        /// Added after the first release: chunks written before have its bit clear.
        case captureFps

        /// Quanta per unit: 100 keeps 0.01 (kbit/s, ms, frames/s), 1000 keeps 0.001 % for
        /// percentages, 1 keeps integers and whole milliseconds of freeze time.
        public var scale: Double {
            switch self {
            case .bitrateKbps, .jitterMs, .rttMs, .jitterBufferDelayMs, .fps, .captureFps: 100
            case .lossPercent, .concealmentPercent: 1000
            default: 1
            }
        }
    }

    static let fieldCount = Field.allCases.count
    static let knownFieldsMask: UInt64 = (1 << UInt64(fieldCount)) - 1
    /// Quantised doubles are clamped here so that every quantum is exactly a `Double`.
    static let quantisedLimit: Double = 9_007_199_254_740_992  // 2^53

    /// Writes samples of one chunk, keeping the state the next sample is predicted from.
    ///
    /// Store the encoder with the chunk's open state: a later batch continues from it and appends
    /// its bytes to the chunk's data. A fresh encoder writes the version byte first.
    public struct Encoder: Sendable, Hashable {
        /// The chunk's `start_ms`, the base of the first sample's timestamp.
        public let startMs: Int64
        /// Samples written so far.
        public private(set) var count: Int = 0
        private var state: PredictionState

        public init(startMs: Int64) {
            self.startMs = startMs
            self.state = PredictionState(startMs: startMs)
        }

        /// `tsMs` of the last sample written (``startMs`` before any).
        public var lastTsMs: Int64 { state.tsMs }

        /// Appends `sample` to `bytes`. Throws when `sample.tsMs` is before the previous sample's
        /// (or the chunk start): chunks hold non-decreasing timestamps so that `start_ms`/`end_ms`
        /// bound them.
        public mutating func encode(_ sample: StreamSample, into bytes: inout [UInt8]) throws {
            guard sample.tsMs >= state.tsMs else {
                throw EncodingError.timestampBeforePrevious(tsMs: sample.tsMs, previousMs: state.tsMs)
            }
            if count == 0 { bytes.append(SampleChunkCodec.formatVersion) }
            let step = sample.tsMs &- state.tsMs
            Varint.appendZigzag(step &- state.stepMs, to: &bytes)
            withUnsafeTemporaryAllocation(of: Int64.self, capacity: 2 * SampleChunkCodec.fieldCount) { scratch in
                let q = UnsafeMutableBufferPointer(rebasing: scratch[..<SampleChunkCodec.fieldCount])
                let residuals = UnsafeMutableBufferPointer(rebasing: scratch[SampleChunkCodec.fieldCount...])
                var mask: UInt64 = 0
                for field in Field.allCases {
                    if let value = SampleChunkCodec.quantised(field, of: sample) {
                        q[field.rawValue] = value
                        mask |= 1 << UInt64(field.rawValue)
                    }
                }
                var changed: UInt64 = 0
                var rank: UInt64 = 0
                var residualCount = 0
                var bits = mask
                while bits != 0 {
                    let i = bits.trailingZeroBitCount
                    bits &= bits &- 1
                    let residual = q[i] &- state.predict(Field(rawValue: i)!, current: q, mask: mask, tsMs: sample.tsMs)
                    if residual != 0 {
                        changed |= 1 << rank
                        residuals[residualCount] = residual
                        residualCount += 1
                    }
                    rank += 1
                }
                Varint.append(mask ^ state.mask, to: &bytes)
                Varint.append(changed, to: &bytes)
                for r in residuals[..<residualCount] { Varint.appendZigzag(r, to: &bytes) }
                state.advance(current: q, mask: mask, tsMs: sample.tsMs)
            }
            count += 1
        }
    }

    public enum EncodingError: Error, Hashable, CustomStringConvertible {
        case timestampBeforePrevious(tsMs: Int64, previousMs: Int64)

        public var description: String {
            switch self {
            case let .timestampBeforePrevious(ts, previous):
                "sample tsMs \(ts) is before the chunk's previous sample at \(previous)"
            }
        }
    }

    public enum DecodingError: Error, Hashable, CustomStringConvertible {
        case unsupportedFormat(UInt8)
        case truncated(offset: Int)
        case malformedVarint(offset: Int)
        case unknownFields(mask: UInt64, offset: Int)
        case timestampBeforePrevious(offset: Int)

        public var description: String {
            switch self {
            case .unsupportedFormat(let v):
                "sample chunk format \(v) is not supported (expected \(SampleChunkCodec.formatVersion))"
            case .truncated(let o): "sample chunk data ends in the middle of a sample at byte \(o)"
            case .malformedVarint(let o): "sample chunk data has a varint longer than 10 bytes at byte \(o)"
            case let .unknownFields(mask, o): "sample chunk data has unknown fields (mask \(mask)) at byte \(o)"
            case .timestampBeforePrevious(let o): "sample chunk data goes back in time at byte \(o)"
            }
        }
    }

    /// Every sample of a chunk, oldest first.
    public static func decode(_ bytes: [UInt8], startMs: Int64, side: StreamSide) throws -> [StreamSample] {
        var out: [StreamSample] = []
        try bytes.withUnsafeBytes { try decode($0, startMs: startMs, side: side, into: &out) }
        return out
    }

    /// Appends the chunk's samples with `fromMs <= tsMs < toMs` to `out`. Every sample is decoded
    /// (each depends on the ones before) but only those in the window are built.
    public static func decode(_ bytes: UnsafeRawBufferPointer, startMs: Int64, side: StreamSide,
                              fromMs: Int64 = .min, toMs: Int64 = .max,
                              into out: inout [StreamSample]) throws {
        guard !bytes.isEmpty else { return }
        guard bytes[0] == formatVersion else { throw DecodingError.unsupportedFormat(bytes[0]) }
        var reader = Varint.Reader(bytes: bytes, offset: 1)
        var state = PredictionState(startMs: startMs)
        try withUnsafeTemporaryAllocation(of: Int64.self, capacity: fieldCount) { q in
            while !reader.isAtEnd {
                let offset = reader.offset
                let step = state.stepMs &+ (try reader.nextZigzag())
                guard step >= 0 else { throw DecodingError.timestampBeforePrevious(offset: offset) }
                let ts = state.tsMs &+ step
                let mask = state.mask ^ (try reader.next())
                guard mask & ~knownFieldsMask == 0 else { throw DecodingError.unknownFields(mask: mask, offset: offset) }
                let changed = try reader.next()
                var rank: UInt64 = 0
                var bits = mask
                while bits != 0 {
                    let i = bits.trailingZeroBitCount
                    bits &= bits &- 1
                    q[i] = state.predict(Field(rawValue: i)!, current: q, mask: mask, tsMs: ts)
                    if changed & (1 << rank) != 0 { q[i] = q[i] &+ (try reader.nextZigzag()) }
                    rank += 1
                }
                state.advance(current: q, mask: mask, tsMs: ts)
                guard ts >= fromMs && ts < toMs else { continue }
                var sample = StreamSample(tsMs: ts, side: side)
                bits = mask
                while bits != 0 {
                    let i = bits.trailingZeroBitCount
                    bits &= bits &- 1
                    assign(q[i], to: Field(rawValue: i)!, of: &sample)
                }
                out.append(sample)
            }
        }
    }

    // MARK: Fields

    @inline(__always)
    static func quantised(_ x: Double?, _ scale: Double) -> Int64? {
        guard let x, x.isFinite else { return nil }
        return Int64(min(max((x * scale).rounded(), -quantisedLimit), quantisedLimit))
    }

    static func quantised(_ field: Field, of s: StreamSample) -> Int64? {
        switch field {
        case .bytesTotal: s.bytesTotal
        case .packetsTotal: s.packetsTotal
        case .packetsLostTotal: s.packetsLostTotal
        case .packets: s.packets
        case .packetsLost: s.packetsLost
        case .bitrateKbps: quantised(s.bitrateKbps, field.scale)
        case .lossPercent: quantised(s.lossPercent, field.scale)
        case .jitterMs: quantised(s.jitterMs, field.scale)
        case .rttMs: quantised(s.rttMs, field.scale)
        case .jitterBufferDelayMs: quantised(s.jitterBufferDelayMs, field.scale)
        case .fps: quantised(s.fps, field.scale)
        case .captureFps: quantised(s.captureFps, field.scale)
        case .frameWidth: s.frameWidth.map(Int64.init)
        case .frameHeight: s.frameHeight.map(Int64.init)
        case .freezeCount: s.freezeCount
        case .freezeDurationMs: quantised(s.freezeDurationMs, field.scale)
        case .concealmentPercent: quantised(s.concealmentPercent, field.scale)
        case .qualityLimitation:
            s.qualityLimitation.map {
                switch $0 {
                case .none: 0
                case .cpu: 1
                case .bandwidth: 2
                case .other: 3
                }
            }
        }
    }

    static func assign(_ q: Int64, to field: Field, of s: inout StreamSample) {
        switch field {
        case .bytesTotal: s.bytesTotal = q
        case .packetsTotal: s.packetsTotal = q
        case .packetsLostTotal: s.packetsLostTotal = q
        case .packets: s.packets = q
        case .packetsLost: s.packetsLost = q
        case .bitrateKbps: s.bitrateKbps = Double(q) / field.scale
        case .lossPercent: s.lossPercent = Double(q) / field.scale
        case .jitterMs: s.jitterMs = Double(q) / field.scale
        case .rttMs: s.rttMs = Double(q) / field.scale
        case .jitterBufferDelayMs: s.jitterBufferDelayMs = Double(q) / field.scale
        case .fps: s.fps = Double(q) / field.scale
        case .captureFps: s.captureFps = Double(q) / field.scale
        case .frameWidth: s.frameWidth = Int(truncatingIfNeeded: q)
        case .frameHeight: s.frameHeight = Int(truncatingIfNeeded: q)
        case .freezeCount: s.freezeCount = q
        case .freezeDurationMs: s.freezeDurationMs = Double(q) / field.scale
        case .concealmentPercent: s.concealmentPercent = Double(q) / field.scale
        case .qualityLimitation:
            s.qualityLimitation = switch q {
            case 0: QualityLimitationReason.none
            case 1: .cpu
            case 2: .bandwidth
            default: .other
            }
        }
    }
}
