import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { createLogger } from './logger.ts';
import { createService, type Service } from './server.ts';

const silent = createLogger({ service: 'test', level: 'error', write: () => {} });

let service: Service | undefined;

async function start(shutdownDelayMs = 0) {
  service = createService(
    {
      port: 0,
      host: '127.0.0.1',
      serviceName: 'payments-api',
      shutdownTimeoutMs: 1_000,
      shutdownDelayMs,
    },
    silent,
  );
  const port = await service.start();
  return { service, base: `http://127.0.0.1:${port}` };
}

afterEach(async () => {
  await service?.stop();
  service = undefined;
});

describe('HTTP service', () => {
  it('answers liveness and readiness probes', async () => {
    const { base } = await start();
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });
  });

  it('names itself on /', async () => {
    const { base } = await start();
    const res = await fetch(base);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(await res.json(), { service: 'payments-api' });
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    const { base } = await start();
    const missing = await fetch(`${base}/nope`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'no route for /nope' });
    const post = await fetch(`${base}/healthz`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });

  it('finishes a request that was in flight when stop began, then closes', async () => {
    const { service: running, base } = await start();
    const { port } = new URL(base);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    // Half a request: the server has accepted it but not seen its end yet.
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    let response = '';
    socket.on('data', chunk => (response += chunk));
    const socketClosed = once(socket, 'close');

    const startedAt = Date.now();
    const stopped = running.stop();
    setTimeout(() => socket.write('\r\n'), 50);
    await socketClosed;
    await stopped;

    assert.match(response, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(response, /\r\nConnection: close\r\n/);
    assert.ok(response.endsWith('{"status":"ok"}'));
    assert.ok(Date.now() - startedAt < 900, 'stopped without waiting for the timeout');
    await assert.rejects(fetch(`${base}/healthz`));
  });

  it('answers 503 on /readyz but keeps serving during the shutdown delay', async () => {
    const { service: running, base } = await start(300);
    const stopped = running.stop();
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: 'not ready' });
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    await stopped;
    await assert.rejects(fetch(`${base}/healthz`));
    assert.equal(await running.stop(), undefined, 'stop() twice is safe');
  });
});
