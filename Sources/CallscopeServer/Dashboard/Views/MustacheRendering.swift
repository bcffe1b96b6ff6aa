import CallscopeCore
import Mustache

// Page models carry the core's types; these say how a template prints them (`{{kind}}`):
// a media kind by its one wording, a status and a colour by their names, which the style
// sheet's classes (`status-ongoing`, `health-poor`) use too.

extension MediaKind: MustacheCustomRenderable {
    public var renderText: String { displayName }
    public var isNull: Bool { false }
}

extension Session.Status: MustacheCustomRenderable {
    public var renderText: String { rawValue }
    public var isNull: Bool { false }
}

extension HealthColour: MustacheCustomRenderable {
    public var renderText: String { rawValue }
    public var isNull: Bool { false }
}
