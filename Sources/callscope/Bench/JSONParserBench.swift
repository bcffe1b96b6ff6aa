import CallscopeCore
import Foundation

/// The core's JSON parser beside Foundation's two on the same serialized stats messages, in one
/// run: `JSONValue.parse` (what ingest uses), `JSONSerialization.jsonObject` (a tree of
/// `NSObject`s), and `JSONDecoder` into a generic JSON tree (`AnyJSON`, the fair Codable
/// equivalent: ingest messages are open-ended, their `report` members are whatever the browser
/// sends). Each parser's time is the best of `rounds`; the ratios are Foundation's time over ours.
///
/// Why this is measured: parsing is a fixed share of every stats message ingest accepts, and it
/// is the reason the core keeps a parser of its own (`docs/json.md`).
enum JSONParserBench {
    struct Result {
        var coreNsPerMessage: Double
        var serializationNsPerMessage: Double
        var decoderNsPerMessage: Double
    }

    static func run(messages: [[UInt8]], rounds: Int) -> Result {
        let datas = messages.map { Data($0) }
        var sink = 0
        var core = Double.infinity, serialization = Double.infinity, decoder = Double.infinity
        let jsonDecoder = JSONDecoder()
        for _ in 0..<rounds {
            core = min(core, time {
                for m in messages { if case .object(let o) = try! JSONValue.parse(m) { sink &+= o.count } }
            })
            serialization = min(serialization, time {
                for d in datas { sink &+= (try! JSONSerialization.jsonObject(with: d) as! NSDictionary).count }
            })
            decoder = min(decoder, time {
                for d in datas { if case .object(let o) = try! jsonDecoder.decode(AnyJSON.self, from: d) { sink &+= o.count } }
            })
        }
        precondition(sink != 42)  // keeps the work observable
        let perMessage = 1e9 / Double(max(1, messages.count))
        return Result(coreNsPerMessage: core * perMessage, serializationNsPerMessage: serialization * perMessage,
                      decoderNsPerMessage: decoder * perMessage)
    }

    static func time(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}

/// Any JSON value, decoded with `Codable`: what `JSONDecoder` must build to read a message whose
/// members are not known in advance.
enum AnyJSON: Decodable {
    case null, bool(Bool), number(Double), string(String), array([AnyJSON]), object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([AnyJSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: AnyJSON].self)) }
    }
}
