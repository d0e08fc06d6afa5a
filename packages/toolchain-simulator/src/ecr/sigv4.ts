/**
 * Verifies AWS Signature Version 4 on an incoming request, the way AWS
 * front ends do, so a client with wrong keys fails exactly as against AWS.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

export type SigV4Result =
  | { ok: true; accessKeyId: string; region: string; service: string }
  | { ok: false; status: number; type: string; message: string };

export function verifySigV4(
  req: {
    method: string;
    path: string;
    query: URLSearchParams;
    headers: http.IncomingHttpHeaders;
  },
  body: Buffer,
  secrets: (accessKeyId: string) => string | undefined,
): SigV4Result {
  const header = req.headers.authorization;
  if (!header) {
    return {
      ok: false,
      status: 400,
      type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    };
  }
  const m =
    /^AWS4-HMAC-SHA256\s+Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/.exec(
      header.trim(),
    );
  if (!m) {
    return {
      ok: false,
      status: 400,
      type: 'IncompleteSignatureException',
      message: `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${
        header.split(' ')[0]
      }`,
    };
  }
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m;
  const secret = secrets(accessKeyId);
  if (secret === undefined) {
    return {
      ok: false,
      status: 400,
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    };
  }
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const names = signedHeaders.split(';');
  const canonicalHeaders = names
    .map(name => {
      const value = req.headers[name];
      const joined = Array.isArray(value)
        ? value.join(',')
        : String(value ?? '');
      return `${name}:${joined.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const query = [...req.query.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([a, x], [b, y]) => compare(a, b) || compare(x, y))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const payloadHash =
    (req.headers['x-amz-content-sha256'] as string | undefined) ??
    createHash('sha256').update(body).digest('hex');
  const canonicalRequest = [
    req.method,
    req.path
      .split('/')
      .map(s => rfc3986(decodeURIComponent(s)))
      .join('/') || '/',
    query,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  for (const part of [region, service, 'aws4_request']) {
    key = createHmac('sha256', key).update(part).digest();
  }
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      ok: false,
      status: 400,
      type: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  }
  return { ok: true, accessKeyId, region, service };
}

function compare(a: string, b: string) {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function rfc3986(value: string) {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
