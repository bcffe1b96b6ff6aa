import Foundation

/// How the dashboard writes times and durations: UTC, locale-independent (the page's JS turns
/// `data-ms` attributes into the viewer's local time).
enum DisplayFormat {
    /// `2026-11-25 14:02:03 UTC` (the charts' calendar arithmetic, one place for both).
    static func dateTime(_ ms: Int64) -> String {
        "\(ChartFormat.date(ms)) \(ChartFormat.time(ms))"
    }

    /// `1 h 02 min`, `4 min 05 s`, `12 s`.
    static func duration(_ ms: Int64) -> String {
        let s = max(0, ms / 1000)
        if s >= 3600 { return String(format: "%d h %02d min", s / 3600, s / 60 % 60) }
        if s >= 60 { return String(format: "%d min %02d s", s / 60, s % 60) }
        return "\(s) s"
    }

    /// Days since 1970-01-01 of a Gregorian date (the inverse of `ChartFormat.civil`), for the
    /// list's UTC date inputs.
    /// Days in `month` (1–12) of `year` (Gregorian).
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
