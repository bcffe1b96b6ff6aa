import CallscopeCore

extension SyntheticParticipant {
    /// Advances the sending side by `dt` seconds (counters grow; the encoder adapts to loss).
    mutating func advanceSending(dt: Double, receiverLoss: Double) {
        for i in outbound.indices {
            let quality = 1 - min(0.5, network.uplinkLoss * 2)
            outbound[i].bytesSent += outbound[i].bytesPerSecond * dt * quality
            let packets = (outbound[i].packetsPerSecond * dt * quality).rounded()
            outbound[i].packetsSent += packets
            outbound[i].framesEncoded += (outbound[i].fps * dt).rounded()
            outbound[i].remoteLost += (packets * (network.uplinkLoss + receiverLoss * 0.2)).rounded()
            outbound[i].totalRoundTripTime += network.rttMs / 1000
            outbound[i].rttMeasurements += 1
        }
    }

    /// Advances what this participant receives from `sender` over `dt` seconds.
    mutating func advanceReceiving(from sender: SyntheticParticipant, dt: Double, rng: inout some RandomNumberGenerator) {
        for i in inbound.indices where inbound[i].senderId == sender.id {
            guard let out = sender.outbound.first(where: { $0.ssrc == inbound[i].ssrc }) else { continue }
            let loss = min(0.9, sender.network.uplinkLoss + network.downlinkLoss)
            let sent = (out.packetsPerSecond * dt * (1 - min(0.5, sender.network.uplinkLoss * 2))).rounded()
            let lost = (sent * loss).rounded()
            inbound[i].packetsReceived += sent - lost
            inbound[i].packetsLost += lost
            inbound[i].bytesReceived += (out.bytesPerSecond * dt * (1 - loss)).rounded()
            inbound[i].jitter = (sender.network.jitterMs + network.jitterMs + Double.random(in: 0...3, using: &rng)) / 1000
            if out.kind.isVideo {
                let fps = max(0, out.fps * (1 - loss * 2))
                inbound[i].fps = fps.rounded()
                inbound[i].framesDecoded += (fps * dt).rounded()
                inbound[i].width = loss > 0.1 ? out.width / 2 : out.width
                inbound[i].height = loss > 0.1 ? out.height / 2 : out.height
                if loss > 0.12 {
                    inbound[i].freezeCount += 1
                    inbound[i].totalFreezesDuration += 0.4
                }
            } else {
                let samples = 48_000 * dt
                inbound[i].totalSamplesReceived += samples
                inbound[i].concealedSamples += (samples * loss * 1.5).rounded()
            }
            inbound[i].jitterBufferDelay += (0.04 + inbound[i].jitter * 2) * (sent - lost)
            inbound[i].jitterBufferEmittedCount += sent - lost
        }
    }

    /// The full `getStats()` report as Chrome shapes it, keyed by stat id.
    func report(timestampMs: Double) -> [String: JSONValue] {
        var stats: [String: JSONValue] = [:]
        func put(_ id: String, _ type: String, _ members: [String: JSONValue]) {
            var m = members
            m["id"] = .string(id)
            m["type"] = .string(type)
            m["timestamp"] = .number(timestampMs)
            stats[id] = .object(m)
        }
        put("T01", "transport", ["selectedCandidatePairId": .string("CPabc"), "dtlsState": .string("connected")])
        put("CPabc", "candidate-pair", ["state": .string("succeeded"), "nominated": .bool(true),
                                        "currentRoundTripTime": .number(network.rttMs / 1000)])
        for o in outbound {
            var m: [String: JSONValue] = [
                "ssrc": .number(Double(o.ssrc)), "kind": .string(o.kind == .audio ? "audio" : "video"), "mid": .string(o.mid),
                "bytesSent": .number(o.bytesSent), "packetsSent": .number(o.packetsSent), "transportId": .string("T01"),
                "mediaSourceId": .string("SO\(o.ssrc)"),
            ]
            if o.kind.isVideo {
                m["framesEncoded"] = .number(o.framesEncoded)
                m["framesPerSecond"] = .number(o.fps)
                m["frameWidth"] = .number(Double(o.width))
                m["frameHeight"] = .number(Double(o.height))
                m["qualityLimitationReason"] = .string(network.uplinkLoss > 0.05 ? "bandwidth" : "none")
            }
            put(o.id, "outbound-rtp", m)
            put("RI\(o.ssrc)", "remote-inbound-rtp", [
                "ssrc": .number(Double(o.ssrc)), "kind": .string(o.kind == .audio ? "audio" : "video"),
                "localId": .string(o.id), "packetsLost": .number(o.remoteLost),
                "jitter": .number(network.jitterMs / 1000), "roundTripTime": .number(network.rttMs / 1000),
                "totalRoundTripTime": .number(o.totalRoundTripTime),
                "roundTripTimeMeasurements": .number(o.rttMeasurements),
            ])
        }
        for i in inbound {
            var m: [String: JSONValue] = [
                "ssrc": .number(Double(i.ssrc)), "kind": .string(i.kind == .audio ? "audio" : "video"), "mid": .string(i.mid),
                "trackIdentifier": .string("track-\(i.ssrc)"), "bytesReceived": .number(i.bytesReceived),
                "packetsReceived": .number(i.packetsReceived), "packetsLost": .number(i.packetsLost),
                "jitter": .number(i.jitter), "jitterBufferDelay": .number(i.jitterBufferDelay),
                "jitterBufferEmittedCount": .number(i.jitterBufferEmittedCount), "transportId": .string("T01"),
            ]
            if i.kind.isVideo {
                m["framesDecoded"] = .number(i.framesDecoded)
                m["framesPerSecond"] = .number(i.fps)
                m["frameWidth"] = .number(Double(i.width))
                m["frameHeight"] = .number(Double(i.height))
                m["freezeCount"] = .number(i.freezeCount)
                m["totalFreezesDuration"] = .number(i.totalFreezesDuration)
            } else {
                m["concealedSamples"] = .number(i.concealedSamples)
                m["totalSamplesReceived"] = .number(i.totalSamplesReceived)
            }
            put(i.id, "inbound-rtp", m)
        }
        return stats
    }
}
