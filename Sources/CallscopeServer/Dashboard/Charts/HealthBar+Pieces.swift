import CallscopeCore

/// The arithmetic of a health bar: the span it covers, its slots of one slice length (or groups
/// of slices when there are more than `maxRects`), and the pieces drawn, left to right.
extension HealthBar {
    /// The span drawn: the given one, widened to whole stored slices that lie outside it.
    var span: (from: Int64, to: Int64) {
        Self.span(fromMs: fromMs, toMs: toMs, slices: slices, sliceMs: sliceMs)
    }

    /// `fromMs`…`toMs` widened to whole `slices` that lie outside it: bars given the span of all
    /// their slices share one time axis.
    static func span(fromMs: Int64, toMs: Int64, slices: [HealthSlice], sliceMs: Int64) -> (from: Int64, to: Int64) {
        var from = EpochTime.clamped(fromMs), to = EpochTime.clamped(toMs)
        let starts = slices.map(\.startMs).filter(EpochTime.range.contains)
        if let first = starts.min() { from = min(from, first) }
        if let last = starts.max() { to = max(to, last + sliceMs) }
        return (from, to)
    }

    var firstSlotStart: Int64 {
        let f = span.from
        return f >= 0 ? f / sliceMs * sliceMs : (f - sliceMs + 1) / sliceMs * sliceMs
    }

    var slotCount: Int {
        Int((span.to - firstSlotStart + sliceMs - 1) / sliceMs)
    }

    /// How many stored slices one rect covers.
    var slicesPerRect: Int {
        let n = slotCount
        return max(1, (n + maxRects - 1) / max(1, maxRects))
    }

    /// One drawn piece of the bar.
    struct Piece: Sendable, Hashable {
        var startMs: Int64
        var endMs: Int64
        /// `nil`: grey (no data, or data without a judged metric).
        var colour: HealthColour?
        /// The combined figures; `nil` where no slice exists.
        var figures: HealthAccumulator?
        /// Stored slices behind the piece.
        var sliceCount: Int
    }

    /// The pieces of the bar, left to right: one per slot (or group of slots), runs without data
    /// merged into one.
    var pieces: [Piece] {
        let (from, to) = span
        let first = firstSlotStart
        let groupMs = sliceMs * Int64(slicesPerRect)
        // Stored slices by group: O(slices + groups), whatever the span.
        var groups: [Int64: (figures: HealthAccumulator, colour: HealthColour?, count: Int)] = [:]
        for slice in slices {
            let g = (slice.startMs - first) / groupMs
            let c = slice.figures.colour(limits)
            if var e = groups[g] {
                e.figures.merge(slice.figures)
                if let c { e.colour = max(e.colour ?? c, c) }
                e.count += 1
                groups[g] = e
            } else {
                groups[g] = (slice.figures, c, 1)
            }
        }
        var pieces: [Piece] = []
        var g: Int64 = 0
        while first + g * groupMs < to {
            let start = first + g * groupMs
            let e = groups[g]
            let piece = Piece(startMs: max(start, from), endMs: min(start + groupMs, to), colour: e?.colour,
                              figures: e?.figures, sliceCount: e?.count ?? 0)
            if piece.figures == nil, let last = pieces.last, last.figures == nil, last.endMs == piece.startMs {
                pieces[pieces.count - 1].endMs = piece.endMs
            } else {
                pieces.append(piece)
            }
            g += 1
        }
        return pieces
    }
}
