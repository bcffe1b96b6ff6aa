import CallscopeCore

/// Axis ticks: "nice" value ticks (steps of 1, 2 or 5 × 10ⁿ, from 0) and clock-time ticks (UTC).
enum ChartTicks {
    /// Value ticks from 0 up to the first tick at or above `max`, about `target` steps, each step
    /// 1, 2 or 5 × 10ⁿ (at least 1 when `integral`). `values(upTo: 42)` is 0, 10, 20, 30, 40, 50.
    /// A `max` of 0 or less (or not finite) gives 0 and 1.
    /// When that leaves over a fifth of the axis empty, a finer step is taken if it needs no more
    /// than 8 ticks: 31.5 gives 0, 5, …, 35 rather than 0, 10, …, 40.
    static func values(upTo max: Double, target: Int = 5, integral: Bool = false) -> (ticks: [Double], step: Double, fractionDigits: Int) {
        let coarse = steps(upTo: max, target: target, integral: integral)
        guard let top = coarse.ticks.last, max.isFinite, (top - max) / top > 0.2 else { return coarse }
        let fine = steps(upTo: max, target: target + 2, integral: integral)
        return fine.ticks.count <= 8 ? fine : coarse
    }

    private static func steps(upTo max: Double, target: Int, integral: Bool) -> (ticks: [Double], step: Double, fractionDigits: Int) {
        guard max.isFinite, max > 0 else { return ([0, 1], 1, 0) }
        let raw = max / Double(Swift.max(1, target))
        // The power of ten at or below `raw`, found by multiplying so that steps stay exact for n ≥ 0.
        var power = 1.0
        var exponent = 0
        while power * 10 <= raw { power *= 10; exponent += 1 }
        while power > raw, exponent > -12 { power /= 10; exponent -= 1 }
        let fraction = raw / power
        var step = fraction <= 1 ? power : fraction <= 2 ? 2 * power : fraction <= 5 ? 5 * power : 10 * power
        if step >= 10 * power { exponent += 1 }
        if integral, step < 1 { step = 1; exponent = 0 }
        let count = Int((max / step - 1e-9).rounded(.up))
        let ticks = (0...Swift.max(1, count)).map { Double($0) * step }
        return (ticks, step, Swift.max(0, -exponent))
    }

    /// Spacings of time ticks, in seconds, from 1 s to 1 day; beyond that, whole days.
    static let timeSteps: [Int64] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400]

    /// Clock-aligned tick times (ms) inside `[fromMs, toMs]`: the smallest step of ``timeSteps``
    /// that gives at most `maxCount` ticks. Ticks fall on multiples of the step since the epoch,
    /// which in UTC are whole minutes, hours, …
    /// Both ends are held within 1970…9999 (``EpochTime``), so no step or span overflows.
    static func times(fromMs rawFrom: Int64, toMs rawTo: Int64, maxCount: Int) -> (ticks: [Int64], stepMs: Int64) {
        let fromMs = EpochTime.clamped(rawFrom), toMs = EpochTime.clamped(rawTo)
        let span = Swift.max(1, toMs - fromMs)
        let limit = Swift.max(2, maxCount)
        var stepMs = timeSteps.last! * 1000
        if let s = timeSteps.first(where: { span / ($0 * 1000) + 1 <= limit }) {
            stepMs = s * 1000
        } else {
            var days: Int64 = 2
            while span / (days * 86_400_000) + 1 > limit { days *= 2 }
            stepMs = days * 86_400_000
        }
        var t = fromMs >= 0 ? (fromMs + stepMs - 1) / stepMs * stepMs : fromMs / stepMs * stepMs
        var ticks: [Int64] = []
        while t <= toMs {
            ticks.append(t)
            t += stepMs
        }
        return (ticks, stepMs)
    }

    /// The label of a time tick for a given step: `HH:MM:SS` under a minute, `HH:MM` under a day,
    /// the date from a day up.
    static func timeLabel(_ ms: Int64, stepMs: Int64) -> String {
        if stepMs < 60_000 { return ChartFormat.clock(ms, seconds: true) }
        if stepMs < 86_400_000 { return ChartFormat.clock(ms, seconds: false) }
        return ChartFormat.date(ms)
    }
}
