import Foundation
import Testing
@testable import CallscopeCore

/// A real Chrome 144 call from the shared corpus (rtcstats v3, full getStats reports keyed by id).
/// CI keeps `shared/` beside the clone, so the file is found relative to the package root.
enum CorpusFile {
    static let path: String = {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/corpus/Guilospanck_webrtc-stats-analyzer__rtcstats_dump.txt").path
    }()

    static var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// The getStats reports of one peer connection, in file order.
    static func reports(pc: String) throws -> [JSONValue] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var reports: [JSONValue] = []
        for line in text.split(separator: "\n").dropFirst(2) {
            // [method, pcId, value, …extra, timeDelta]
            guard case .array(let entry) = try JSONValue.parse(String(line)), entry.count >= 3,
                  entry[0] == .string("getStats"), entry[1] == .string(pc) else { continue }
            reports.append(entry[2])
        }
        return reports
    }
}

@Suite("Stats corpus")
struct StatsCorpusTests {
    @Test(.enabled(if: CorpusFile.exists, "shared corpus not found beside the package (../shared/corpus); skipped"))
    func chromeCallDerivesSaneValues() throws {
        let reports = try CorpusFile.reports(pc: "94-1")
        #expect(reports.count > 50)
        var pc = PeerConnectionStats()
        let context = StreamContext(participantId: "tab-3001")
        var last: [DerivedSample] = []
        var comparedBitrates = 0
        for value in reports {
            last = try pc.ingest(report: value, context: context)
            let report = try StatsReport(parsing: value)
            for derived in last {
                let sample = derived.sample
                #expect((sample.bitrateKbps ?? 0) >= 0 && (sample.packets ?? 0) >= 0 && (sample.packetsLost ?? 0) >= 0)
                #expect((0...100).contains(sample.lossPercent ?? 0))
                #expect((sample.jitterMs ?? 0) >= 0 && (sample.rttMs ?? 0) >= 0 && (sample.fps ?? 0) >= 0)
                #expect((sample.jitterBufferDelayMs ?? 0) >= 0 && (0...100).contains(sample.concealmentPercent ?? 0))
                // webrtc-internals stored its own bitrate next to each rtp stat; ours must agree.
                guard let bitrate = sample.bitrateKbps else { continue }
                let member = sample.side == .sender ? "[bytesSent_in_bits/s]" : "[bytesReceived_in_bits/s]"
                let theirs = report.stats.values.filter {
                    $0["type"] == .string(sample.side == .sender ? "outbound-rtp" : "inbound-rtp")
                        && $0["kind"] == .string(derived.key.kind.rawValue)
                }.compactMap { $0[member]?.double }
                if theirs.count == 1, let bitsPerSecond = theirs.first {
                    #expect(abs(bitrate - bitsPerSecond / 1000) < 0.01, "\(derived.key) \(sample.tsMs)")
                    comparedBitrates += 1
                }
            }
        }
        #expect(comparedBitrates > 150)

        // Late in the call: audio and 640×480 video flowing both ways.
        #expect(last.count == 4)
        for kind in [MediaKind.audio, .video] {
            let received = try last.sample("unknown:\(kind == .audio ? 0 : 1)", "tab-3001", kind, .receiver)
            let sent = try last.sample("tab-3001", nil, kind, .sender)
            for sample in [received, sent] {
                #expect((sample.bitrateKbps ?? 0) > 0 && (sample.packets ?? 0) > 0)
                #expect(sample.rttMs != nil && sample.jitterMs != nil)
                if kind == .video {
                    #expect(sample.frameWidth == 640 && sample.frameHeight == 480)
                    #expect((sample.fps ?? 0) > 0)
                }
            }
            #expect(received.lossPercent == 0)
        }
    }
}

extension StatsCorpusTests {
    /// jitsi rtcstats dumps hold rtcstats `getstats` deltas; they apply to an empty report as
    /// they are. A Firefox SFU call (the stat ids have no `id` member, `timestamp: 0` means the
    /// top-level timestamp, remote-inbound-rtp matched by ssrc when needed).
    @Test(.enabled(if: CorpusFile.exists, "shared corpus not found beside the package (../shared/corpus); skipped"))
    func rtcstatsDeltasFromFirefoxApplyAsTheyAre() throws {
        let path = CorpusFile.path.replacingOccurrences(of: "Guilospanck_webrtc-stats-analyzer__rtcstats_dump.txt",
                                                        with: "jitsi_rtcstats-server__firefox-standard-stats-sfu")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var pc = PeerConnectionStats(restoring: StatsReport())
        let context = StreamContext(participantId: "firefox")
        var ticks = 0
        var sentWithRtt = 0
        var receivedWithBitrate = 0
        for line in text.split(separator: "\n") {
            guard case .array(let entry) = try JSONValue.parse(String(line)), entry.count >= 4,
                  entry[0] == .string("getstats"), entry[1] == .string("PC_0") else { continue }
            let samples = try pc.ingest(delta: entry[2], timestampMs: nil, context: context)
            ticks += 1
            for derived in samples {
                let sample = derived.sample
                #expect((sample.bitrateKbps ?? 0) >= 0 && (sample.packets ?? 0) >= 0)
                #expect((0...100).contains(sample.lossPercent ?? 0))
                if sample.side == .sender, sample.rttMs != nil { sentWithRtt += 1 }
                if sample.side == .receiver, (sample.bitrateKbps ?? 0) > 0 { receivedWithBitrate += 1 }
            }
        }
        #expect(ticks > 70)
        #expect(sentWithRtt > 100)           // audio + video, most ticks
        #expect(receivedWithBitrate > 300)   // several remote streams through the SFU
    }
}
