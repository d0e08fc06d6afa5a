import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler } from './app.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

export interface Service {
  /** Starts listening; resolves with the bound port (useful with `PORT=0`). */
  start(): Promise<number>;
  /**
   * Graceful stop: readiness goes to 503 and the service keeps serving for
   * `shutdownDelayMs` (so traffic is drained away), then the listener stops
   * accepting new connections, in-flight requests finish; connections still open after
   * `shutdownTimeoutMs` are closed. Safe to call more than once.
   */
  stop(): Promise<void>;
}

export function createService(
  config: Pick<
    Config,
    'port' | 'host' | 'serviceName' | 'shutdownTimeoutMs' | 'shutdownDelayMs'
  >,
  logger: Logger,
): Service {
  let ready = false;
  let stopping: Promise<void> | undefined;
  const server: Server = createServer(
    createRequestHandler(
      { serviceName: config.serviceName, isReady: () => ready },
      logger,
    ),
  );
  let closing = false;
  server.on('request', (_req, res) => {
    // A keep-alive connection whose request was in flight when shutdown began
    // becomes idle only now; close it instead of waiting for the timeout.
    res.on('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  // A slow client must not hold a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  return {
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          ready = true;
          const { port } = server.address() as AddressInfo;
          logger.info('listening', { host: config.host, port });
          resolve(port);
        });
      }),

    stop() {
      stopping ??= (async () => {
        ready = false;
        logger.info('shutting down', {
          delayMs: config.shutdownDelayMs,
          timeoutMs: config.shutdownTimeoutMs,
        });
        await new Promise(resolve => setTimeout(resolve, config.shutdownDelayMs));
        await closeServer();
      })();
      return stopping;
    },
  };

  function closeServer(): Promise<void> {
    closing = true;
    return new Promise(resolve => {
      const forceClose = setTimeout(() => {
        logger.warn('shutdown timeout reached, closing open connections');
        server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      forceClose.unref();
      server.close(() => {
        clearTimeout(forceClose);
        logger.info('stopped');
        resolve();
      });
      // Keep-alive sockets with no request in flight would otherwise keep
      // the server open until they time out.
      server.closeIdleConnections();
    });
  }
}
