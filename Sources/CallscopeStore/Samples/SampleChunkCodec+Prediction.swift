extension SampleChunkCodec {
    /// What the samples of a chunk so far leave for predicting the next one; the encoder and the
    /// decoder run the very same code on it, which is what keeps them in step. The rules are the
    /// "Predictions" of ``SampleChunkCodec``'s format description.
    struct PredictionState: Sendable, Hashable {
        /// The previous sample's `tsMs` (the chunk start before any).
        private(set) var tsMs: Int64
        /// The previous sample's `tsMs` minus the one before it.
        private(set) var stepMs: Int64 = 0
        /// The previous sample's presence mask.
        private(set) var mask: UInt64 = 0
        /// Per field, its value in the last sample that had it.
        private var values: [Int64] = Array(repeating: 0, count: SampleChunkCodec.fieldCount)
        /// Change of `bytesTotal` and `packetsTotal` over the previous sample (0 unless in both).
        private var bytesStep: Int64 = 0
        private var packetsStep: Int64 = 0

        init(startMs: Int64) {
            tsMs = startMs
        }

        /// The prediction of `field` for a sample at `tsMs` with presence `mask`, whose fields
        /// before `field` are already in `current`.
        @inline(__always)
        func predict(_ field: Field, current: UnsafeMutableBufferPointer<Int64>, mask: UInt64, tsMs: Int64) -> Int64 {
            func inBoth(_ f: Field) -> Bool { (mask & self.mask) & (1 << UInt64(f.rawValue)) != 0 }
            func present(_ f: Field) -> Bool { mask & (1 << UInt64(f.rawValue)) != 0 }
            let previous = values[field.rawValue]
            switch field {
            case .bytesTotal:
                return previous &+ bytesStep
            case .packetsTotal:
                return previous &+ packetsStep
            case .bitrateKbps:
                guard inBoth(.bytesTotal), tsMs > self.tsMs else { return previous }
                let bytes = current[Field.bytesTotal.rawValue] &- values[Field.bytesTotal.rawValue]
                let kbps = Double(bytes) * 8 / Double(tsMs &- self.tsMs)
                return SampleChunkCodec.quantised(kbps, field.scale) ?? previous
            case .packets:
                guard inBoth(.packetsTotal) else { return previous }
                return current[Field.packetsTotal.rawValue] &- values[Field.packetsTotal.rawValue]
            case .packetsLost:
                guard inBoth(.packetsLostTotal) else { return previous }
                return current[Field.packetsLostTotal.rawValue] &- values[Field.packetsLostTotal.rawValue]
            case .lossPercent:
                guard present(.packets), present(.packetsLost) else { return previous }
                let lost = Double(max(0, current[Field.packetsLost.rawValue]))
                let expected = Double(current[Field.packets.rawValue]) + lost
                guard expected > 0 else { return previous }
                return SampleChunkCodec.quantised(lost * 100 / expected, field.scale) ?? previous
            default:
                return previous
            }
        }

        /// Takes in a sample once all its fields are known.
        mutating func advance(current: UnsafeMutableBufferPointer<Int64>, mask: UInt64, tsMs: Int64) {
            let both = mask & self.mask
            let bytes = Field.bytesTotal.rawValue
            let packets = Field.packetsTotal.rawValue
            bytesStep = both & (1 << UInt64(bytes)) != 0 ? current[bytes] &- values[bytes] : 0
            packetsStep = both & (1 << UInt64(packets)) != 0 ? current[packets] &- values[packets] : 0
            var bits = mask
            while bits != 0 {
                let i = bits.trailingZeroBitCount
                bits &= bits &- 1
                values[i] = current[i]
            }
            stepMs = tsMs &- self.tsMs
            self.tsMs = tsMs
            self.mask = mask
        }
    }
}
