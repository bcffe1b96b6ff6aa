/// Decides the `MediaKind` of an rtp stat.
///
/// Two questions, answered separately:
/// - audio or video: the rtp stat's `kind` (`mediaType` in old reports), else its codec's
///   `mimeType`, else its track or media-source stat's `kind`, else the app's label. The stat wins over the label
///   because a browser cannot be wrong about what it sends; a label "audio" on a video stream is
///   an app mistake.
/// - screen share or not: only the app knows. The label decides when it has a `kind`
///   (`screen-video`/`screen-audio` → screen share; `audio`/`video` → not). Without a label, a
///   video whose track stat, media-source or rtp stat has `contentHint` `"detail"` or `"text"` (what
///   apps set on screen-capture tracks) counts as screen video; getStats has no other screen-share
///   hint. Screen audio is only ever known from labels.
enum MediaKindResolver {
    enum Base {
        case audio, video
    }

    static func kind(rtp: StatRecord, label: StreamLabel, track: StatRecord?, mediaSource: StatRecord?,
                     report: StatsReport) -> MediaKind? {
        let base: Base
        if let kind = rtpKind(rtp) {
            base = kind
        } else if let mimeType = rtp.text(.codecId).flatMap({ report.records[$0]?.text(.mimeType) }),
                  let kind = mimeKind(mimeType) {
            base = kind
        } else if let kind = track.flatMap(rtpKind) ?? mediaSource.flatMap(rtpKind) {
            base = kind
        } else if let labelled = label.kind {
            base = labelled.isVideo ? .video : .audio
        } else {
            return nil
        }

        let isScreen: Bool
        if let labelled = label.kind {
            isScreen = labelled == .screenVideo || labelled == .screenAudio
        } else {
            isScreen = base == .video && (isScreenHint(rtp) || isScreenHint(track) || isScreenHint(mediaSource))
        }
        switch (base, isScreen) {
        case (.audio, false): return .audio
        case (.audio, true): return .screenAudio
        case (.video, false): return .video
        case (.video, true): return .screenVideo
        }
    }

    /// The stat's own `kind`, or `mediaType` as Chrome before 2020 and old Firefox call it.
    static func rtpKind(_ stat: StatRecord) -> Base? {
        switch stat.text(.kind) ?? stat.text(.mediaType) {
        case "audio": return .audio
        case "video": return .video
        default: return nil
        }
    }

    private static func mimeKind(_ mimeType: String) -> Base? {
        if mimeType.hasPrefix("audio/") { return .audio }
        if mimeType.hasPrefix("video/") { return .video }
        return nil
    }

    private static func isScreenHint(_ stat: StatRecord?) -> Bool {
        guard let hint = stat?.text(.contentHint) else { return false }
        return hint == "detail" || hint == "text"
    }
}
