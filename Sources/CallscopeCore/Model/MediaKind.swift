/// What a media stream carries. Screen share is its own kind because its quality targets differ
/// (low frame rates are normal for a static screen) and it gets its own health bars (docs/metrics.md §1.1).
public enum MediaKind: String, Sendable, Hashable, CaseIterable, Codable {
    case audio
    case video
    case screenVideo = "screen-video"
    case screenAudio = "screen-audio"

    /// `true` for the kinds whose graphs include resolution and FPS.
    public var isVideo: Bool { self == .video || self == .screenVideo }

    /// The one wording of a kind on every page, chart and bar: "Audio", "Video",
    /// "Screen-share audio", "Screen-share video".
    public var displayName: String {
        switch self {
        case .audio: "Audio"
        case .video: "Video"
        case .screenAudio: "Screen-share audio"
        case .screenVideo: "Screen-share video"
        }
    }
}
