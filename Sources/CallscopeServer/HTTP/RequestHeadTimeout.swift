import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// Closes a connection whose first request head has not fully arrived within a time limit.
///
/// Why a handler of our own: Hummingbird's idle timeout (`HTTPConnectionStateHandler`) is added
/// to a connection that may upgrade to a WebSocket only once its first request head has been
/// read and is known not to be an upgrade. Until then nothing times out, so a client trickling a
/// request head one byte at a time (a slowloris) holds a socket for ever. This handler sits in
/// front of the HTTP decoder, watches the raw bytes for the head's end (`CRLF CRLF`), and removes
/// itself there; from then on the idle timeout (and the WebSocket's own lifetime) take over.
final class RequestHeadTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var task: Scheduled<Void>?
    /// The last bytes seen, to find a `CRLF CRLF` split across reads.
    private var tail: UInt32 = 0
    private var done = false

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        task = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: timeout) {
            loopBound.value.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        task?.cancel()
        task = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !done {
            let buffer = unwrapInboundIn(data)
            for byte in buffer.readableBytesView {
                tail = tail << 8 | UInt32(byte)
                if tail == 0x0D0A_0D0A {
                    done = true
                    break
                }
            }
        }
        context.fireChannelRead(data)
        if done {
            task?.cancel()
            task = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}

/// A server child channel with ``RequestHeadTimeoutHandler`` in front of another one's pipeline.
struct RequestHeadTimeoutChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner
    let timeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RequestHeadTimeoutHandler(timeout: timeout))
        }.flatMap {
            inner.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// HTTP/1 with WebSocket upgrades. Idle connections are closed after the idle timeout, and so is
/// a connection whose first request head does not arrive within it (``RequestHeadTimeoutHandler``):
/// no client holds sockets for ever.
func httpServer(webSocketRouter: Router<AppRequestContext>, configuration: ServerConfiguration) -> HTTPServerBuilder {
    let timeout = Int64(max(1, configuration.connectionLimits.idleTimeoutSeconds))
    let webSocketResponder = webSocketRouter.buildResponder()
    let channelConfiguration = HTTP1WebSocketUpgradeChannel.Configuration(
        http1: .init(idleTimeout: .seconds(timeout)), ws: .init(maxFrameSize: configuration.maxBodyBytes))
    return HTTPServerBuilder { responder in
        RequestHeadTimeoutChannel(
            inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder,
                                                configuration: channelConfiguration),
            timeout: .seconds(timeout))
    }
}
