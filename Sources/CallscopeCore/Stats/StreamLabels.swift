/// The app's labels for the streams of one peer connection, by the three handles a stream has in
/// getStats: its transceiver `mid`, its track's `trackIdentifier`, and its RTP `ssrc`.
///
/// Parsed from the stats message's `labels` member:
/// ```json
/// { "mid": {"1": {"remoteParticipantId": "alice", "kind": "screen-video"}},
///   "trackIdentifier": {"e61add47-…": {"remoteParticipantId": "bob"}},
///   "ssrc": {"1234": {"kind": "audio"}} }
/// ```
/// All three sections are optional; `kind` is one of `audio`, `video`, `screen-video`,
/// `screen-audio`; unknown members are ignored so that newer collectors still work.
///
/// ```swift
/// let labels = try StreamLabels(parsing: JSONValue.parse(#"{"mid": {"1": {"kind": "screen-video"}}}"#))
/// labels.byMid["1"]?.kind   // .screenVideo
/// ```
public struct StreamLabels: Sendable, Hashable {
    public var byMid: [String: StreamLabel]
    public var byTrackIdentifier: [String: StreamLabel]
    public var bySsrc: [Int64: StreamLabel]

    public init(byMid: [String: StreamLabel] = [:], byTrackIdentifier: [String: StreamLabel] = [:],
                bySsrc: [Int64: StreamLabel] = [:]) {
        self.byMid = byMid
        self.byTrackIdentifier = byTrackIdentifier
        self.bySsrc = bySsrc
    }

    /// Parses the message's `labels` object; `null` means no labels. Errors name the field, e.g.
    /// `labels.mid.1.kind`.
    /// Each section holds at most `maxPerSection` entries; a `remoteParticipantId` follows
    /// ``IngestID``'s rules.
    public init(parsing value: JSONValue, maxPerSection: Int = 256) throws(StatsInputError) {
        self.init()
        switch value {
        case .null:
            return
        case .object(let sections):
            byMid = try Self.section(sections["mid"], path: "labels.mid", max: maxPerSection)
            byTrackIdentifier = try Self.section(sections["trackIdentifier"], path: "labels.trackIdentifier", max: maxPerSection)
            let bySsrcText = try Self.section(sections["ssrc"], path: "labels.ssrc", max: maxPerSection)
            for (text, label) in bySsrcText {
                guard let ssrc = Int64(text), ssrc >= 0, ssrc <= 4_294_967_295 else {
                    throw StatsInputError(field: "labels.ssrc.\(text)", message: "expected an SSRC (an integer from 0 to 4294967295) as the key")
                }
                bySsrc[ssrc] = label
            }
        default:
            throw StatsInputError(field: "labels", message: "expected an object")
        }
    }

    /// `true` when no stream is labelled.
    public var isEmpty: Bool { byMid.isEmpty && byTrackIdentifier.isEmpty && bySsrc.isEmpty }

    /// The label of a stream, merged field by field in lookup order `mid` → `trackIdentifier` →
    /// `ssrc`: the first handle that has a `remoteParticipantId` gives it, and likewise for `kind`
    /// (an app may label the participant by mid and the screen share by track).
    public func label(mid: String?, trackIdentifier: String?, ssrc: Int64?) -> StreamLabel {
        var merged = StreamLabel()
        if isEmpty { return merged }
        if let mid, let label = byMid[mid] { merged.fill(from: label) }
        if let trackIdentifier, let label = byTrackIdentifier[trackIdentifier] { merged.fill(from: label) }
        if let ssrc, let label = bySsrc[ssrc] { merged.fill(from: label) }
        return merged
    }

    private static func section(_ value: JSONValue?, path: String, max: Int) throws(StatsInputError) -> [String: StreamLabel] {
        switch value {
        case nil, .null?:
            return [:]
        case .object(let entries)?:
            guard entries.count <= max else {
                throw StatsInputError(field: path, message: "a label section holds at most \(max) entries, this one \(entries.count)")
            }
            var labels = [String: StreamLabel](minimumCapacity: entries.count)
            for (handle, entry) in entries {
                labels[handle] = try label(entry, path: "\(path).\(handle)")
            }
            return labels
        default:
            throw StatsInputError(field: path, message: "expected an object")
        }
    }

    private static func label(_ value: JSONValue, path: String) throws(StatsInputError) -> StreamLabel {
        guard case .object(let members) = value else {
            throw StatsInputError(field: path, message: "expected an object")
        }
        var label = StreamLabel()
        switch members["remoteParticipantId"] {
        case nil, .null?: break
        case .string(let id)?:
            do {
                try IngestID.validate(id, name: "remoteParticipantId", field: path + ".remoteParticipantId")
            } catch {
                throw StatsInputError(field: path + ".remoteParticipantId", message: error.message)
            }
            label.remoteParticipantId = id
        default: throw StatsInputError(field: path + ".remoteParticipantId", message: "expected a string")
        }
        switch members["kind"] {
        case nil, .null?: break
        case .string(let text)?:
            guard let kind = MediaKind(rawValue: text) else {
                throw StatsInputError(field: path + ".kind",
                                      message: "expected one of audio, video, screen-video, screen-audio")
            }
            label.kind = kind
        default:
            throw StatsInputError(field: path + ".kind", message: "expected one of audio, video, screen-video, screen-audio")
        }
        return label
    }
}

extension StreamLabel {
    /// Takes the fields this label lacks from `other`.
    mutating func fill(from other: StreamLabel) {
        if remoteParticipantId == nil { remoteParticipantId = other.remoteParticipantId }
        if kind == nil { kind = other.kind }
    }
}
