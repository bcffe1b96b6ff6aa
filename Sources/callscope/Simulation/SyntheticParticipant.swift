import CallscopeCore

/// A simulated participant of an SFU call: one peer connection that sends audio and video (and
/// maybe a screen share) and receives every other participant's media, with cumulative counters
/// that evolve the way Chrome's `getStats()` counters do.
struct SyntheticParticipant {
    struct Outbound {
        var id: String
        var kind: MediaKind
        var ssrc: Int64
        var mid: String
        var bytesPerSecond: Double
        var packetsPerSecond: Double
        var fps: Double
        var width: Int
        var height: Int
        var bytesSent: Double = 0
        var packetsSent: Double = 0
        var framesEncoded: Double = 0
        var remoteLost: Double = 0
        var totalRoundTripTime: Double = 0
        var rttMeasurements: Double = 0
    }

    struct Inbound {
        var id: String
        var senderId: String
        var kind: MediaKind
        var ssrc: Int64
        var mid: String
        var bytesReceived: Double = 0
        var packetsReceived: Double = 0
        var packetsLost: Double = 0
        var framesDecoded: Double = 0
        var freezeCount: Double = 0
        var totalFreezesDuration: Double = 0
        var concealedSamples: Double = 0
        var totalSamplesReceived: Double = 0
        var jitterBufferDelay: Double = 0
        var jitterBufferEmittedCount: Double = 0
        var jitter: Double = 0
        var fps: Double = 0
        var width = 0
        var height = 0
    }

    let id: String
    let name: String
    var seq: Int64 = 0
    var network: NetworkCondition
    var outbound: [Outbound]
    var inbound: [Inbound] = []
    /// The report sent last, for delta compression.
    var lastReport: [String: JSONValue]?

    init(id: String, name: String, index: Int, shareScreen: Bool, rng: inout some RandomNumberGenerator) {
        self.id = id
        self.name = name
        network = NetworkCondition(baseRttMs: Double.random(in: 20...140, using: &rng),
                                   baseJitterMs: Double.random(in: 1...8, using: &rng))
        let base = Int64(index) * 10 + 1000
        outbound = [
            Outbound(id: "OT01A\(base)", kind: .audio, ssrc: base, mid: "0", bytesPerSecond: 4_000,
                     packetsPerSecond: 50, fps: 0, width: 0, height: 0),
            Outbound(id: "OT01V\(base + 1)", kind: .video, ssrc: base + 1, mid: "1", bytesPerSecond: 110_000,
                     packetsPerSecond: 110, fps: 30, width: 1280, height: 720),
        ]
        if shareScreen {
            outbound.append(Outbound(id: "OT01V\(base + 2)", kind: .screenVideo, ssrc: base + 2, mid: "2",
                                     bytesPerSecond: 60_000, packetsPerSecond: 60, fps: 5, width: 1920, height: 1080))
        }
    }

    mutating func nextSeq() -> Int64 {
        seq += 1
        return seq
    }

    /// Adds the streams this participant receives from `sender`.
    mutating func subscribe(to sender: SyntheticParticipant) {
        for out in sender.outbound {
            let mid = "\(inbound.count + 10)"
            inbound.append(Inbound(id: "IT01\(out.kind == .audio ? "A" : "V")\(out.ssrc)", senderId: sender.id, kind: out.kind,
                                   ssrc: out.ssrc, mid: mid))
        }
    }

    /// `labels` of the stats messages: which remote participant and kind each received mid is.
    var labels: JSONValue {
        var mids: [String: JSONValue] = [:]
        for i in inbound { mids[i.mid] = .object(["remoteParticipantId": .string(i.senderId), "kind": .string(i.kind.rawValue)]) }
        for o in outbound where o.kind == .screenVideo { mids[o.mid] = .object(["kind": .string(o.kind.rawValue)]) }
        return .object(["mid": .object(mids)])
    }
}
