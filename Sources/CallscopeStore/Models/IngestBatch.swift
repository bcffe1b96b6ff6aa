import CallscopeCore

/// Everything one ingest commit changes. Sessions, participants and services are whole rows to
/// insert or replace; samples, events and errors are appended; health slices are *added* to the
/// stored figures of the same (session, participant, kind, startMs). `importedFiles` are the dump
/// files an import's batch came from: a file already recorded fails the whole batch.
public struct IngestBatch: Sendable {
    public var sessions: [Session] = []
    public var participants: [Participant] = []
    public var services: [ServiceUse] = []
    public var samples: [KeyedSample] = []
    public var health: [HealthSlice] = []
    public var events: [TimelineEvent] = []
    public var errors: [SessionError] = []
    public var importedFiles: [ImportedFile] = []

    public init() {}

    public var isEmpty: Bool {
        sessions.isEmpty && participants.isEmpty && services.isEmpty && samples.isEmpty && health.isEmpty
            && events.isEmpty && errors.isEmpty && importedFiles.isEmpty
    }
}

extension IngestBatch {
    /// Adds another batch's rows. Health slices are added as rows too: the store adds figures of
    /// equal keys, so two slices with one key mean their sum.
    public mutating func append(_ other: IngestBatch) {
        sessions += other.sessions
        participants += other.participants
        services += other.services
        samples += other.samples
        health += other.health
        events += other.events
        errors += other.errors
        importedFiles += other.importedFiles
    }
}
