/// Session IDs: 24 lowercase hex digits, the first 12 the start time in ms, so that IDs sort by
/// creation time; the rest random so that two nodes never collide.
public enum SessionID {
    public static func generate<G: RandomNumberGenerator>(nowMs: Int64, using generator: inout G) -> String {
        let time = String(UInt64(max(0, nowMs)) & 0xFFFF_FFFF_FFFF, radix: 16)
        let random = String(generator.next() & 0xFFFF_FFFF_FFFF, radix: 16)
        return String(repeating: "0", count: 12 - time.count) + time + String(repeating: "0", count: 12 - random.count) + random
    }

    public static func generate(nowMs: Int64) -> String {
        var rng = SystemRandomNumberGenerator()
        return generate(nowMs: nowMs, using: &rng)
    }
}
