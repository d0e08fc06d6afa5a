import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('uses defaults when nothing is set', () => {
    assert.deepEqual(loadConfig({}), {
      port: 8080,
      host: '0.0.0.0',
      logLevel: 'info',
      serviceName: 'service',
      shutdownTimeoutMs: 10_000,
      shutdownDelayMs: 0,
    });
  });

  it('reads every variable', () => {
    assert.deepEqual(
      loadConfig({
        PORT: '3000',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'DEBUG',
        SERVICE_NAME: 'payments-api',
        SHUTDOWN_TIMEOUT_MS: '2500',
        SHUTDOWN_DELAY_MS: '5000',
      }),
      {
        port: 3000,
        host: '127.0.0.1',
        logLevel: 'debug',
        serviceName: 'payments-api',
        shutdownTimeoutMs: 2500,
        shutdownDelayMs: 5000,
      },
    );
  });

  it('names the variable and the accepted range for a bad port', () => {
    assert.throws(
      () => loadConfig({ PORT: '80a' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === 'PORT must be a whole number from 0 to 65535, got "80a"',
    );
    assert.throws(() => loadConfig({ PORT: '70000' }), ConfigError);
  });

  it('lists the accepted log levels for an unknown one', () => {
    assert.throws(() => loadConfig({ LOG_LEVEL: 'verbose' }), {
      name: 'ConfigError',
      message: 'LOG_LEVEL must be one of debug, info, warn, error, got "verbose"',
    });
  });

  it('rejects a negative shutdown timeout', () => {
    assert.throws(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: '-1' }), {
      message: /^SHUTDOWN_TIMEOUT_MS must be a whole number/,
    });
  });
});
