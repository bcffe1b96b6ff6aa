import CallscopeStore
import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of every route: WebSocket-capable, and carrying who the caller is once an
/// authentication step has run.
public struct AppRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    /// The project whose ingest key (or API token) authenticated the request.
    public var project: Project?
    /// The API token that authenticated the request, for API routes.
    public var apiToken: APIToken?
    /// Who sent an ingest request, when a middleware already authenticated it.
    var ingestCaller: Authenticator.IngestCaller?
    /// The dashboard user whose session cookie came with the request (``WebSessionMiddleware``);
    /// `nil` when signed out. Pages behind ``RequireLoginMiddleware`` always have one.
    public var user: DashboardUser?

    /// The TCP peer (a client, or a proxy in front of the server); `nil` in router tests.
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.webSocket = .init()
    }

    /// Answers are written with sorted keys (``APIModels/encoder``).
    public var responseEncoder: JSONEncoder { APIModels.encoder }

    /// Bodies are read by the routes themselves, each with its own configured limit.
    public var maxUploadSize: Int { 64 * 1024 * 1024 }
}
