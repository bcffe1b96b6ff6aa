/// The mean opinion score (MOS, 1 to 4.5) of what one receiver heard: the ITU-T G.107 E-model,
/// simplified for VoIP as Cole and Rosenbluth did (docs/quality.md §2).
///
/// ```
/// d      = rttMs / 2 + jitterBufferDelayMs                 (effective one-way latency, ms)
/// Id     = 0.024 d + 0.11 (d − 177.3) H(d − 177.3)          (H: 1 when its argument is > 0)
/// Ppl    = max(loss %, concealment %)                        (in percent: 10 for 10 %)
/// Ie,eff = Ie + (95 − Ie) Ppl / (Ppl + Bpl)                 (G.107 §7.7 with BurstR = 1)
/// R      = 93.2 − Id − Ie,eff
/// MOS    = 1 + 0.035 R + 7·10⁻⁶ R (R − 60)(100 − R)      for 0 < R < 100; 1 below, 4.5 above
/// ```
///
/// ```swift
/// AudioQuality.mos(rttMs: 0, jitterBufferDelayMs: 0, lossPercent: 10)   // 3.41
/// ```
public enum AudioQuality {
    /// A codec's equipment impairment `Ie` and packet-loss robustness `Bpl` (ITU-T G.113).
    public struct Codec: Sendable, Hashable {
        public var impairment: Double
        public var lossRobustness: Double

        public init(impairment: Double, lossRobustness: Double) {
            self.impairment = impairment
            self.lossRobustness = lossRobustness
        }

        /// G.711 with packet-loss concealment (G.113 Appendix I: Ie = 0, Bpl = 25.1): the
        /// reference we judge Opus by. Opus conceals better, so this errs on the strict side.
        public static let concealing = Codec(impairment: 0, lossRobustness: 25.1)
    }

    /// R with every G.107 default but the delay and loss terms: 94.77 − 1.41 (Is).
    public static let defaultR: Double = 93.2

    /// The MOS for one interval. `lossPercent` and `concealmentPercent` are percentages (0 to 100),
    /// never fractions: 10 % loss is `10`.
    public static func mos(rttMs: Double, jitterBufferDelayMs: Double, lossPercent: Double,
                           concealmentPercent: Double = 0, codec: Codec = .concealing) -> Double {
        mos(r: rFactor(rttMs: rttMs, jitterBufferDelayMs: jitterBufferDelayMs, lossPercent: lossPercent,
                       concealmentPercent: concealmentPercent, codec: codec))
    }

    /// The transmission rating factor R (0 to 93.2) of the formula above.
    public static func rFactor(rttMs: Double, jitterBufferDelayMs: Double, lossPercent: Double,
                               concealmentPercent: Double = 0, codec: Codec = .concealing) -> Double {
        let d = max(0, finite(rttMs)) / 2 + max(0, finite(jitterBufferDelayMs))
        let delayImpairment = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0)
        let ppl = min(100, max(0, finite(lossPercent), finite(concealmentPercent)))
        let robustness = max(0.1, codec.lossRobustness)
        let lossImpairment = codec.impairment + (95 - codec.impairment) * ppl / (ppl + robustness)
        return max(0, defaultR - delayImpairment - lossImpairment)
    }

    /// G.107 Annex B: R to MOS.
    public static func mos(r: Double) -> Double {
        if r <= 0 { return 1 }
        if r >= 100 { return 4.5 }
        return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r)
    }

    private static func finite(_ x: Double) -> Double { x.isFinite ? x : 0 }
}
