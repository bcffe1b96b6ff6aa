import CallscopeCore
import CallscopeStore

/// One project's session with two participants, and builders for the rows a batch carries.
struct Fixture {
    let t0: Int64 = 1_700_000_000_000
    let project = Project(id: "p1", name: "Web", ingestKey: "ik_web", createdMs: 1000)

    var session: Session {
        Session(id: "session-1", projectId: "p1", meetingId: "abcd-efgh-ijkl", status: .ongoing, startMs: t0,
                initiatingMs: 850, errorCount: 2)
    }

    var alice: Participant {
        Participant(
            sessionId: session.id, participantId: "alice", name: "Alice Smith",
            client: ClientInfo(userAgent: "Mozilla/5.0", platform: .desktop, device: "MacBook", os: "macOS 15",
                               browser: "Chrome 131", sdkName: "callscope.js", sdkVersion: "1.0.0", location: "Porto, PT"),
            attempts: [Attempt(joinedMs: t0, leftMs: t0 + 10_000, leaveReason: "closed", setupMs: 850),
                       Attempt(joinedMs: t0 + 12_000, setupMs: 400)],
            seqs: SeqRanges([1...20, 22...30]), lastSeenMs: t0 + 30_000)
    }

    var bob: Participant {
        Participant(sessionId: session.id, participantId: "bob", client: ClientInfo(platform: .mobile),
                    attempts: [Attempt(joinedMs: t0 + 2000)], seqs: SeqRanges([1...5]), lastSeenMs: t0 + 29_000)
    }

    let aliceVideo = StreamKey(senderId: "alice", receiverId: nil, kind: .video)
    let aliceToBobAudio = StreamKey(senderId: "alice", receiverId: "bob", kind: .audio)

    var recording: ServiceUse {
        ServiceUse(sessionId: session.id, service: .recording, startedMs: t0 + 1000, stoppedMs: t0 + 5000)
    }

    var hls: ServiceUse { ServiceUse(sessionId: session.id, service: .hls, startedMs: t0 + 3000) }

    /// Samples at a steady tick whose values vary in every field; the first has no rate metrics,
    /// as the first report of a series has none.
    func samples(count: Int, side: StreamSide, startMs: Int64, tickMs: Int64) -> [StreamSample] {
        (0..<count).map { k in
            let i = Int64(k)
            var s = StreamSample(tsMs: startMs + i * tickMs, side: side)
            s.jitterMs = 5 + Double(k % 13) * 0.737
            s.rttMs = 40 + Double(k % 7) * 1.3333
            s.frameWidth = k < 40 ? 1280 : 640
            s.frameHeight = k < 40 ? 720 : 360
            s.bytesTotal = 1000 + i * 250_000 + (i * i % 7) * 1000
            s.packetsTotal = 10 + i * 220 + i % 5
            s.packetsLostTotal = i / 9
            guard k > 0 else { return s }
            s.packets = 220 + (i % 5) - ((i - 1) % 5)
            s.packetsLost = (i / 9) - ((i - 1) / 9)
            s.lossPercent = Double(s.packetsLost!) / Double(s.packets! + s.packetsLost!) * 100
            s.bitrateKbps = 2000 + Double(k % 11) * 12.345
            s.fps = 30 - Double(k % 3) * 0.5
            if side == .sender {
                s.qualityLimitation = k % 17 == 0 ? .bandwidth : QualityLimitationReason.none
            } else {
                s.freezeCount = k % 23 == 0 ? 1 : 0
                s.freezeDurationMs = k % 23 == 0 ? 512 : 0
                s.concealmentPercent = Double(k % 4) * 0.0125
                s.jitterBufferDelayMs = 60 + Double(k % 9) * 2.25
            }
            return s
        }
    }

    func slice(_ participantId: String, _ kind: MediaKind, _ startMs: Int64, jitter: Double) -> HealthSlice {
        var figures = HealthAccumulator()
        figures.samples = 1
        figures.jitterSumMs = jitter
        figures.jitterCount = 1
        figures.rttSumMs = 120.5
        figures.rttCount = 1
        figures.packetsExpected = 500
        figures.packetsLost = 3
        figures.sentPacketsExpected = 200
        figures.sentPacketsLost = 1
        figures.fpsSum = kind.isVideo ? 29.5 : 0
        figures.fpsCount = kind.isVideo ? 1 : 0
        figures.freezeCount = 0
        figures.bitrateSumKbps = 1800.25
        figures.bitrateCount = 1
        return HealthSlice(sessionId: session.id, participantId: participantId, kind: kind, startMs: startMs,
                           figures: figures)
    }

    func event(_ participantId: String?, _ offsetMs: Int64, _ name: String) -> TimelineEvent {
        TimelineEvent(sessionId: session.id, participantId: participantId, tsMs: t0 + offsetMs, name: name,
                      dataJSON: #"{"n":"\#(name)"}"#)
    }

    func error(_ participantId: String?, _ offsetMs: Int64, _ code: String) -> SessionError {
        SessionError(sessionId: session.id, participantId: participantId, tsMs: t0 + offsetMs, code: code,
                     message: "\(code) happened", severity: .error,
                     source: participantId == nil ? .infrastructure : .sdk, dataJSON: #"{"code":"\#(code)"}"#)
    }
}
