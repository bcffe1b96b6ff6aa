/// The parser's stack of pending keys or values: like an `Array` used as a stack, except that
/// the top elements can be *moved* out when their container closes.
///
/// Why: with an `Array`, building a container copies each member out (a retain for every
/// string, array and object) and then `removeLast(_:)` destroys the originals (a release each,
/// through generic code). Moving costs neither.
final class MoveStack<Element> {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always)
    func push(_ element: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    /// Hands `body` the elements from `start` to the top, which it must move out (`move()` or
    /// `moveInitialize`), and drops them from the stack.
    @inline(__always)
    func moveTop<Result>(from start: Int, _ body: (UnsafeMutablePointer<Element>, Int) -> Result) -> Result {
        let moved = count - start
        count = start
        return body(base + start, moved)
    }

    private func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }
}
