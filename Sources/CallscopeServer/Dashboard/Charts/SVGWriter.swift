/// Builds SVG text element by element. Every attribute value and every text node goes through
/// ``escape(_:)``, so names and other user text cannot open a tag, end an attribute or inject
/// script. No `style` attributes and no ids: the markup passes `style-src 'self'`, and several
/// charts can sit on one page.
struct SVGWriter {
    typealias Attributes = [(String, String)]

    private(set) var text = ""
    private var stack: [String] = []

    /// XML-escapes `raw` for a text node or a double- or single-quoted attribute, and drops the
    /// characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return;
    /// U+FFFE, U+FFFF), so that the output is always well-formed.
    static func escape(_ raw: String) -> String {
        var out = ""
        out.reserveCapacity(raw.utf8.count)
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF || (0x7F...0x9F).contains(v) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A coordinate or length: at most two decimals, `.` as decimal point.
    static func number(_ v: Double) -> String { ChartFormat.decimal(v, fractionDigits: 2) }

    private static func attributes(_ attrs: Attributes) -> String {
        var s = ""
        for (name, value) in attrs { s += " \(name)=\"\(escape(value))\"" }
        return s
    }

    mutating func open(_ name: String, _ attrs: Attributes = []) {
        text += "<\(name)\(Self.attributes(attrs))>"
        stack.append(name)
    }

    mutating func close() {
        guard let name = stack.popLast() else { return }
        text += "</\(name)>"
    }

    /// An empty element: `<rect …/>`.
    mutating func leaf(_ name: String, _ attrs: Attributes = []) {
        text += "<\(name)\(Self.attributes(attrs))/>"
    }

    /// An element holding only text: `<text …>escaped</text>`.
    mutating func element(_ name: String, _ attrs: Attributes = [], text content: String) {
        text += "<\(name)\(Self.attributes(attrs))>\(Self.escape(content))</\(name)>"
    }

    /// Markup another writer produced (already escaped).
    mutating func append(_ other: SVGWriter) {
        var other = other
        text += other.finish()
    }

    /// Closes whatever is still open and returns the document.
    mutating func finish() -> String {
        while !stack.isEmpty { close() }
        return text
    }
}

/// Rough text metrics for laying out labels without a font engine: an average glyph of a
/// system sans-serif is a little over half the font size wide.
enum TextMetrics {
    static func width(_ text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * 0.56
    }

    /// `text` cut to fit `maxWidth`, with an ellipsis when cut.
    static func truncated(_ text: String, fontSize: Double, maxWidth: Double) -> String {
        guard width(text, fontSize: fontSize) > maxWidth else { return text }
        let keep = max(1, Int(maxWidth / (fontSize * 0.56)) - 1)
        return String(text.prefix(keep)) + "…"
    }

    /// Greedy word wrap into lines no wider than `maxWidth`; at most `maxLines`, the last one
    /// truncated with an ellipsis if the text does not fit.
    static func wrap(_ text: String, fontSize: Double, maxWidth: Double, maxLines: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in glued(text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if width(candidate, fontSize: fontSize) <= maxWidth || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        guard lines.count > maxLines, maxLines > 0 else { return lines }
        var kept = Array(lines.prefix(maxLines))
        kept[maxLines - 1] = truncated(lines[(maxLines - 1)...].joined(separator: " "), fontSize: fontSize, maxWidth: maxWidth)
        return kept
    }

    private static let operators: Set<String> = ["≤", "≥", "<", ">", "=", "×"]
    private static let units: Set<String> = ["ms", "s", "min", "h", "%", "fps", "kbit/s", "Mbit/s", "px"]

    /// Words joined so that a line never breaks between a comparison and its value ("≤ 30") or
    /// between a value and its unit ("30 ms").
    static func glued(_ words: [String]) -> [String] {
        var out: [String] = []
        var glueNext = false
        for word in words {
            let bare = String(word.drop(while: { "(".contains($0) }).reversed().drop(while: { ",.;:)".contains($0) }).reversed())
            if let last = out.last, glueNext || (units.contains(bare) && last.last?.isNumber == true) {
                out[out.count - 1] = last + " " + word
            } else {
                out.append(word)
            }
            glueNext = operators.contains(bare)
        }
        return out
    }
}
