import CallscopeCore
import CallscopeStore
import Foundation
import Testing

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("callscope-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Property tests replay the same cases from a seed.
typealias SeededGenerator = SplitMix64

/// Checks that `actual` equals `expected` up to ``SampleChunkCodec``'s quantisation: integers
/// exactly, doubles within half a quantum (and a hair for the double arithmetic).
func expectSamplesMatch(_ actual: [StreamSample], _ expected: [StreamSample],
                        sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "sample count", sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) {
        guard sampleMatches(a, e) else {
            Issue.record("sample differs:\n  actual   \(a)\n  expected \(e)", sourceLocation: sourceLocation)
            return
        }
    }
}

func sampleMatches(_ a: StreamSample, _ e: StreamSample) -> Bool {
    func close(_ x: Double?, _ y: Double?, _ scale: Double) -> Bool {
        switch (x, y) {
        case (nil, nil): return true
        case let (x?, y?): return abs(x - y) <= 0.5 / scale + abs(y) * 1e-12
        default: return false
        }
    }
    return a.tsMs == e.tsMs && a.side == e.side && a.packets == e.packets && a.packetsLost == e.packetsLost
        && a.frameWidth == e.frameWidth && a.frameHeight == e.frameHeight && a.freezeCount == e.freezeCount
        && a.qualityLimitation == e.qualityLimitation && a.bytesTotal == e.bytesTotal
        && a.packetsTotal == e.packetsTotal && a.packetsLostTotal == e.packetsLostTotal
        && close(a.bitrateKbps, e.bitrateKbps, 100) && close(a.lossPercent, e.lossPercent, 1000)
        && close(a.jitterMs, e.jitterMs, 100) && close(a.rttMs, e.rttMs, 100) && close(a.fps, e.fps, 100)
        && close(a.captureFps, e.captureFps, 100)
        && close(a.freezeDurationMs, e.freezeDurationMs, 1) && close(a.concealmentPercent, e.concealmentPercent, 1000)
        && close(a.jitterBufferDelayMs, e.jitterBufferDelayMs, 100)
}

/// Samples like a real video stream's at a steady tick: a report clock with sub-millisecond
/// jitter, counters that grow at about `bitrateKbps` ± 7 %, derived metrics computed from the
/// counters and the exact report times as the core does, occasional loss and freezes, and noisy
/// jitter, RTT and FPS with full double precision.
struct RealisticVideoStream {
    var side: StreamSide
    var tsMs: Int64
    var tickMs: Double = 2000
    private var clockMs: Double
    var bitrateKbps: Double = 2500
    private var bytes: Int64 = 0
    private var packets: Int64 = 0
    private var lost: Int64 = 0
    private var freezes: Int64 = 0
    private var rng: SeededGenerator

    init(side: StreamSide, startMs: Int64, seed: UInt64) {
        self.side = side
        self.tsMs = startMs
        self.clockMs = Double(startMs)
        self.rng = SeededGenerator(seed: seed)
    }

    mutating func next() -> StreamSample {
        let previousClock = clockMs
        clockMs += tickMs + Double.random(in: -4...4, using: &rng)
        tsMs = Int64(clockMs.rounded(.down))
        let seconds = (clockMs - previousClock) / 1000
        let dBytes = Int64(bitrateKbps * 125 * tickMs / 1000 * Double.random(in: 0.93...1.07, using: &rng))
        let dPackets = dBytes / 1150 + Int64.random(in: 0...3, using: &rng)
        let dLost: Int64 = Int.random(in: 0..<10, using: &rng) == 0 ? Int64.random(in: 1...4, using: &rng) : 0
        bytes += dBytes
        packets += dPackets
        lost += dLost
        var s = StreamSample(tsMs: tsMs, side: side)
        s.bytesTotal = bytes
        s.packetsTotal = packets
        s.packetsLostTotal = lost
        s.packets = dPackets
        s.packetsLost = dLost
        s.bitrateKbps = Double(dBytes) * 8 / seconds / 1000
        s.lossPercent = Double(dLost) / Double(dPackets + dLost) * 100
        s.jitterMs = 4 + Double.random(in: 0...6, using: &rng)
        s.rttMs = 38 + Double.random(in: 0...12, using: &rng)
        s.fps = 30 - Double.random(in: 0...1.5, using: &rng)
        s.frameWidth = 1280
        s.frameHeight = 720
        if side == .sender {
            s.qualityLimitation = QualityLimitationReason.none
        } else {
            let froze = Int.random(in: 0..<200, using: &rng) == 0
            if froze { freezes += 1 }
            s.freezeCount = froze ? 1 : 0
            s.freezeDurationMs = froze ? Double.random(in: 150...900, using: &rng) : 0
            s.jitterBufferDelayMs = 55 + Double.random(in: 0...20, using: &rng)
        }
        return s
    }
}
