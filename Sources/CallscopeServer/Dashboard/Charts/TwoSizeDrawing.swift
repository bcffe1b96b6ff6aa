/// An SVG drawing the pages embed at two widths. A drawing scales to its container, so one made
/// 640 units wide shrinks its 10-unit text to about 5 px on a 390 px phone; the narrow copy,
/// 360 units wide, keeps text near its drawn size with fewer ticks and points. The style sheet
/// shows `cs-wide` or `cs-narrow` by the viewport's width.
protocol TwoSizeDrawing {
    var width: Double { get set }
    /// An extra class on the root `<svg>`, naming its size for the style sheet.
    var sizeClass: String? { get set }
    func render() -> String
    /// What else changes in the narrow copy besides its width (fewer points, a lower plot).
    mutating func fitNarrow()
}

extension TwoSizeDrawing {
    static var narrowWidth: Double { 360 }

    /// Both drawings, wide first, in one string for the page.
    func renderBothSizes() -> String {
        var wide = self
        wide.sizeClass = "cs-wide"
        var narrow = self
        narrow.sizeClass = "cs-narrow"
        narrow.width = Self.narrowWidth
        narrow.fitNarrow()
        return wide.render() + narrow.render()
    }

    /// The root's class attribute: `base` plus the size class when there is one.
    func rootClass(_ base: String) -> String {
        sizeClass.map { "\(base) \($0)" } ?? base
    }
}
