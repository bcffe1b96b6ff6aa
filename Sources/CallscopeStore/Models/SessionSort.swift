/// Orders of the sessions list.
public enum SessionSort: String, Sendable, Hashable, CaseIterable {
    case newest, oldest, longest, participants, errors
}
