import CallscopeCore

/// A simulated meeting: participants join, send stats every tick with network episodes, mute,
/// hit errors, one of them rejoins half-way, and all leave at the end. It produces ingest
/// protocol v1 messages; the caller sends them.
struct SyntheticMeeting {
    let meetingId: String
    var participants: [SyntheticParticipant]
    let tickMs: Int64
    var pcGeneration: [Int]
    var rng: SplitMix64

    init(meetingId: String, participantCount: Int, shareScreen: Bool, tickMs: Int64, seed: UInt64) {
        self.meetingId = meetingId
        self.tickMs = tickMs
        var rng = SplitMix64(seed: seed)
        var people: [SyntheticParticipant] = []
        for i in 0..<participantCount {
            people.append(SyntheticParticipant(id: "\(meetingId)-p\(i + 1)", name: Self.names[i % Self.names.count] + " \(i + 1)",
                                               index: i, shareScreen: shareScreen && i == 0, rng: &rng))
        }
        for i in people.indices {
            for j in people.indices where j != i { people[i].subscribe(to: people[j]) }
        }
        participants = people
        pcGeneration = Array(repeating: 1, count: participantCount)
        self.rng = rng
    }

    static let names = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"]

    /// The join messages, one per participant, at `startMs`.
    mutating func joins(startMs: Int64) -> [(participant: Int, message: JSONValue)] {
        participants.indices.map { i in
            let setup = Int64.random(in: 350...2600, using: &rng)
            return (i, message(i, type: "join", ts: startMs + Int64(i) * 150, [
                "name": .string(participants[i].name), "setupMs": .number(Double(setup)),
                "userAgent": .string("Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0"), "platform": .string("desktop"),
                "os": .string("Linux"), "browser": .string("Chrome 156"), "device": .string("Desktop PC"),
                "sdk": .object(["name": .string("callscope-simulate"), "version": .string("1.0.0")]),
            ]))
        }
    }

    /// One stats tick at `tsMs`: a stats message per participant (full the first time on a peer
    /// connection, delta after), sometimes an event or an error.
    mutating func tick(tsMs: Int64, dt: Double) -> [(participant: Int, message: JSONValue)] {
        for i in participants.indices { participants[i].network.advance(using: &rng) }
        let downLoss = participants.map(\.network.downlinkLoss).reduce(0, +) / Double(max(1, participants.count))
        for i in participants.indices { participants[i].advanceSending(dt: dt, receiverLoss: downLoss) }
        let snapshot = participants
        for i in participants.indices {
            for sender in snapshot where sender.id != participants[i].id {
                participants[i].advanceReceiving(from: sender, dt: dt, rng: &rng)
            }
        }
        var out: [(Int, JSONValue)] = []
        for i in participants.indices {
            let ts = Double(tsMs)
            let report = participants[i].report(timestampMs: ts)
            var members: [String: JSONValue] = ["pc": .string("pc-\(pcGeneration[i])")]
            if let last = participants[i].lastReport {
                members["delta"] = ReportDiff.delta(from: last, to: report, timestampMs: ts)
                members["timestamp"] = .number(ts)
            } else {
                members["report"] = .array(Array(report.values))
                members["labels"] = participants[i].labels
            }
            participants[i].lastReport = report
            out.append((i, message(i, type: "stats", ts: tsMs, members)))
            let roll = Double.random(in: 0..<1, using: &rng)
            if roll < 0.01 {
                out.append((i, message(i, type: "event", ts: tsMs, [
                    "name": .string(Bool.random(using: &rng) ? "mute" : "unmute"),
                    "data": .object(["kind": .string("audio")]),
                ])))
            } else if roll < 0.013 || (participants[i].network.episodeTicks == 1 && participants[i].network.uplinkLoss > 0.1) {
                out.append((i, message(i, type: "error", ts: tsMs, [
                    "code": .string("ICE_DISCONNECTED"), "message": .string("ICE connection state changed to disconnected"),
                    "severity": .string("warning"), "source": .string("sdk"),
                    "data": .object(["iceConnectionState": .string("disconnected")]),
                ])))
            }
        }
        return out
    }

    /// Participant `i` leaves and joins again with a new peer connection (a rejoin is a new attempt).
    mutating func rejoin(_ i: Int, tsMs: Int64) -> [(participant: Int, message: JSONValue)] {
        pcGeneration[i] += 1
        participants[i].lastReport = nil
        return [
            (i, message(i, type: "leave", ts: tsMs, ["reason": .string("network")])),
            (i, message(i, type: "join", ts: tsMs + 1_500, ["name": .string(participants[i].name), "setupMs": .number(900)])),
        ]
    }

    mutating func leaves(tsMs: Int64) -> [(participant: Int, message: JSONValue)] {
        participants.indices.map { (i: Int) in (i, message(i, type: "leave", ts: tsMs + Int64(i) * 100, ["reason": .string("left")])) }
    }

    private mutating func message(_ i: Int, type: String, ts: Int64, _ members: [String: JSONValue]) -> JSONValue {
        var m = members
        m["type"] = .string(type)
        m["meetingId"] = .string(meetingId)
        m["participantId"] = .string(participants[i].id)
        m["seq"] = .number(Double(participants[i].nextSeq()))
        m["ts"] = .number(Double(ts))
        return .object(m)
    }
}
