/// One participant's network as the simulator plays it: a base quality plus episodes of loss,
/// jitter and latency on its uplink or downlink.
struct NetworkCondition {
    var baseRttMs: Double
    var baseJitterMs: Double
    var uplinkLoss: Double = 0
    var downlinkLoss: Double = 0
    var extraJitterMs: Double = 0
    var extraRttMs: Double = 0
    /// Ticks left in the current episode.
    var episodeTicks = 0

    /// Moves one tick on: episodes start at random (about one per 3 minutes at a 2 s tick) and
    /// last 10–60 s.
    mutating func advance(using rng: inout some RandomNumberGenerator) {
        if episodeTicks > 0 {
            episodeTicks -= 1
            if episodeTicks == 0 { uplinkLoss = 0; downlinkLoss = 0; extraJitterMs = 0; extraRttMs = 0 }
            return
        }
        guard Double.random(in: 0..<1, using: &rng) < 0.011 else { return }
        episodeTicks = Int.random(in: 5...30, using: &rng)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: uplinkLoss = Double.random(in: 0.04...0.2, using: &rng)
        case 1: downlinkLoss = Double.random(in: 0.04...0.2, using: &rng)
        case 2: extraJitterMs = Double.random(in: 25...90, using: &rng)
        default: extraRttMs = Double.random(in: 200...700, using: &rng)
        }
    }

    var rttMs: Double { baseRttMs + extraRttMs }
    var jitterMs: Double { baseJitterMs + extraJitterMs }
}
