import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from './logger.ts';

function capture(level: 'debug' | 'info' | 'warn' | 'error') {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'payments-api',
    level,
    write: line => lines.push(line),
    now: () => new Date('2025-01-02T03:04:05.000Z'),
  });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, service and fields', () => {
    const { logger, lines } = capture('info');
    logger.info('request', { path: '/healthz', status: 200 });
    assert.equal(lines.length, 1);
    assert.ok(lines[0]?.endsWith('\n'));
    assert.deepEqual(JSON.parse(lines[0]!), {
      time: '2025-01-02T03:04:05.000Z',
      level: 'info',
      service: 'payments-api',
      message: 'request',
      path: '/healthz',
      status: 200,
    });
  });

  it('drops lines below the configured level', () => {
    const { logger, lines } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    assert.deepEqual(
      lines.map(line => JSON.parse(line).level),
      ['warn', 'error'],
    );
  });

  it('keeps the name, message and stack of errors', () => {
    const { logger, lines } = capture('debug');
    logger.error('failed', { error: new TypeError('boom') });
    const { error } = JSON.parse(lines[0]!);
    assert.equal(error.name, 'TypeError');
    assert.equal(error.message, 'boom');
    assert.match(error.stack, /TypeError: boom/);
  });
});
