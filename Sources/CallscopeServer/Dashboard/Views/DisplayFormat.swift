import Foundation

/// How the dashboard writes times and durations: UTC, locale-independent (the page's JS turns
/// `data-ms` attributes into the viewer's local time).
enum DisplayFormat {
    /// `2026-11-25 14:02:03 UTC`.
    static func dateTime(_ ms: Int64) -> String {
        let seconds = ms / 1000
        let days = Int(seconds.floorDiv(86_400))
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (y, m, d) = civilDate(daysSinceEpoch: days)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d UTC", y, m, d,
                      secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
    }

    /// `1 h 02 min`, `4 min 05 s`, `12 s`.
    static func duration(_ ms: Int64) -> String {
        let s = max(0, ms / 1000)
        if s >= 3600 { return String(format: "%d h %02d min", s / 3600, s / 60 % 60) }
        if s >= 60 { return String(format: "%d min %02d s", s / 60, s % 60) }
        return "\(s) s"
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian, UTC).
    static func civilDate(daysSinceEpoch: Int) -> (Int, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 { self >= 0 ? self / d : -((-self + d - 1) / d) }
}

extension DisplayFormat {
    /// The inverse of `civilDate`: days since 1970-01-01 of a Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
