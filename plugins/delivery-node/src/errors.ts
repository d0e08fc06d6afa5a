import { CustomErrorBase, isErrorWithName } from '@backstage/errors';

/**
 * The tools the delivery clients talk to.
 *
 * @public
 */
export type UpstreamTool = 'jenkins' | 'sonarqube' | 'argocd' | 'ecr';

/**
 * What went wrong talking to a tool.
 *
 * - `authentication`: 401/403, or an HTML login page where JSON was expected
 * - `not-found`: the named job, project, application or repository does not exist
 * - `timeout`: no answer within the configured timeout
 * - `unavailable`: connection refused, DNS failure, 5xx, throttling
 * - `unexpected-response`: malformed or wrongly shaped JSON, an unexpected redirect
 * - `rejected`: the tool refused the request (400/409), e.g. "already exists"
 *
 * @public
 */
export type UpstreamErrorKind =
  | 'authentication'
  | 'not-found'
  | 'timeout'
  | 'unavailable'
  | 'unexpected-response'
  | 'rejected';

const TOOL_LABELS: Record<UpstreamTool, string> = {
  jenkins: 'Jenkins',
  sonarqube: 'SonarQube',
  argocd: 'Argo CD',
  ecr: 'ECR',
};

/**
 * The human name of a tool, e.g. `Argo CD`.
 *
 * @public
 */
export function toolLabel(tool: UpstreamTool): string {
  return TOOL_LABELS[tool];
}

/**
 * Options of every {@link UpstreamError}.
 *
 * @public
 */
export type UpstreamErrorOptions = {
  tool: UpstreamTool;
  /** The configured instance name (for ECR: `<account>/<region>`). */
  instance: string;
  /** What happened and what to do, never a secret. */
  detail: string;
  /** The HTTP status, when there was one. */
  status?: number;
};

/**
 * The base of the error family every delivery client throws. The message
 * always names the tool and the instance, e.g.
 * `Jenkins instance "default": authentication failed (HTTP 401); …`, and never
 * carries a secret.
 *
 * @public
 */
export abstract class UpstreamError extends CustomErrorBase {
  abstract readonly kind: UpstreamErrorKind;
  readonly tool: UpstreamTool;
  readonly instance: string;
  readonly status?: number;

  constructor(options: UpstreamErrorOptions) {
    super(
      `${TOOL_LABELS[options.tool]} instance "${options.instance}": ${
        options.detail
      }`,
    );
    this.tool = options.tool;
    this.instance = options.instance;
    this.status = options.status;
  }
}

/**
 * The tool refused our credentials, or answered with a login page.
 *
 * @public
 */
export class UpstreamAuthenticationError extends UpstreamError {
  name = 'UpstreamAuthenticationError' as const;
  readonly kind = 'authentication' as const;
}

/**
 * The named item does not exist on the tool.
 *
 * @public
 */
export class UpstreamNotFoundError extends UpstreamError {
  name = 'UpstreamNotFoundError' as const;
  readonly kind = 'not-found' as const;
}

/**
 * The tool did not answer within the configured timeout.
 *
 * @public
 */
export class UpstreamTimeoutError extends UpstreamError {
  name = 'UpstreamTimeoutError' as const;
  readonly kind = 'timeout' as const;
}

/**
 * The tool could not be reached or failed (connection refused, 5xx).
 *
 * @public
 */
export class UpstreamUnavailableError extends UpstreamError {
  name = 'UpstreamUnavailableError' as const;
  readonly kind = 'unavailable' as const;
}

/**
 * The tool answered with something we cannot use (malformed or wrongly shaped
 * JSON, an unexpected redirect).
 *
 * @public
 */
export class UpstreamUnexpectedResponseError extends UpstreamError {
  name = 'UpstreamUnexpectedResponseError' as const;
  readonly kind = 'unexpected-response' as const;
}

/**
 * The tool refused the request (for example "already exists"); the detail
 * carries the tool's own message.
 *
 * @public
 */
export class UpstreamRejectedError extends UpstreamError {
  name = 'UpstreamRejectedError' as const;
  readonly kind = 'rejected' as const;
}

const UPSTREAM_ERROR_NAMES: Record<string, UpstreamErrorKind> = {
  UpstreamAuthenticationError: 'authentication',
  UpstreamNotFoundError: 'not-found',
  UpstreamTimeoutError: 'timeout',
  UpstreamUnavailableError: 'unavailable',
  UpstreamUnexpectedResponseError: 'unexpected-response',
  UpstreamRejectedError: 'rejected',
};

/**
 * Whether a value is an {@link UpstreamError}, optionally of one kind. Matches
 * by name, so it works across package copies.
 *
 * @public
 */
export function isUpstreamError(
  value: unknown,
  kind?: UpstreamErrorKind,
): value is UpstreamError {
  const name = (value as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string' || !(name in UPSTREAM_ERROR_NAMES)) {
    return false;
  }
  if (!isErrorWithName(value, name)) {
    return false;
  }
  return kind === undefined || UPSTREAM_ERROR_NAMES[name] === kind;
}

/**
 * No instance of a tool with the requested name is configured (or none at all).
 * Callers usually report this as "not configured", not as a failure.
 *
 * @public
 */
export class InstanceNotConfiguredError extends CustomErrorBase {
  name = 'InstanceNotConfiguredError' as const;
  readonly tool: UpstreamTool;
  /** The requested name; undefined when the default instance was requested. */
  readonly instance?: string;

  static is(value: unknown): value is InstanceNotConfiguredError {
    return isErrorWithName(value, 'InstanceNotConfiguredError');
  }

  constructor(options: {
    tool: UpstreamTool;
    instance?: string;
    configured: string[];
    configKey: string;
  }) {
    const label = TOOL_LABELS[options.tool];
    let message: string;
    if (options.configured.length === 0) {
      message = `No ${label} instance is configured; add one under ${options.configKey}`;
    } else if (options.instance === undefined) {
      message = `No default ${label} instance is configured (configured: ${options.configured.join(
        ', ',
      )}); name one in the annotation or add an instance named "default" under ${
        options.configKey
      }`;
    } else {
      message = `No ${label} instance named "${
        options.instance
      }" is configured (configured: ${options.configured.join(
        ', ',
      )}); fix the instance name in the annotation or add it under ${
        options.configKey
      }`;
    }
    super(message);
    this.tool = options.tool;
    this.instance = options.instance;
  }
}
