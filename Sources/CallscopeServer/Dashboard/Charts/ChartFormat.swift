import CallscopeCore

/// Locale-independent number and time formatting for charts and their labels: always a `.` decimal
/// point, no thousands separator, UTC clock times. Nothing here reads the process locale or time zone.
///
/// ```swift
/// ChartFormat.ms(42.4)                 // "42 ms"
/// ChartFormat.bitrate(kbps: 1234)      // "1.2 Mbit/s"
/// ChartFormat.percent(3.42)            // "3.4 %"
/// ChartFormat.resolution(1280, 720)    // "1280×720"
/// ChartFormat.fps(29.84)               // "29.8 fps"
/// ChartFormat.time(1_700_000_523_000)  // "22:22:03 UTC"
/// ```
enum ChartFormat {
    /// Shown for a value that cannot be drawn (NaN, infinity).
    static let missing = "–"

    /// `value` rounded to `fractionDigits` decimals, trailing zeros (and a trailing point) removed:
    /// `decimal(2.50, 2)` is `"2.5"`, `decimal(3, 1)` is `"3"`, `decimal(-0.04, 1)` is `"0"`.
    static func decimal(_ value: Double, fractionDigits: Int) -> String {
        guard value.isFinite else { return missing }
        let digits = max(0, min(fractionDigits, 6))
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        // Beyond what Int64 holds exactly: not a chart value; print without a fraction.
        guard scaled < 9e15 else { return (value < 0 ? "-" : "") + String(Int64(min(abs(value), 9e18).rounded())) }
        let n = Int64(scaled)
        let unit = Int64(scale)
        var text = String(n / unit)
        var fraction = n % unit
        if digits > 0, fraction > 0 {
            var width = digits
            while fraction % 10 == 0 { fraction /= 10; width -= 1 }
            let f = String(fraction)
            text += "." + String(repeating: "0", count: width - f.count) + f
        }
        return n > 0 && value < 0 ? "-" + text : text
    }

    /// A millisecond value: whole ms from 10 up, one decimal below. `"42 ms"`, `"4.3 ms"`.
    static func ms(_ value: Double) -> String {
        guard value.isFinite else { return missing }
        return decimal(value, fractionDigits: abs(value) < 9.95 ? 1 : 0) + " ms"
    }

    /// A bitrate given in kbit/s: `"850 kbit/s"` below 1000 kbit/s (one decimal below 10),
    /// `"1.2 Mbit/s"` from there (whole Mbit/s from 100).
    static func bitrate(kbps: Double) -> String {
        guard kbps.isFinite else { return missing }
        if abs(kbps).rounded() < 1000 {
            return decimal(kbps, fractionDigits: abs(kbps) < 9.95 ? 1 : 0) + " kbit/s"
        }
        let mbps = kbps / 1000
        return decimal(mbps, fractionDigits: abs(mbps) < 99.95 ? 1 : 0) + " Mbit/s"
    }

    /// A percentage: one decimal, two below 1 % so that a small loss does not print as 0. `"3.4 %"`.
    static func percent(_ value: Double) -> String {
        guard value.isFinite else { return missing }
        return decimal(value, fractionDigits: abs(value) < 1 ? 2 : 1) + " %"
    }

    /// `"1280×720"` (with the multiplication sign U+00D7).
    static func resolution(_ width: Int, _ height: Int) -> String { "\(width)×\(height)" }

    /// A frame rate: one decimal. `"29.8 fps"`, `"30 fps"`.
    static func fps(_ value: Double) -> String {
        guard value.isFinite else { return missing }
        return decimal(value, fractionDigits: 1) + " fps"
    }

    /// A count with its noun: `"1 freeze"`, `"3 freezes"`.
    static func count(_ n: Int64, _ singular: String, _ plural: String) -> String {
        "\(n) \(n == 1 ? singular : plural)"
    }

    /// A duration in whole seconds or larger units: `"10 s"`, `"1 min 30 s"`, `"2 h 5 min"`, `"250 ms"`.
    static func duration(ms: Int64) -> String {
        if ms < 1000 { return "\(max(0, ms)) ms" }
        let s = ms / 1000
        if s < 60 { return "\(s) s" }
        if s < 3600 { return s % 60 == 0 ? "\(s / 60) min" : "\(s / 60) min \(s % 60) s" }
        let minutes = s / 60
        return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min"
    }

    // MARK: Times (UTC)

    /// Whole seconds since the epoch, rounded down (also for times before 1970). Times beyond
    /// ±year 9999 are held there: the calendar arithmetic below must not overflow.
    private static func epochSeconds(_ rawMs: Int64) -> Int64 {
        let ms = min(max(rawMs, -EpochTime.maxMs), EpochTime.maxMs)
        return ms >= 0 ? ms / 1000 : (ms - 999) / 1000
    }

    private static func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// The UTC clock time of `ms`: `"10:02"` or, with `seconds`, `"10:02:03"`.
    static func clock(_ ms: Int64, seconds: Bool = true) -> String {
        let s = epochSeconds(ms)
        let ofDay = ((s % 86_400) + 86_400) % 86_400
        let hm = two(ofDay / 3600) + ":" + two(ofDay / 60 % 60)
        return seconds ? hm + ":" + two(ofDay % 60) : hm
    }

    /// `"10:02:03 UTC"`.
    static func time(_ ms: Int64) -> String { clock(ms) + " UTC" }

    /// The UTC day of `ms` since the epoch (floor).
    static func day(_ ms: Int64) -> Int64 {
        let s = epochSeconds(ms)
        return s >= 0 ? s / 86_400 : (s - 86_399) / 86_400
    }

    /// The UTC calendar date of `ms` as (year, month, day), by Howard Hinnant's `civil_from_days`.
    static func civil(_ ms: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = day(ms) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `"2024-05-14"` (UTC).
    static func date(_ ms: Int64) -> String {
        let c = civil(ms)
        return "\(c.year)-\(two(c.month))-\(two(c.day))"
    }

    /// A time range for titles and summaries: `"10:02–10:34 UTC"` within one UTC day,
    /// `"2024-05-14 23:50 – 2024-05-15 00:20 UTC"` across days. Seconds are shown when asked, or by
    /// default when the range is shorter than 2 minutes.
    static func range(_ fromMs: Int64, _ toMs: Int64, seconds: Bool? = nil) -> String {
        let withSeconds = seconds ?? (toMs.subtracting(saturating: fromMs) < 120_000)
        if day(fromMs) == day(toMs) {
            return clock(fromMs, seconds: withSeconds) + "–" + clock(toMs, seconds: withSeconds) + " UTC"
        }
        return date(fromMs) + " " + clock(fromMs, seconds: withSeconds) + " – "
            + date(toMs) + " " + clock(toMs, seconds: withSeconds) + " UTC"
    }
}
