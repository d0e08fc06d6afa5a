import { InputError } from '@backstage/errors';
import {
  UpstreamAuthenticationError,
  UpstreamError,
  UpstreamErrorOptions,
  UpstreamNotFoundError,
  UpstreamRejectedError,
  UpstreamTimeoutError,
  UpstreamTool,
  UpstreamUnavailableError,
  UpstreamUnexpectedResponseError,
} from '../errors';

/** @internal */
export type UpstreamHttpOptions = {
  tool: UpstreamTool;
  instance: string;
  baseUrl: string;
  timeoutMs: number;
  /** Where the credentials of this instance are configured, for error hints. */
  credentialsHint: string;
  /** Values that must never appear in an error message. */
  secrets: Array<string | undefined>;
  fetch?: typeof fetch;
};

/** @internal */
export type UpstreamRequest = {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path segments below the base URL, unencoded; each is encoded on its own. */
  path: string[];
  query?: Record<string, string | number | boolean | undefined>;
  body?: string | URLSearchParams;
  headers?: Record<string, string>;
  /** What the request is about, for a not-found message, e.g. "job `services/x`". */
  what?: string;
  /** Largest body accepted, in bytes. */
  maxBytes?: number;
  signal?: AbortSignal;
};

/** @internal */
export type UpstreamResponse = {
  status: number;
  headers: Headers;
  text: string;
  url: string;
};

