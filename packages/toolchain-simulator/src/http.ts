/*
 * Small HTTP toolkit shared by the simulated tools. Each tool is a plain
 * node:http server so the simulator stays one dependency-free process.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** A request as the tool handlers see it. */
export interface SimRequest {
  method: string;
  /** Path without the query string, still URL-encoded. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  params: Record<string, string>;
  raw: http.IncomingMessage;
  body(): Promise<Buffer>;
  text(): Promise<string>;
  /** JSON or form-encoded body merged with the query string. */
  form(): Promise<Record<string, string>>;
  json<T = any>(): Promise<T>;
}

export type Handler = (
  req: SimRequest,
  res: http.ServerResponse,
) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

/**
 * Minimal router: `:name` matches one path segment, `*name` matches the rest.
 * Routes are tried in registration order.
 */
export class Router {
  private readonly routes: Route[] = [];
  private fallback?: Handler;

  on(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const source = path
      .split('/')
      .map(segment => {
        if (segment.startsWith(':')) {
          keys.push(segment.slice(1));
          return '([^/]+)';
        }
        if (segment.startsWith('*')) {
          keys.push(segment.slice(1));
          return '(.+)';
        }
        return segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({
      method,
      pattern: new RegExp(`^${source}/?$`),
      keys,
      handler,
    });
    return this;
  }

  get(path: string, handler: Handler) {
    return this.on('GET', path, handler);
  }
  post(path: string, handler: Handler) {
    return this.on('POST', path, handler);
  }
  put(path: string, handler: Handler) {
    return this.on('PUT', path, handler);
  }
  delete(path: string, handler: Handler) {
    return this.on('DELETE', path, handler);
  }

  /** Handler used when no route matches (defaults to a 404 text). */
  otherwise(handler: Handler): this {
    this.fallback = handler;
    return this;
  }

  async handle(raw: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(raw.url ?? '/', 'http://simulator');
    const method = (raw.method ?? 'GET').toUpperCase();
    const req = createRequest(raw, url);
    for (const route of this.routes) {
      if (
        route.method !== method &&
        !(route.method === 'GET' && method === 'HEAD')
      ) {
        continue;
      }
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      route.keys.forEach((key, index) => {
        req.params[key] = match[index + 1];
      });
      await route.handler(req, res);
      return;
    }
    if (this.fallback) {
      await this.fallback(req, res);
      return;
    }
    sendText(res, 404, 'Not Found');
  }
}

function createRequest(raw: http.IncomingMessage, url: URL): SimRequest {
  let bodyPromise: Promise<Buffer> | undefined;
  const body = () => {
    if (!bodyPromise) {
      bodyPromise = new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        raw.on('data', chunk => chunks.push(chunk));
        raw.on('end', () => resolve(Buffer.concat(chunks)));
        raw.on('error', reject);
      });
    }
    return bodyPromise;
  };
  const text = async () => (await body()).toString('utf8');
  return {
    method: (raw.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers: raw.headers,
    params: {},
    raw,
    body,
    text,
    async json() {
      const content = await text();
      if (!content) return {};
      return JSON.parse(content);
    },
    async form() {
      const result: Record<string, string> = {};
      for (const [k, v] of url.searchParams) result[k] = v;
      const content = await text();
      const type = String(raw.headers['content-type'] ?? '');
      if (content && type.includes('application/json')) {
        try {
          const parsed = JSON.parse(content);
          for (const [k, v] of Object.entries(parsed)) {
            result[k] = typeof v === 'string' ? v : JSON.stringify(v);
          }
        } catch {
          // leave the body out; the handler reports the missing fields
        }
      } else if (content) {
        for (const [k, v] of new URLSearchParams(content)) result[k] = v;
      }
      return result;
    },
  };
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export function sendText(
  res: http.ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'Content-Type': 'text/plain;charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendEmpty(
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, headers);
  res.end();
}

/** Parses `Authorization: Basic` into user and password. */
export function parseBasicAuth(
  header: string | undefined,
): { user: string; password: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString(
    'utf8',
  );
  const index = decoded.indexOf(':');
  if (index < 0) return { user: decoded, password: '' };
  return { user: decoded.slice(0, index), password: decoded.slice(index + 1) };
}

export function parseBearer(header: string | undefined): string | undefined {
  if (!header || !/^bearer /i.test(header)) return undefined;
  return header.slice(7).trim();
}

/** Starts a server bound to loopback only; resolves with its base URL. */
export async function listen(
  server: http.Server,
  port: number,
  host = '127.0.0.1',
): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${host}:${address.port}`;
}

export function createServer(
  name: string,
  router: Router,
  onError: (error: unknown) => void,
): http.Server {
  const server = http.createServer((req, res) => {
    router.handle(req, res).catch(error => {
      onError(error);
      if (!res.headersSent) {
        sendText(res, 500, `${name} simulator error`);
      } else {
        res.destroy();
      }
    });
  });
  // Clients such as git and the AWS SDK keep connections alive; do not let
  // them hold `stop()` open.
  server.keepAliveTimeout = 2000;
  return server;
}

/**
 * POSTs JSON to a URL with node:http (not fetch), the way a tool's webhook
 * sender would. Resolves with the status, never throws.
 */
export function postJson(
  target: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise(resolve => {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      resolve({ status: 0, body: `invalid URL ${target}` });
      return;
    }
    const payload = JSON.stringify(body);
    const request = http.request(
      url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
          ...headers,
        },
        timeout: 10000,
      },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', c => chunks.push(c));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', error => resolve({ status: 0, body: error.message }));
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.end(payload);
  });
}
