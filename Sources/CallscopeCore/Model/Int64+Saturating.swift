extension Int64 {
    /// `self + other`, held at `.max` / `.min` instead of trapping. For times and counts read back
    /// from storage, where a row written before the edge checked its numbers may still hold any
    /// value: a page that shows it must not bring the server down.
    @inlinable
    public func adding(saturating other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self - other`, held at `.max` / `.min` instead of trapping.
    @inlinable
    public func subtracting(saturating other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : difference
    }

    /// `self * other`, held at `.max` / `.min` instead of trapping.
    @inlinable
    public func multiplied(saturating other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : product
    }
}
