import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger.ts';

/** What the request handler needs to know about the process it runs in. */
export interface AppState {
  serviceName: string;
  /** False while starting and once shutdown has begun: `/readyz` answers 503. */
  isReady(): boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The HTTP surface. `/healthz` (liveness) only says the process answers;
 * `/readyz` (readiness) also says whether it should get traffic, so a pod that
 * is shutting down leaves the Service's endpoints before it stops listening.
 */
export function createRequestHandler(state: AppState, logger: Logger): Handler {
  const routes: Record<string, Handler> = {
    '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/readyz': (_req, res) =>
      state.isReady()
        ? sendJson(res, 200, { status: 'ready' })
        : sendJson(res, 503, { status: 'not ready' }),
    '/': (_req, res) => sendJson(res, 200, { service: state.serviceName }),
  };

  return (req, res) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      // Probes run every few seconds; logging them at info level drowns the rest.
      const isProbe = req.url === '/healthz' || req.url === '/readyz';
      (isProbe ? logger.debug : logger.info)('request', {
        method: req.method,
        path: req.url,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 100) / 100,
      });
    });

    if (!state.isReady()) {
      // Shutting down: do not keep this connection alive for another request.
      res.setHeader('Connection', 'close');
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes[path];
    if (!route) {
      sendJson(res, 404, { error: `no route for ${path}` });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendJson(res, 405, { error: `${req.method} is not allowed on ${path}` });
      return;
    }
    route(req, res);
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
  });
  res.end(payload);
}
