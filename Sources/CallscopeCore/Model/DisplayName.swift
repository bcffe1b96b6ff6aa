/// What pages, the API's sentences and reports call a participant: its name, else its id; a
/// sender an SFU connection does not name (`unknown:<mid or ssrc>`, ``StreamKey``) is "remote
/// sender <mid or ssrc>".
public enum DisplayName {
    public static func of(_ participantId: String, in names: [String: String]) -> String {
        if let name = names[participantId] { return name }
        guard participantId.hasPrefix("unknown:") else { return participantId }
        return "remote sender " + participantId.dropFirst("unknown:".count)
    }
}
