import CallscopeCore

/// Where Callscope keeps everything: the four capabilities a storage engine provides, in one
/// protocol. An SQLite (GRDB) engine implements it now, a PostgreSQL one later; both run the same
/// conformance suite.
///
/// Callers take only the capability they use: ingest an ``IngestStore``, the read model a
/// ``SessionReadStore`` and ``DashboardDataStore``, authentication a ``CredentialStore``. A test
/// double therefore implements only what its test touches, and ``ComposedStore`` puts it together
/// with a real engine for the rest.
///
/// ```swift
/// let store = try SQLiteStore(path: "callscope.sqlite")
/// try await store.write(batch)
/// let page = try await store.sessions(SessionQuery(projectId: project.id))
/// ```
public protocol AnalyticsStore: IngestStore, SessionReadStore, CredentialStore, DashboardDataStore {
    /// Disk space used by the database, in bytes (for `callscope bench`).
    func sizeOnDiskBytes() async throws -> Int64
}
