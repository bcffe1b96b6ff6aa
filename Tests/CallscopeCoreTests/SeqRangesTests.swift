import CallscopeCore
import Testing

@Suite("Seq ranges")
struct SeqRangesTests {
    @Test("in-order inserts form one range")
    func inOrder() {
        var r = SeqRanges()
        for s in 1...5 {
            let inserted = r.insert(Int64(s))
            #expect(inserted)
        }
        #expect(r.description == "1-5")
        #expect(r.contiguousHigh == 5)
        let again = r.insert(3)
        #expect(!again)
    }

    @Test("holes keep the ack below them until filled")
    func holes() {
        var r = SeqRanges()
        r.insert(1)
        r.insert(3)
        r.insert(4)
        #expect(r.description == "1,3-4")
        #expect(r.contiguousHigh == 1)
        #expect(r.highest == 4)
        r.insert(2)
        #expect(r.description == "1-4")
        #expect(r.contiguousHigh == 4)
    }

    @Test("parsing round-trips and rejects junk")
    func parsing() {
        #expect(SeqRanges(parsing: "1-20,22,25-30")?.description == "1-20,22,25-30")
        #expect(SeqRanges(parsing: "")?.ranges.isEmpty == true)
        #expect(SeqRanges(parsing: "5-2") == nil)
        #expect(SeqRanges(parsing: "a") == nil)
        #expect(SeqRanges([5...9, 1...3, 4...4]).description == "1-9")
    }
}
