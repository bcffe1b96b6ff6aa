/// Writes compact, deterministic JSON into a byte buffer.
///
/// Deterministic so that equal values give equal bytes (cache keys, golden tests, ETags): object
/// keys are sorted, integral numbers below 2^53 print without a decimal point (as
/// `JSON.stringify` prints them), and other numbers use Swift's shortest round-trip form.
/// NaN and infinities have no JSON form and become `null`, as in `JSON.stringify`.
struct JSONWriter {
    var output: [UInt8] = []

    /// 2^53: every integer below it is exact in a `Double`, so printing it as an integer is lossless.
    private static let maxExactInteger: Double = 9_007_199_254_740_992

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number):
            write(number: number)
        case .string(let string):
            write(string: string)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                write(element)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (offset, key) in members.keys.sorted().enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                write(string: key)
                output.append(UInt8(ascii: ":"))
                if let member = members[key] { write(member) }
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    mutating func write(number: Double) {
        guard number.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        if number.rounded(.towardZero) == number, number.magnitude < Self.maxExactInteger {
            writeInteger(Int64(number))
        } else {
            output.append(contentsOf: "\(number)".utf8)
        }
    }

    private mutating func writeInteger(_ integer: Int64) {
        if integer == 0 {
            output.append(UInt8(ascii: "0"))  // also for -0, as JSON.stringify does
            return
        }
        var magnitude = integer.magnitude
        if integer < 0 { output.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for offset in stride(from: count - 1, through: 0, by: -1) {
                output.append(buffer[offset])
            }
        }
    }

    mutating func write(string: String) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for offset in 0..<bytes.count {
                let byte = bytes[offset]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<offset]))
                runStart = offset + 1
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "t"))
                default:
                    output.append(contentsOf: "u00".utf8)
                    output.append(Self.hexDigits[Int(byte >> 4)])
                    output.append(Self.hexDigits[Int(byte & 0x0F)])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        output.append(UInt8(ascii: "\""))
    }
}
