/// One stat object as `StatsReport` stores it: the same members as its `StatObject`, laid out
/// for the two things ingest does with every stat on every tick — a delta overwrites a dozen of
/// its numbers, and derivation reads about thirty members.
///
/// - Members with a known name (`StatField`) that are numbers sit in `numbers`, a sorted array of
///   plain `(field, Double)` pairs: a read is a short scan, a write is in place, and when the
///   report's storage is shared (a rollback snapshot) the copy a write makes is a `memcpy` with
///   no reference counting.
/// - Other members with a known name (strings, booleans, `null`, arrays, objects) sit in
///   `values`, sorted the same way; they rarely change, so a delta usually leaves them shared.
/// - Members with any other name sit in `others`, by name.
///
/// Each member is in exactly one place and the arrays are sorted, so equal stat objects have
/// equal records (the synthesized `==` and `hash(into:)` agree with `StatObject`'s).
struct StatRecord: Sendable, Hashable {
    struct Number: Sendable, Hashable {
        var field: StatField
        var value: Double
    }

    struct Value: Sendable, Hashable {
        var field: StatField
        var value: JSONValue
    }

    private(set) var numbers: [Number] = []
    private(set) var values: [Value] = []
    private(set) var others: [String: JSONValue] = [:]
    /// The `type` member decoded, kept in step with it by every write.
    private(set) var type = StatType.other

    init() {}

    init(_ object: StatObject) {
        numbers.reserveCapacity(object.count)
        for (name, value) in object {
            guard let field = StatField(name: name) else {
                others[name] = value
                continue
            }
            if case .number(let number) = value {
                numbers.append(Number(field: field, value: number))
            } else {
                values.append(Value(field: field, value: value))
            }
        }
        numbers.sort { $0.field < $1.field }
        values.sort { $0.field < $1.field }
        type = StatType(value(.type))
    }

    /// The members as a dictionary, as the browser sent them.
    var object: StatObject {
        var object = StatObject(minimumCapacity: numbers.count + values.count + others.count)
        for member in numbers { object[member.field.name] = .number(member.value) }
        for member in values { object[member.field.name] = member.value }
        for (name, value) in others { object[name] = value }
        return object
    }

    var isEmpty: Bool { numbers.isEmpty && values.isEmpty && others.isEmpty }

    // MARK: - Reading

    /// The member, whatever its type.
    subscript(field: StatField) -> JSONValue? {
        if let number = number(field) { return .number(number) }
        return value(field)
    }

    /// The member `name`, whatever its type.
    subscript(name: String) -> JSONValue? {
        guard let field = StatField(name: name) else { return others[name] }
        return self[field]
    }

    /// The member as a number, or `nil` when it is missing or not a number (a client bug or an
    /// old browser must not turn into a crash or a bogus zero).
    @inline(__always)
    func number(_ field: StatField) -> Double? {
        for member in numbers {
            if member.field.rawValue == field.rawValue { return member.value }
            if member.field.rawValue > field.rawValue { break }
        }
        return nil
    }

    /// The member as a number that cannot be negative (a resolution, a jitter, an RTT): `nil`
    /// when missing or negative, so that nonsense from a client never reaches a graph.
    @inline(__always)
    func gauge(_ field: StatField) -> Double? {
        guard let value = number(field), value >= 0 else { return nil }
        return value
    }

    @inline(__always)
    func text(_ field: StatField) -> String? {
        if case .string(let text)? = value(field) { return text }
        return nil
    }

    @inline(__always)
    func flag(_ field: StatField) -> Bool? {
        if case .bool(let flag)? = value(field) { return flag }
        return nil
    }

    /// A member that is not a number.
    @inline(__always)
    private func value(_ field: StatField) -> JSONValue? {
        for member in values {
            if member.field.rawValue == field.rawValue { return member.value }
            if member.field.rawValue > field.rawValue { break }
        }
        return nil
    }

    /// `ssrc` as an integer (SSRCs are 32-bit; anything else is ignored).
    var ssrc: Int64? {
        guard let value = number(.ssrc), value >= 0, value <= 4_294_967_295,
              value.rounded(.towardZero) == value else { return nil }
        return Int64(value)
    }

    // MARK: - Writing

    /// Sets member `name`; `nil` removes it.
    mutating func set(_ name: String, _ value: JSONValue?) {
        if let field = StatField(name: name) {
            set(field, value)
        } else {
            others[name] = value
        }
    }

    /// Sets a member; `nil` removes it. A member that changes between number and non-number
    /// moves between the two arrays.
    mutating func set(_ field: StatField, _ value: JSONValue?) {
        if field == .type { type = StatType(value) }
        if case .number(let number)? = value {
            set(field, number: number)
            return
        }
        Self.remove(field, from: &numbers)
        guard let value else {
            Self.remove(field, from: &values)
            return
        }
        let index = Self.position(of: field, in: values)
        if index < values.count, values[index].field.rawValue == field.rawValue {
            values[index].value = value
        } else {
            values.insert(Value(field: field, value: value), at: index)
        }
    }

    /// Sets a number member: the common case of every delta, kept free of `JSONValue` boxing.
    @inline(__always)
    mutating func set(_ field: StatField, number: Double) {
        if field == .type { type = .other }
        let index = Self.position(of: field, in: numbers)
        if index < numbers.count, numbers[index].field.rawValue == field.rawValue {
            numbers[index].value = number
        } else {
            numbers.insert(Number(field: field, value: number), at: index)
            // Only a new number member can have been something else before.
            Self.remove(field, from: &values)
        }
    }

    /// The index of `field` in a sorted member array, or where it would be inserted.
    @inline(__always)
    private static func position<Member: FieldMember>(of field: StatField, in members: [Member]) -> Int {
        var index = 0
        while index < members.count, members[index].field.rawValue < field.rawValue { index += 1 }
        return index
    }

    private static func remove<Member: FieldMember>(_ field: StatField, from members: inout [Member]) {
        let index = position(of: field, in: members)
        if index < members.count, members[index].field.rawValue == field.rawValue { members.remove(at: index) }
    }
}

/// The stat `type`s derivation looks for, decoded once per write of the member rather than
/// compared as strings on every tick.
enum StatType: UInt8, Sendable, Hashable {
    case other, inboundRtp, outboundRtp, remoteInboundRtp, remoteOutboundRtp, transport, candidatePair, codec

    init(_ member: JSONValue?) {
        guard case .string(let type)? = member else {
            self = .other
            return
        }
        switch type {
        case "inbound-rtp": self = .inboundRtp
        case "outbound-rtp": self = .outboundRtp
        case "remote-inbound-rtp": self = .remoteInboundRtp
        case "remote-outbound-rtp": self = .remoteOutboundRtp
        case "transport": self = .transport
        case "candidate-pair": self = .candidatePair
        case "codec": self = .codec
        default: self = .other
        }
    }
}

/// What `StatRecord`'s two sorted arrays have in common.
private protocol FieldMember {
    var field: StatField { get }
}

extension StatRecord.Number: FieldMember {}
extension StatRecord.Value: FieldMember {}
