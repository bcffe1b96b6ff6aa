/// Correctly rounded `w / 10^k` for a 64-bit decimal significand `w` and `1 ≤ k ≤ 22`, for the
/// numbers Clinger's fast path cannot take: 16 to 19 significant digits (`w > 2^53`), which is
/// what browsers print for computed values (`"jitter": 0.009813176316130955`, a `totalRoundTripTime`,
/// an audio energy). Those are about a third of the numbers in a stats message, and
/// `Double(String)` (glibc `strtod`, after building a `String`) cost ~60 ns each.
///
/// How: take the nearest-ish `Double` from two floating-point operations (off by at most a
/// couple of ulps), then decide exactly, in 128-bit integers, whether the true quotient lies
/// within half an ulp of that candidate, stepping to a neighbour if not. Returns `nil` — the
/// caller falls back to `Double(String)` — whenever the check would not fit in 128 bits or the
/// candidate is a power of two (whose lower neighbour is closer), so every result it does return
/// is the correctly rounded one (ties to even).
enum DecimalQuotient {
    private static let powersOfTen: [Double] = (0...22).map { k in
        var power = 1.0
        for _ in 0..<k { power *= 10 }  // exact: every power up to 1e22 is a Double
        return power
    }

    private static let exactPowersOfTen: [UInt128] = (0...22).map { k in
        var power: UInt128 = 1
        for _ in 0..<k { power *= 10 }
        return power
    }

    static func value(_ w: UInt64, dividedByPowerOfTen k: Int) -> Double? {
        guard w != 0, k >= 1, k <= 22 else { return nil }
        let tenToK = exactPowersOfTen[k]
        let significantBits = UInt64.bitWidth - w.leadingZeroBitCount
        var candidate = Double(w) / powersOfTen[k]
        for _ in 0..<4 {
            guard candidate.isNormal else { return nil }
            // candidate = m × 2^e exactly, with 2^52 ≤ m < 2^53.
            let m = candidate.significandBitPattern | (1 << 52)
            if m == 1 << 52 { return nil }
            let e = Int(candidate.exponent) - 52
            // Compare w / 10^k with the rounding interval (m ± ½) × 2^e, all scaled by 10^k × 2^(1−e)
            // so that every side is an integer: 2w × 2^(−e) against (2m ± 1) × 10^k.
            let shift = 1 - e
            guard shift >= 0, significantBits + shift <= 127 else { return nil }
            let scaled = UInt128(w) << shift
            let below = UInt128(2 * m - 1) * tenToK   // < 2^54 × 10^22 < 2^128
            let above = UInt128(2 * m + 1) * tenToK
            if scaled < below {
                candidate = candidate.nextDown
            } else if scaled > above {
                candidate = candidate.nextUp
            } else if scaled == below || scaled == above {
                // Exactly halfway: ties go to the even significand (m ± 1 is even when m is odd).
                if m & 1 == 0 { return candidate }
                return scaled == below ? candidate.nextDown : candidate.nextUp
            } else {
                return candidate
            }
        }
        return nil
    }
}
