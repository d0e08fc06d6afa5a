import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./index.ts', import.meta.url));

describe('process', () => {
  it('logs JSON, serves probes and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [entry], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SERVICE_NAME: 'payments-api', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Array<Record<string, unknown>> = [];
    const listening = new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', line => {
        const entry = JSON.parse(line);
        lines.push(entry);
        if (entry.message === 'listening') resolve(entry.port as number);
      });
      child.once('exit', code => reject(new Error(`exited early with ${code}`)));
    });
    const port = await listening;
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(res.status, 200);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.ok(lines.every(line => line.service === 'payments-api' && typeof line.time === 'string'));
    assert.deepEqual(
      lines.map(line => line.message).filter(m => m !== 'request'),
      ['listening', 'signal received', 'shutting down', 'stopped'],
    );
  });

  it('exits 1 with a message naming the variable on bad configuration', async () => {
    const child = spawn(process.execPath, [entry], {
      env: { ...process.env, PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', chunk => (stderr += chunk));
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    assert.match(stderr, /PORT must be a whole number from 0 to 65535, got \\"eighty\\"/);
  });
});
