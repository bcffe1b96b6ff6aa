/// The knowledge base: every code Callscope knows, by category (docs/errors.md lists them).
extension ErrorAdvice {
    static let catalog: [String: ErrorAdvice] = {
        var all: [String: ErrorAdvice] = [:]
        for part in [connection, signalling, collector, services, capture] { all.merge(part, uniquingKeysWith: { a, _ in a }) }
        return all
    }()

    private static let connection: [String: ErrorAdvice] = [
        "ice-failed": ErrorAdvice(
            title: "Connection failed (ICE)",
            explanation: "No network path between this participant and the other side worked: every candidate pair failed its checks, so no media flowed.",
            fix: "Usually a firewall or NAT that blocks UDP. Add a TURN server (TCP/TLS on 443) to the app's iceServers, and check that the participant's network allows WebRTC.",
            category: .connection),
        "ice-disconnected": ErrorAdvice(
            title: "Connection interrupted (ICE)",
            explanation: "The network path stopped answering its consent checks for a few seconds: media stopped until it came back or an ICE restart found a new one.",
            fix: "A brief Wi-Fi or mobile handover, or a congested uplink. If it repeats, have the app call restartIce() on `disconnected` and suggest a wired or steadier network.",
            category: .connection),
        "connection-failed": ErrorAdvice(
            title: "Peer connection failed",
            explanation: "The RTCPeerConnection reached the `failed` state: ICE or DTLS could not (re)establish the transport, so media stopped for good on it.",
            fix: "Recreate the connection or restart ICE from the app; if it fails on one network only, relay over TURN/TLS on port 443.",
            category: .connection),
        "dtls-failed": ErrorAdvice(
            title: "Encryption handshake failed (DTLS)",
            explanation: "The network path worked, but the DTLS handshake that sets up media encryption did not complete.",
            fix: "Often a middlebox that drops large UDP packets or a certificate mismatch after renegotiation. Retry the call; if it repeats on one network, relay over TURN/TLS.",
            category: .connection),
        "ice-restart-failed": ErrorAdvice(
            title: "ICE restart failed",
            explanation: "The app restarted ICE after an interruption and no new path was found.",
            fix: "The participant's network lost connectivity or blocks UDP now; a TURN/TLS relay on 443 survives most such networks.",
            category: .connection),
        "reconnect-storm": ErrorAdvice(
            title: "Reconnect storm",
            explanation: "This participant's connection dropped and came back again and again within minutes (ICE restarts, disconnections or rejoins): every round costs seconds without media.",
            fix: "An unstable network (weak Wi-Fi, a roaming phone, a VPN that reconnects) or an app that rejoins on every hiccup. Back off between attempts, and ask the participant to move to a steadier network.",
            category: .connection),
    ]

    private static let signalling: [String: ErrorAdvice] = [
        "signalling-disconnected": ErrorAdvice(
            title: "Signalling connection lost",
            explanation: "The app's connection to its signalling server dropped; new negotiations (joins, screen shares) cannot happen until it is back.",
            fix: "Check the signalling server's availability and the participant's network; make the app reconnect with back-off.",
            category: .signalling),
        "signalling-failed": ErrorAdvice(
            title: "Could not reach the signalling server",
            explanation: "The app could not open its signalling connection at all, so the participant could not join or negotiate.",
            fix: "Check the signalling URL, its TLS certificate and that proxies allow WebSockets (port 443).",
            category: .signalling),
    ]

    private static let collector: [String: ErrorAdvice] = [
        "collector-dropped": ErrorAdvice(
            title: "Collector dropped messages",
            explanation: "The Callscope collector's buffer filled up while it could not reach the server (offline, or the server refused for a while), and it dropped its oldest reports: this participant's statistics have a gap.",
            fix: "Nothing is wrong with the call itself. If it happens often, check that the collector can reach the Callscope server and raise its buffer size (docs/collector.md).",
            category: .collector),
        "collector-refused": ErrorAdvice(
            title: "Collector refused by the server",
            explanation: "The Callscope server refused this participant's reports (wrong ingest key, an origin not allowed, or a limit reached), so nothing more was recorded.",
            fix: "Check the ingest key and the project's allowed origins (Settings), and the server's limits (docs/limits.md).",
            category: .collector),
    ]

    private static let services: [String: ErrorAdvice] = [
        "recording-failed": ErrorAdvice(
            title: "Recording failed",
            explanation: "The recording service stopped or could not start: part of the session or all of it is not recorded.",
            fix: "Check the recorder's logs and its storage (space, credentials); restart the recording from the app.",
            category: .service),
        "hls-failed": ErrorAdvice(
            title: "HLS streaming failed",
            explanation: "The HLS live stream stopped or could not start: viewers of the stream saw nothing or a frozen picture.",
            fix: "Check the streaming service's logs and the CDN or origin it writes to; restart the stream.",
            category: .service),
        "rtmp-failed": ErrorAdvice(
            title: "RTMP streaming failed",
            explanation: "The RTMP push to the streaming platform stopped or was refused.",
            fix: "Check the stream key and URL, and that the platform accepts the stream's resolution and bitrate.",
            category: .service),
        "media-server-unavailable": ErrorAdvice(
            title: "Media server unavailable",
            explanation: "The SFU or media server the participant was assigned to did not answer: everyone on it lost media.",
            fix: "Check the media server's health and capacity; let the app move participants to another node.",
            category: .service),
    ]

