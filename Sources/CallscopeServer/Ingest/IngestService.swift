import Logging
import ServiceLifecycle

/// Runs beside the HTTP server: every few seconds it times out silent participants; at a graceful
/// shutdown (SIGINT/SIGTERM), once the server has stopped taking requests, it waits for the last
/// commit and saves the peer connections' reports so that collectors' deltas apply after restart.
struct IngestService: Service {
    let pipeline: IngestPipeline
    let intervalMs: Int64
    let clock: WallClock
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await pipeline.expire(serverNowMs: clock.nowMs())
            } catch {
                logger.error("session time-out check failed: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(intervalMs)) }
        }
        do {
            try await pipeline.saveSnapshots()
            logger.info("saved peer-connection state for restart")
        } catch {
            logger.error("could not save peer-connection state: \(error)")
        }
    }
}
