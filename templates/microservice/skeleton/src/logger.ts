import type { LogLevel } from './config.ts';

/** Structured fields attached to one log line. */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const SEVERITY: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};

/**
 * Writes one JSON object per line, the shape log collectors (Fluent Bit,
 * CloudWatch, Loki) parse without configuration: `time`, `level`, `service`,
 * `message`, then the caller's fields. Errors are expanded to name, message
 * and stack so they survive `JSON.stringify`.
 */
export function createLogger(options: {
  service: string;
  level: LogLevel;
  write?: (line: string) => void;
  now?: () => Date;
}): Logger {
  const write = options.write ?? (line => process.stdout.write(line));
  const now = options.now ?? (() => new Date());
  const threshold = SEVERITY[options.level];

  const log = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (SEVERITY[level] < threshold) {
      return;
    }
    const line = {
      time: now().toISOString(),
      level,
      service: options.service,
      message,
      ...serializeFields(fields),
    };
    write(`${JSON.stringify(line)}\n`);
  };

  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
  };
}

function serializeFields(fields: LogFields): LogFields {
  const result: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    result[key] =
      value instanceof Error
        ? { name: value.name, message: value.message, stack: value.stack }
        : value;
  }
  return result;
}
