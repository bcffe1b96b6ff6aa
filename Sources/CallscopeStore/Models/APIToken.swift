/// A token that reads the API (and sends service events). `projectId == nil` reads every project.
public struct APIToken: Sendable, Hashable, Codable {
    public var tokenHash: String
    public var name: String
    public var projectId: String?
    public var createdMs: Int64

    public init(tokenHash: String, name: String, projectId: String?, createdMs: Int64) {
        self.tokenHash = tokenHash
        self.name = name
        self.projectId = projectId
        self.createdMs = createdMs
    }
}
