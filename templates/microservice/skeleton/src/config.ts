/**
 * Configuration comes only from environment variables (twelve-factor), read
 * once at start-up. A bad value stops the service with a message that names
 * the variable and says what it accepts, instead of running half-configured.
 */
export interface Config {
  /** TCP port the HTTP server listens on (`PORT`, default 8080; 0 picks a free port). */
  port: number;
  /** Interface to bind (`HOST`, default `0.0.0.0`). */
  host: string;
  /** Lowest level written to the log (`LOG_LEVEL`, default `info`). */
  logLevel: LogLevel;
  /** Name written into every log line (`SERVICE_NAME`). */
  serviceName: string;
  /**
   * How long in-flight requests may take to finish after SIGTERM before open
   * connections are closed (`SHUTDOWN_TIMEOUT_MS`, default 10000). Keep it
   * below the pod's `terminationGracePeriodSeconds`.
   */
  shutdownTimeoutMs: number;
  /**
   * How long to keep serving after SIGTERM with `/readyz` answering 503, so
   * load balancers and the Service's endpoints stop sending new traffic
   * before the listener closes (`SHUTDOWN_DELAY_MS`, default 0; the Helm chart
   * sets 5000).
   */
  shutdownDelayMs: number;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: readInteger(env, 'PORT', 8080, { min: 0, max: 65535 }),
    host: env.HOST?.trim() || '0.0.0.0',
    logLevel: readLogLevel(env),
    serviceName: env.SERVICE_NAME?.trim() || 'service',
    shutdownTimeoutMs: readInteger(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, {
      min: 0,
      max: 600_000,
    }),
    shutdownDelayMs: readInteger(env, 'SHUTDOWN_DELAY_MS', 0, {
      min: 0,
      max: 600_000,
    }),
  };
}

function readInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new ConfigError(
      `${name} must be a whole number from ${range.min} to ${range.max}, got "${raw}"`,
    );
  }
  return value;
}

function readLogLevel(env: NodeJS.ProcessEnv): LogLevel {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  if (raw === undefined || raw === '') {
    return 'info';
  }
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new ConfigError(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`,
    );
  }
  return raw as LogLevel;
}