const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
const LOGIN_PAGE =
  /(log ?in|sign ?in|j_security_check|j_username|type=["']?password|openid|oauth2?\/authorize|saml)/i;

/**
 * The one way the delivery clients talk HTTP: every request goes to the
 * configured base URL (segments encoded one by one, the result checked), every
 * call has a timeout, redirects are never followed, and every failure becomes
 * an {@link UpstreamError} that names tool and instance and carries no secret.
 *
 * @internal
 */
export class UpstreamHttp {
  readonly baseUrl: URL;
  private readonly basePath: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: UpstreamHttpOptions) {
    const base = new URL(options.baseUrl);
    this.basePath = base.pathname.endsWith('/')
      ? base.pathname
      : `${base.pathname}/`;
    base.pathname = this.basePath;
    base.search = '';
    base.hash = '';
    this.baseUrl = base;
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
  }

  get tool() {
    return this.options.tool;
  }

  get instance() {
    return this.options.instance;
  }

  /** The URL of a path below the base URL; throws if it would leave it. */
  url(path: string[], query?: UpstreamRequest['query']): URL {
    const encoded = path.map(segment => {
      if (segment === '' || segment === '.' || segment === '..') {
        throw new InputError(
          `Refusing to build a ${this.options.tool} URL with the path segment "${segment}"; empty, "." and ".." segments are not allowed`,
        );
      }
      return encodeURIComponent(segment);
    });
    const url = new URL(this.baseUrl.href);
    url.pathname = this.basePath + encoded.join('/');
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(key, String(value));
      }
    }
    if (
      url.origin !== this.baseUrl.origin ||
      !url.pathname.startsWith(this.basePath)
    ) {
      throw new InputError(
        `Refusing a ${this.options.tool} request outside the configured base URL`,
      );
    }
    return url;
  }

  /**
   * Sends a request and returns whatever status came back. Only timeouts and
   * network failures throw here.
   */
  async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const url = this.url(request.path, request.query);
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = request.signal
      ? AbortSignal.any([timeout, request.signal])
      : timeout;
    try {
      const response = await this.fetchImpl(url, {
        method: request.method ?? 'GET',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal,
      });
      const text = await readLimited(
        response,
        request.maxBytes ?? DEFAULT_MAX_BYTES,
        () =>
          this.error(UpstreamUnexpectedResponseError, {
            detail: `the response to ${describe(request)} is larger than ${
              request.maxBytes ?? DEFAULT_MAX_BYTES
            } bytes`,
          }),
      );
      return {
        status: response.status,
        headers: response.headers,
        text,
        url: url.href,
      };
    } catch (error) {
      if (error instanceof UpstreamError) {
        throw error;
      }
      if (timeout.aborted) {
        throw this.error(UpstreamTimeoutError, {
          detail: `no answer to ${describe(request)} within ${formatMs(
            this.options.timeoutMs,
          )}; the server may be overloaded, or raise the timeout (delivery.timeouts)`,
        });
      }
      if (request.signal?.aborted) {
        throw error;
      }
      throw this.error(UpstreamUnavailableError, {
        detail: `cannot reach ${this.baseUrl.origin} (${networkCause(
          error,
        )}); check that the server is up and the configured URL is right`,
      });
    }
  }

  /**
   * Turns a response into its body, or into the right error: 401/403 and login
   * pages are authentication failures, 404 is not found, 5xx and 429 are
   * unavailable, redirects and other statuses are unexpected or rejected.
   */
  check(response: UpstreamResponse, request: UpstreamRequest): string {
    const { status } = response;
    if (status >= 200 && status < 300) {
      return response.text;
    }
    if (status >= 300 && status < 400) {
      const location = response.headers.get('location') ?? '';
      if (LOGIN_PAGE.test(location)) {
        throw this.authError(status, 'the server redirected to a login page');
      }
      throw this.error(UpstreamUnexpectedResponseError, {
        status,
        detail: `${describe(
          request,
        )} was redirected (HTTP ${status}); check that the configured URL is the server's canonical address`,
      });
    }
    if (status === 401) {
      throw this.authError(status, 'authentication failed (HTTP 401)');
    }
    if (status === 403) {
      throw this.authError(
        status,
        'access denied (HTTP 403); the configured account lacks a permission it needs',
      );
    }
    if (status === 404) {
      throw this.error(UpstreamNotFoundError, {
        status,
        detail: `${request.what ?? describe(request)} not found`,
      });
    }
    if (status >= 500 || status === 429) {
      throw this.error(UpstreamUnavailableError, {
        status,
        detail: `${describe(
          request,
        )} failed with HTTP ${status}; the server is failing or overloaded, try again later`,
      });
    }
    const message = upstreamMessage(response);
    throw this.error(UpstreamRejectedError, {
      status,
      detail: `${describe(request)} was refused (HTTP ${status})${
        message ? `: ${message}` : ''
      }`,
    });
  }

  /** Parses a checked body as JSON; an HTML page is a login page or nonsense. */
  json<T = unknown>(response: UpstreamResponse, request: UpstreamRequest): T {
    const text = this.check(response, request);
    const contentType = response.headers.get('content-type') ?? '';
    const looksHtml =
      contentType.includes('html') || /^\s*</.test(text.slice(0, 200));
    if (looksHtml) {
      if (LOGIN_PAGE.test(text.slice(0, 20000))) {
        throw this.authError(
          response.status,
          'the server answered with an HTML login page instead of JSON',
        );
      }
      throw this.error(UpstreamUnexpectedResponseError, {
        status: response.status,
        detail: `${describe(
          request,
        )} answered with HTML instead of JSON; check that the configured URL points at the API`,
      });
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw this.error(UpstreamUnexpectedResponseError, {
        status: response.status,
        detail: `${describe(request)} answered with malformed JSON`,
      });
    }
  }

  /** Sends and parses JSON in one go. */
  async requestJson<T = unknown>(request: UpstreamRequest): Promise<T> {
    const response = await this.send({
      ...request,
      headers: { Accept: 'application/json', ...request.headers },
    });
    return this.json<T>(response, request);
  }

  /** Sends and returns the checked text body (see {@link UpstreamHttp.checkText}). */
  async requestText(request: UpstreamRequest): Promise<string> {
    return this.checkText(await this.send(request), request);
  }

  /**
   * Like `check`, and an HTML login page (an SSO proxy answering 200) is an
   * authentication failure too, never content or success.
   */
  checkText(response: UpstreamResponse, request: UpstreamRequest): string {
    const text = this.check(response, request);
    const contentType = response.headers.get('content-type') ?? '';
    if (contentType.includes('html') && LOGIN_PAGE.test(text.slice(0, 20000))) {
      throw this.authError(
        response.status,
        'the server answered with an HTML login page',
      );
    }
    return text;
  }

  /** An unexpected-shape error for a response that parsed but is wrong. */
  shapeError(request: UpstreamRequest, problem: string): UpstreamError {
    return this.error(UpstreamUnexpectedResponseError, {
      detail: `${describe(
        request,
      )} answered with an unexpected shape: ${problem}`,
    });
  }

  error<T extends UpstreamError>(
    ErrorClass: new (options: UpstreamErrorOptions) => T,
    options: { detail: string; status?: number },
  ): T {
    return new ErrorClass({
      tool: this.options.tool,
      instance: this.options.instance,
      status: options.status,
      detail: this.redact(options.detail),
    });
  }

  private authError(status: number, what: string) {
    return this.error(UpstreamAuthenticationError, {
      status,
      detail: `${what}; check ${this.options.credentialsHint}`,
    });
  }

  /** Removes any configured secret from text that came from upstream. */
  redact(text: string): string {
    let result = text;
    for (const secret of this.options.secrets) {
      if (secret && secret.length >= 4) {
        result = result.split(secret).join('***');
      }
    }
    return result;
  }
}

function describe(request: UpstreamRequest): string {
  return `${request.method ?? 'GET'} /${request.path.join('/')}`;
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function networkCause(error: unknown): string {
  let current: any = error;
  for (let i = 0; i < 4 && current; i++) {
    if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) {
      return current.code;
    }
    current = current.cause;
  }
  return 'network error';
}

/** The tool's own explanation of a refusal, short and single-line. */
function upstreamMessage(response: UpstreamResponse): string | undefined {
  const header = response.headers.get('x-error');
  if (header) {
    return clip(header);
  }
  try {
    const body = JSON.parse(response.text);
    if (Array.isArray(body?.errors)) {
      const messages = body.errors
        .map((e: any) => e?.msg)
        .filter((m: unknown) => typeof m === 'string');
      if (messages.length) {
        return clip(messages.join('; '));
      }
    }
    for (const key of ['message', 'error']) {
      if (typeof body?.[key] === 'string') {
        return clip(body[key]);
      }
    }
  } catch {
    // not JSON: no message worth repeating
  }
  return undefined;
}

function clip(text: string): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length > 300 ? `${single.slice(0, 297)}...` : single;
}

async function readLimited(
  response: Response,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<string> {
  const length = Number(response.headers.get('content-length'));
  if (Number.isFinite(length) && length > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) {
    return '';
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
