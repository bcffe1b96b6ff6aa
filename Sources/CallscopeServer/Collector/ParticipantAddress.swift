/// One participant of one meeting of one project: whom a kick is for, and whom a collector
/// connection speaks for.
struct ParticipantAddress: Hashable, Sendable {
    var projectId: String
    var meetingId: String
    var participantId: String
}
