import Mustache

/// HTML escaping by Unicode scalar, for every `{{…}}` of the dashboard's templates (each opens
/// with `{{% CONTENT_TYPE: SCALAR_HTML}}`).
///
/// swift-mustache's own HTML escaping compares whole characters (grapheme clusters) with `"`,
/// `<`, …: a `"` followed by a combining accent is one character that equals none of them, so it
/// passes through unescaped and ends an attribute such as `data-confirm="Remove {{name}}?"`.
/// Here every scalar is looked at on its own, so no combining mark can hide a quote.
struct ScalarHTMLEscaping: MustacheContentType {
    static let name = "SCALAR_HTML"

    /// Registers the content type once (the registry is process-wide).
    static func register() {
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: name)
    }

    func escapeText(_ text: String) -> String { Self.escape(text) }

    static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