    private static let capture: [String: ErrorAdvice] = [
        "track-ended": ErrorAdvice(
            title: "Capture ended",
            explanation: "A camera, microphone or screen track ended without the app stopping it: the device was unplugged, the permission revoked, or the user stopped sharing from the browser's bar.",
            fix: "Have the app listen for `ended` on its tracks and offer to pick a device again.",
            category: .capture),
    ]

    /// `code` when it is one of the offer/answer calls' failures; a message that names codecs
    /// makes it a codec negotiation failure, whatever call it came from.
    static func negotiation(_ code: String, message: String) -> ErrorAdvice? {
        let calls = ["create-offer-failed": "createOffer", "create-answer-failed": "createAnswer",
                     "set-local-description-failed": "setLocalDescription", "set-remote-description-failed": "setRemoteDescription",
                     "add-ice-candidate-failed": "addIceCandidate", "negotiation-failed": "offer/answer"]
        let lower = message.lowercased()
        if code == "codec-negotiation-failed" || (calls[code] != nil && (lower.contains("codec") || lower.contains("payload type"))) {
            return ErrorAdvice(
                title: "No codec in common",
                explanation: "The two sides could not agree on an audio or video codec (or its parameters): the media section was rejected, so that media never flowed.",
                fix: "Compare the offer's and the answer's codec lists; enable a common codec (Opus for audio, VP8 or H.264 constrained baseline for video), and do not strip codecs when munging SDP.",
                category: .negotiation)
        }
        guard let call = calls[code] else { return nil }
        return ErrorAdvice(
            title: "Negotiation failed (\(call))",
            explanation: "The browser rejected the app's \(call) call: the offer/answer exchange did not complete, so new or changed media (a join, a screen share, a reconnect) did not start.",
            fix: "Usually an SDP the browser does not accept (munged, truncated, from the wrong signalling state) or calls out of order (glare). Log the SDP and signalling state at the failure; use the perfect-negotiation pattern.",
            category: .negotiation)
    }

    /// TURN and STUN servers' answers as `icecandidateerror` reports them (`errorCode`: STUN
    /// error codes from RFC 8489 / RFC 8656, 701 when the server could not be reached at all).
    static func turn(errorCode: Int?, url: String?) -> ErrorAdvice {
        // The URL comes from the client: shown as text everywhere, and never longer than this.
        let server = url.map { " (\($0.count > 120 ? String($0.prefix(120)) + "…" : $0))" } ?? ""
        let (title, explanation, fix): (String, String, String) = switch errorCode {
        case 701:
            ("TURN server unreachable",
             "The browser got no answer from the TURN server\(server): a firewall blocks it, the address is wrong, or the server is down. Participants who need the relay cannot connect.",
             "Check that the TURN server is up and reachable on the URL's port; offer turns: on 443 for networks that allow only HTTPS.")
        case 401:
            ("TURN credentials refused",
             "The TURN server\(server) refused the username or credential: expired time-limited credentials are the usual cause.",
             "Issue fresh TURN credentials when the call starts (and before they expire in long calls); check the shared secret on both sides.")
        case 403:
            ("TURN request forbidden",
             "The TURN server\(server) refused to relay to this peer address (a denied-peer rule or a quota).",
             "Check the server's denied-peer and quota settings.")
        case 437, 438:
            ("TURN allocation lost",
             "The TURN allocation was no longer valid (it expired or the server restarted) when the browser refreshed it.",
             "Usually transient; an ICE restart gets a new allocation. If it repeats, check the server's restarts and allocation lifetime.")
        case 486:
            ("TURN allocation quota reached",
             "The TURN server\(server) refused a new allocation: this user already holds as many as it allows.",
             "Raise the per-user quota, or make sure the app closes old peer connections.")
        case 508:
            ("TURN server out of capacity",
             "The TURN server\(server) has no relay ports or bandwidth left.",
             "Add TURN capacity or servers; check for leaked allocations.")
        default:
            ("TURN or STUN error" + (errorCode.map { " \($0)" } ?? ""),
             "A STUN or TURN server\(server) answered a candidate request with an error: candidates through it are missing.",
             "Look at the error text below and the server's logs.")
        }
        return ErrorAdvice(title: title, explanation: explanation, fix: fix, category: .relay)
    }
}
