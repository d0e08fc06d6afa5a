import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  getGitLabRequestOptions,
  GitLabIntegrationConfig,
} from '@backstage/integration';

/** What a call is about, for the errors: `the hooks of "group/project"`. */
export type GitLabCallSubject = {
  about: string;
  projectPath: string;
  /** What the token may not do when GitLab answers 403 … */
  forbidden: string;
  /** … and what it needs for it. */
  needs: string;
  /** What GitLab refused, for a 400 or 422: `the hook`. */
  refused: string;
};

/**
 * The GitLab REST API v4 with the host and token of an `integrations.gitlab`
 * entry, a timeout per call, and errors that name the host and say what to
 * fix, never the token.
 */
export class GitLabRestClient {
  constructor(
    protected readonly options: {
      config: GitLabIntegrationConfig;
      /** A user token that replaces the integration's. */
      token?: string;
      timeoutMs: number;
    },
  ) {}

  /** The project's web page. */
  projectUrl(projectPath: string): string {
    return `${this.options.config.baseUrl.replace(/\/+$/, '')}/${projectPath}`;
  }

  protected projectApiPath(projectPath: string) {
    return `/projects/${encodeURIComponent(projectPath)}`;
  }

  protected async send(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    subject: GitLabCallSubject,
    body?: string,
  ): Promise<Response> {
    const { config, token, timeoutMs } = this.options;
    const url = `${config.apiBaseUrl.replace(/\/+$/, '')}${path}`;
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...getGitLabRequestOptions(config, token).headers,
          Accept: 'application/json',
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body,
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      if (signal.aborted) {
        throw new ServiceUnavailableError(
          `GitLab ${config.host}: no answer about ${subject.about} within ${timeoutMs} ms; try again later`,
        );
      }
      throw new ServiceUnavailableError(
        `GitLab ${config.host}: cannot reach ${config.apiBaseUrl} (${
          (error as Error).message
        }); check integrations.gitlab`,
      );
    }
    if (response.ok) {
      return response;
    }
    const detail = await gitLabMessage(response);
    const where = `GitLab ${config.host}`;
    switch (response.status) {
      case 401:
        throw new AuthenticationError(
          `${where}: authentication failed (HTTP 401); check the token of integrations.gitlab for ${config.host}`,
        );
      case 403:
        throw new NotAllowedError(
          `${where}: the token may not ${subject.forbidden} (HTTP 403); ${subject.needs}`,
        );
      case 404:
        throw new NotFoundError(
          `${where}: project "${subject.projectPath}" not found (HTTP 404${
            detail && !/project not found/i.test(detail) ? `: ${detail}` : ''
          }); check repoUrl, or that the token can see the project`,
        );
      case 409:
        throw new ConflictError(
          `${where}: ${subject.refused} was refused (HTTP 409)${
            detail ? `: ${detail}` : ''
          }`,
        );
      case 400:
      case 422:
        throw new InputError(
          `${where}: ${subject.refused} was refused (HTTP ${response.status})${
            detail ? `: ${detail}` : ''
          }`,
        );
      default:
        throw new ServiceUnavailableError(
          `${where}: HTTP ${response.status} about ${subject.about}${
            detail ? `: ${detail}` : ''
          }; try again later`,
        );
    }
  }

  protected async json(response: Response, subject: GitLabCallSubject) {
    try {
      return await response.json();
    } catch {
      throw new ServiceUnavailableError(
        `GitLab ${this.options.config.host}: the answer about ${subject.about} is not JSON`,
      );
    }
  }
}

// GitLab's error bodies are `{ message }` or `{ error }`; the message is kept
// short and can't carry our token (GitLab never echoes it).
async function gitLabMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as {
      message?: unknown;
      error?: unknown;
    };
    const message = body?.message ?? body?.error;
    if (message === undefined) {
      return '';
    }
    return (
      typeof message === 'string' ? message : JSON.stringify(message)
    ).slice(0, 300);
  } catch {
    return '';
  }
}
