/// A fixed set of ASCII names with a lookup from UTF-8 bytes that costs one cheap hash and a
/// word-wise compare.
///
/// Why: every stats message repeats the same few hundred member names (`bytesReceived`,
/// `jitterBufferEmittedCount`, …), and `Dictionary<String, _>` hashes each with SipHash, which
/// showed up as the largest single cost of ingest. Two places map names they have just read to
/// something known: `StatField` (interning member names) and the parser (handing out one shared
/// `String` for a long key instead of allocating a new one). Built once and immutable, so it is
/// shared between threads without locks.
///
/// A class over raw buffers, not a struct of arrays: looking a name up in a `static let` table
/// then costs no reference counting (a struct of four arrays was copied, four retains and four
/// releases, per lookup). `@unchecked Sendable`: the buffers are written only in `init`.
final class NameTable: @unchecked Sendable {
    /// The names, by index.
    let names: [String]
    /// All names' bytes, back to back.
    private let bytes: UnsafeMutableRawBufferPointer
    /// Open addressing, linear probing. A slot holds where its name's bytes are, so that a probe
    /// is one load before the byte compare.
    private let slots: UnsafeMutableBufferPointer<Slot>
    private let mask: Int
    /// `64 − log2(slot count)`: multiplicative hashing takes the slot from the high bits.
    private let shift: UInt64

    private struct Slot {
        static let empty = Slot(index: .max, count: 0, start: 0)
        var index: UInt16
        var count: UInt16
        var start: UInt32
    }

    init(names: [String]) {
        precondition(names.count < Int(UInt16.max), "too many names for a NameTable")
        self.names = names
        let byteCount = names.reduce(0) { $0 + $1.utf8.count }
        bytes = .allocate(byteCount: max(1, byteCount), alignment: 8)
        var capacity = 16
        while capacity < names.count * 4 { capacity *= 2 }  // load ≤ 25 %: probes stay short
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: .empty)
        mask = capacity - 1
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        var offset = 0
        for (index, name) in names.enumerated() {
            let start = offset
            for byte in name.utf8 {
                bytes[offset] = byte
                offset += 1
            }
            var slot = Int(truncatingIfNeeded: Self.hash(UnsafeRawBufferPointer(rebasing: bytes[start..<offset])) >> shift)
            while slots[slot].index != Slot.empty.index { slot = (slot + 1) & mask }
            slots[slot] = Slot(index: UInt16(index), count: UInt16(offset - start), start: UInt32(start))
        }
    }

    deinit {
        bytes.deallocate()
        slots.deallocate()
    }

    /// The index of the name spelled by `key`, or `nil` when it is not in the table.
    @inline(__always)
    func index(of key: UnsafeRawBufferPointer) -> Int? {
        var slot = Int(truncatingIfNeeded: Self.hash(key) >> shift)
        while true {
            let entry = slots[slot]
            if entry.index == Slot.empty.index { return nil }
            if Int(entry.count) == key.count {
                let start = Int(entry.start)
                if Self.equal(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + key.count)]), key) {
                    return Int(entry.index)
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The index of `name`, or `nil` when it is not in the table.
    @inline(__always)
    func index(of name: String) -> Int? {
        if let found = name.utf8.withContiguousStorageIfAvailable({ index(of: UnsafeRawBufferPointer($0)) }) {
            return found
        }
        return Array(name.utf8).withUnsafeBytes { index(of: $0) }
    }

    /// Byte equality of two buffers of the same length, a word at a time (the module imports no
    /// libc, so no `memcmp`; names are short).
    @inline(__always)
    private static func equal(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        let count = lhs.count
        if count >= 8 {
            var offset = 0
            while offset + 8 < count {
                if word(lhs, offset) != word(rhs, offset) { return false }
                offset += 8
            }
            return word(lhs, count - 8) == word(rhs, count - 8)  // the last word, overlapping
        }
        return shortWord(lhs) == shortWord(rhs)
    }

    /// A multiplicative hash of the first and last eight bytes (and any between): plenty for a
    /// few hundred fixed names, and a fraction of SipHash's cost. The two multiplies do not
    /// depend on each other. Not for untrusted keys in a growing table (no seed), which is why
    /// the table is fixed.
    @inline(__always)
    private static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        let count = key.count
        var hash: UInt64
        if count >= 8 {
            hash = word(key, 0) &* 0x9E37_79B9_7F4A_7C15 ^ word(key, count - 8) &* 0xFF51_AFD7_ED55_8CCD
            var offset = 8
            while offset + 8 < count {
                hash = (hash ^ word(key, offset)) &* 0xC4CE_B9FE_1A85_EC53
                offset += 8
            }
        } else {
            hash = shortWord(key) &* 0x9E37_79B9_7F4A_7C15
        }
        return (hash ^ UInt64(truncatingIfNeeded: count)) &* 0x9E37_79B9_7F4A_7C15
    }

    @inline(__always)
    private static func word(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    }

    /// The bytes of a key shorter than 8 as one number (two overlapping loads, no byte loop).
    @inline(__always)
    private static func shortWord(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        if count >= 4 {
            let low = UInt64(bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            let high = UInt64(bytes.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            return low | high << 32
        }
        var word: UInt64 = 0
        for offset in 0..<count { word |= UInt64(bytes[offset]) << (8 * UInt64(offset)) }
        return word
    }
}
