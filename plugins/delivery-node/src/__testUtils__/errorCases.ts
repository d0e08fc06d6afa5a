import { delay, http, HttpResponse } from 'msw';
import { UpstreamErrorKind } from '../errors';
import { htmlLoginPage } from '../__fixtures__/login';

/** The client timeout used in tests; slow handlers wait longer than this. */
export const TEST_TIMEOUT_MS = 150;

/** One way an upstream can fail, and the error kind it must become. */
export type ErrorCase = {
  label: string;
  kind: UpstreamErrorKind;
  message: RegExp;
  /** Only for methods that parse JSON. */
  jsonOnly?: boolean;
  handler: (baseUrl: string) => ReturnType<typeof http.all>;
};

const any = (baseUrl: string) => `${baseUrl}/*`;

export const ERROR_CASES: ErrorCase[] = [
  {
    label: 'HTTP 401',
    kind: 'authentication',
    message: /authentication failed \(HTTP 401\); check/,
    handler: base =>
      http.all(any(base), () => new HttpResponse(null, { status: 401 })),
  },
  {
    label: 'HTTP 403',
    kind: 'authentication',
    message: /access denied \(HTTP 403\)/,
    handler: base =>
      http.all(any(base), () =>
        HttpResponse.text('Forbidden', { status: 403 }),
      ),
  },
  {
    label: 'an HTML login page',
    kind: 'authentication',
    message: /HTML login page/,
    handler: base =>
      http.all(any(base), () => HttpResponse.html(htmlLoginPage)),
  },
  {
    label: 'a redirect to a login page',
    kind: 'authentication',
    message: /redirected to a login page/,
    handler: base =>
      http.all(
        any(base),
        () =>
          new HttpResponse(null, {
            status: 302,
            headers: { Location: 'https://sso.example.com/login?next=/api' },
          }),
      ),
  },
  {
    label: 'HTTP 404',
    kind: 'not-found',
    message: /not found/,
    handler: base =>
      http.all(any(base), () =>
        HttpResponse.json({ message: 'not found' }, { status: 404 }),
      ),
  },
  {
    label: 'no answer in time',
    kind: 'timeout',
    message: /no answer to .* within 150 ms/,
    handler: base =>
      http.all(any(base), async () => {
        await delay(TEST_TIMEOUT_MS * 4);
        return HttpResponse.json({});
      }),
  },
  {
    label: 'a refused connection',
    kind: 'unavailable',
    message: /cannot reach https:\/\//,
    handler: base => http.all(any(base), () => HttpResponse.error()),
  },
  {
    label: 'HTTP 503',
    kind: 'unavailable',
    message: /failed with HTTP 503/,
    handler: base =>
      http.all(any(base), () =>
        HttpResponse.text('Service Unavailable', { status: 503 }),
      ),
  },
  {
    label: 'malformed JSON',
    kind: 'unexpected-response',
    message: /malformed JSON/,
    jsonOnly: true,
    handler: base =>
      http.all(
        any(base),
        () =>
          new HttpResponse('{"builds": [', {
            headers: { 'Content-Type': 'application/json' },
          }),
      ),
  },
  {
    label: 'wrongly shaped JSON',
    kind: 'unexpected-response',
    message: /unexpected shape/,
    jsonOnly: true,
    handler: base => http.all(any(base), () => HttpResponse.json('unexpected')),
  },
  {
    label: 'a redirect elsewhere',
    kind: 'unexpected-response',
    message: /was redirected \(HTTP 301\)/,
    handler: base =>
      http.all(
        any(base),
        () =>
          new HttpResponse(null, {
            status: 301,
            headers: { Location: 'https://elsewhere.example.com/api' },
          }),
      ),
  },
];
