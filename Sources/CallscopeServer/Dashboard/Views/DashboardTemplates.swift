import Foundation
import Hummingbird
import Mustache

/// The dashboard's Mustache templates, read once at start-up from `Resources/templates`. `{{x}}`
/// escapes HTML (quotes included), so user data goes through `{{x}}` only, never `{{{x}}}`.
struct DashboardTemplates: Sendable {
    let library: MustacheLibrary

    static func bundled() throws -> DashboardTemplates {
        ScalarHTMLEscaping.register()
        guard let url = Bundle.module.url(forResource: "templates", withExtension: nil) else {
            throw TemplateError.missing("templates folder")
        }
        return DashboardTemplates(library: try MustacheLibrary.loadFolder(url.path))
    }

    enum TemplateError: Error, CustomStringConvertible {
        case missing(String)
        var description: String {
            switch self {
            case .missing(let what): "dashboard template missing: \(what)"
            }
        }
    }

    /// An HTML page with the dashboard's security headers.
    func page(_ template: String, _ model: Any, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let html = library.render(model, withTemplate: template) else { throw TemplateError.missing(template) }
        return Response(status: status, headers: DashboardHeaders.html,
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

extension MustacheLibrary {
    /// Synchronous folder loading (the library's own initialiser is `async` for no I/O reason).
    static func loadFolder(_ path: String) throws -> MustacheLibrary {
        var library = MustacheLibrary()
        let root = path.hasSuffix("/") ? path : path + "/"
        for case let file as String in FileManager.default.enumerator(atPath: root) ?? .init() where file.hasSuffix(".mustache") {
            let text = try String(contentsOfFile: root + file, encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        return library
    }
}
