/// A note a dashboard user left on a session.
public struct SessionNote: Sendable, Hashable, Codable {
    /// Assigned by the store, increasing.
    public var id: Int64
    public var sessionId: String
    /// The author's username.
    public var author: String
    public var createdMs: Int64
    public var text: String

    public init(id: Int64, sessionId: String, author: String, createdMs: Int64, text: String) {
        self.id = id
        self.sessionId = sessionId
        self.author = author
        self.createdMs = createdMs
        self.text = text
    }
}
