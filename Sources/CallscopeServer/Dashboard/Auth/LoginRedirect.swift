/// Where to go after signing in: a path on this site only, so that `/login?next=` never sends a
/// browser to another site (an open redirect).
enum LoginRedirect {
    static let fallback = "/sessions"

    /// `next` when it is a path on this server: starts with one `/`, not `//` or `/\` (which
    /// browsers read as another host), and holds no backslash, space or control character.
    static func safe(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), next.utf8.count <= 2048 else { return nil }
        let second = next.dropFirst().first
        guard second != "/", second != "\\" else { return nil }
        guard next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && $0 != "\\" && $0.isASCII })
        else { return nil }
        return next
    }

    static func target(_ next: String?) -> String { safe(next) ?? fallback }

    /// Percent-encodes everything but unreserved characters and `/`, for a query value.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}
