import CallscopeCore
import Testing

@testable import CallscopeStore

@Suite struct SampleChunkCodecTests {
    /// Random samples: each field present or not, values of every magnitude and sign.
    static func randomSamples(count: Int, side: StreamSide, using rng: inout SeededGenerator) -> [StreamSample] {
        var ts = Int64.random(in: 1_600_000_000_000...1_800_000_000_000, using: &rng)
        func maybe<T>(_ make: () -> T) -> T? { Bool.random(using: &rng) ? make() : nil }
        func int64() -> Int64 {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: Int64.random(in: -5...5, using: &rng)
            case 1: Int64.random(in: 0...10_000_000, using: &rng)
            case 2: Int64.random(in: .min ... .max, using: &rng)
            default: [Int64.min, Int64.max, 0][Int.random(in: 0..<3, using: &rng)]
            }
        }
        func double() -> Double {
            Bool.random(using: &rng) ? Double.random(in: 0...100, using: &rng) : Double.random(in: -1e9...1e9, using: &rng)
        }
        return (0..<count).map { _ in
            ts += [0, 1, 999, 2000, 70_000][Int.random(in: 0..<5, using: &rng)]
            var s = StreamSample(tsMs: ts, side: side)
            s.bytesTotal = maybe(int64)
            s.packetsTotal = maybe(int64)
            s.packetsLostTotal = maybe(int64)
            s.packets = maybe(int64)
            s.packetsLost = maybe(int64)
            s.bitrateKbps = maybe(double)
            s.lossPercent = maybe(double)
            s.jitterMs = maybe(double)
            s.rttMs = maybe(double)
            s.jitterBufferDelayMs = maybe(double)
            s.fps = maybe(double)
            s.frameWidth = maybe { Int.random(in: 0...7680, using: &rng) }
            s.frameHeight = maybe { Int.random(in: 0...4320, using: &rng) }
            s.freezeCount = maybe(int64)
            s.freezeDurationMs = maybe(double)
            s.concealmentPercent = maybe(double)
            s.qualityLimitation = maybe { QualityLimitationReason.allCases.randomElement(using: &rng)! }
            s.captureFps = maybe(double)
            return s
        }
    }

    static func encode(_ samples: [StreamSample], with encoder: inout SampleChunkCodec.Encoder) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for s in samples { try encoder.encode(s, into: &bytes) }
        return bytes
    }

    @Test(arguments: 0..<40)
    func randomSamplesRoundTrip(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed))
        let side: StreamSide = seed % 2 == 0 ? .sender : .receiver
        let samples = Self.randomSamples(count: Int.random(in: 1...80, using: &rng), side: side, using: &rng)
        var encoder = SampleChunkCodec.Encoder(startMs: samples[0].tsMs)
        let bytes = try Self.encode(samples, with: &encoder)
        let decoded = try SampleChunkCodec.decode(bytes, startMs: samples[0].tsMs, side: side)
        expectSamplesMatch(decoded, samples)
        #expect(encoder.count == samples.count)
        #expect(encoder.lastTsMs == samples.last!.tsMs)
    }

    @Test(arguments: 0..<40)
    func appendingContinuesTheChunk(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(1000 + seed))
        let all = Self.randomSamples(count: Int.random(in: 2...60, using: &rng), side: .receiver, using: &rng)
        let cut = Int.random(in: 1..<all.count, using: &rng)
        let start = all[0].tsMs

        var encoder = SampleChunkCodec.Encoder(startMs: start)
        let a = try Self.encode(Array(all[..<cut]), with: &encoder)
        let stateAfterA = encoder
        let b = try Self.encode(Array(all[cut...]), with: &encoder)

        expectSamplesMatch(try SampleChunkCodec.decode(a + b, startMs: start, side: .receiver), all)
        // Appending in two goes writes exactly what writing all at once does.
        var once = SampleChunkCodec.Encoder(startMs: start)
        #expect(try Self.encode(all, with: &once) == a + b)
        #expect(once == encoder)
        // And the state A left is what B continued from: encoding B again from it gives B.
        var again = stateAfterA
        #expect(try Self.encode(Array(all[cut...]), with: &again) == b)
    }

    @Test func extremeIntegersAreExact() throws {
        var samples: [StreamSample] = []
        for (i, v) in [Int64.max, Int64.min, 0, -1, Int64.max, 1, Int64.min].enumerated() {
            var s = StreamSample(tsMs: Int64(i) * 1000, side: .sender)
            s.bytesTotal = v
            s.packetsLost = v
            s.freezeCount = v
            samples.append(s)
        }
        var encoder = SampleChunkCodec.Encoder(startMs: 0)
        let decoded = try SampleChunkCodec.decode(try Self.encode(samples, with: &encoder), startMs: 0, side: .sender)
        #expect(decoded == samples)
    }

    @Test func valuesOnTheQuantumGridComeBackExactly() throws {
        var s = StreamSample(tsMs: 5, side: .receiver)
        s.bitrateKbps = 2512.37
        s.lossPercent = 1.234
        s.jitterMs = 12.34
        s.rttMs = 40.01
        s.fps = 29.97
        s.freezeDurationMs = 420
        s.concealmentPercent = 0.125
        s.jitterBufferDelayMs = 61.5
        var encoder = SampleChunkCodec.Encoder(startMs: 5)
        #expect(try SampleChunkCodec.decode(try Self.encode([s], with: &encoder), startMs: 5, side: .receiver) == [s])
    }

    @Test func nonFiniteAndHugeDoubles() throws {
        var s = StreamSample(tsMs: 0, side: .sender)
        s.bitrateKbps = .nan
        s.jitterMs = .infinity
        s.rttMs = 1e300
        s.fps = -1e300
        var encoder = SampleChunkCodec.Encoder(startMs: 0)
        let back = try SampleChunkCodec.decode(try Self.encode([s], with: &encoder), startMs: 0, side: .sender)[0]
        #expect(back.bitrateKbps == nil)
        #expect(back.jitterMs == nil)
        #expect(back.rttMs == 9_007_199_254_740_992.0 / 100)
        #expect(back.fps == -9_007_199_254_740_992.0 / 100)
    }

    @Test func timestampsMayNotGoBack() throws {
        var encoder = SampleChunkCodec.Encoder(startMs: 1000)
        var bytes: [UInt8] = []
        try encoder.encode(StreamSample(tsMs: 1000, side: .sender), into: &bytes)
        #expect(throws: SampleChunkCodec.EncodingError.self) {
            try encoder.encode(StreamSample(tsMs: 999, side: .sender), into: &bytes)
        }
        #expect(throws: SampleChunkCodec.EncodingError.self) {
            var fresh = SampleChunkCodec.Encoder(startMs: 1000)
            try fresh.encode(StreamSample(tsMs: 10, side: .sender), into: &bytes)
        }
    }

    @Test func windowDecodingKeepsOnlyTheWindow() throws {
        let samples = (0..<10).map { StreamSample(tsMs: Int64($0) * 1000, side: .receiver) }
        var encoder = SampleChunkCodec.Encoder(startMs: 0)
        let bytes = try Self.encode(samples, with: &encoder)
        var out: [StreamSample] = []
        try bytes.withUnsafeBytes {
            try SampleChunkCodec.decode($0, startMs: 0, side: .receiver, fromMs: 3000, toMs: 6000, into: &out)
        }
        #expect(out.map(\.tsMs) == [3000, 4000, 5000])
    }

    @Test func malformedDataThrows() throws {
        #expect(throws: SampleChunkCodec.DecodingError.unsupportedFormat(2)) {
            try SampleChunkCodec.decode([2, 0, 0], startMs: 0, side: .sender)
        }
        var s = StreamSample(tsMs: 70_000, side: .sender)
        s.bytesTotal = 1_000_000
        var encoder = SampleChunkCodec.Encoder(startMs: 0)
        let bytes = try Self.encode([s], with: &encoder)
        #expect(throws: SampleChunkCodec.DecodingError.self) {
            try SampleChunkCodec.decode(Array(bytes.dropLast()), startMs: 0, side: .sender)
        }
        #expect(throws: SampleChunkCodec.DecodingError.self) {  // a mask bit beyond the known fields
            try SampleChunkCodec.decode([1, 0, 0x80, 0x80, 0x80, 0x01], startMs: 0, side: .sender)
        }
        #expect(throws: SampleChunkCodec.DecodingError.self) {  // a varint of 11 bytes
            try SampleChunkCodec.decode([1] + Array(repeating: 0xFF, count: 10) + [0x01], startMs: 0, side: .sender)
        }
        #expect(try SampleChunkCodec.decode([], startMs: 0, side: .sender).isEmpty)
    }

    @Test func policyBoundsChunks() throws {
        // 1 s ticks: the 64-sample bound ends the chunk.
        let fast = (0..<100).map { StreamSample(tsMs: Int64($0) * 1000, side: .sender) }
        var encoder = SampleChunkCodec.Encoder(startMs: 0)
        var bytes: [UInt8] = []
        #expect(try encoder.encodePrefix(of: fast[...], into: &bytes) == 60)  // 60 s span first
        let tight = (0..<100).map { StreamSample(tsMs: Int64($0) * 500, side: .sender) }
        var encoder2 = SampleChunkCodec.Encoder(startMs: 0)
        #expect(try encoder2.encodePrefix(of: tight[...], into: &bytes) == SampleChunkPolicy.maxSamples)
        // A sample older than the last one starts a new chunk.
        var encoder3 = SampleChunkCodec.Encoder(startMs: 0)
        let back = [StreamSample(tsMs: 0, side: .sender), StreamSample(tsMs: 5000, side: .sender),
                    StreamSample(tsMs: 4000, side: .sender)]
        #expect(try encoder3.encodePrefix(of: back[...], into: &bytes) == 2)
    }

    /// What a realistic stream costs in the codec alone (without row and page overhead).
    @Test(arguments: StreamSide.allCases)
    func realisticSamplesAreSmall(side: StreamSide) throws {
        var stream = RealisticVideoStream(side: side, startMs: 1_700_000_000_000, seed: 7)
        var total = 0
        var count = 0
        for _ in 0..<100 {
            let chunk = (0..<30).map { _ in stream.next() }
            var encoder = SampleChunkCodec.Encoder(startMs: chunk[0].tsMs)
            let bytes = try Self.encode(chunk, with: &encoder)
            expectSamplesMatch(try SampleChunkCodec.decode(bytes, startMs: chunk[0].tsMs, side: side), chunk)
            total += bytes.count
            count += chunk.count
        }
        let perSample = Double(total) / Double(count)
        print("codec bytes per realistic \(side) video sample: \(perSample)")
        #expect(perSample < 32)
    }
}
