import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  getGitLabRequestOptions,
  GitLabIntegrationConfig,
} from '@backstage/integration';

/** A project hook as the GitLab API returns it (the token is never returned). */
export type GitLabProjectHook = {
  id: number;
  url: string;
  enable_ssl_verification: boolean;
  [event: `${string}_events`]: boolean;
};

/** A new hook: its URL, events (`push_events: true`, …), token and TLS check. */
export type GitLabProjectHookInput = {
  url: string;
  token?: string;
  enable_ssl_verification: boolean;
  events: Record<string, boolean>;
};

/**
 * The two project-hook calls of the GitLab REST API v4, with the host and
 * token of an `integrations.gitlab` entry, a timeout, and errors that name
 * the host and say what to fix, never the token.
 */
export class GitLabHooksClient {
  constructor(
    private readonly options: {
      config: GitLabIntegrationConfig;
      /** A user token that replaces the integration's. */
      token?: string;
      timeoutMs: number;
    },
  ) {}

  /** `GET /projects/:id/hooks` (all pages). */
  async listHooks(projectPath: string): Promise<GitLabProjectHook[]> {
    const hooks: GitLabProjectHook[] = [];
    for (let page = 1; page <= 20; page++) {
      const response = await this.send(
        'GET',
        `${this.hooksPath(projectPath)}?per_page=100&page=${page}`,
        projectPath,
      );
      const body = await this.json(response, projectPath);
      if (!Array.isArray(body)) {
        throw new ServiceUnavailableError(
          `GitLab ${this.options.config.host}: the hooks of "${projectPath}" are not a list`,
        );
      }
      hooks.push(...(body as GitLabProjectHook[]));
      if (!response.headers.get('x-next-page')) {
        break;
      }
    }
    return hooks;
  }

  /** `POST /projects/:id/hooks`. */
  async createHook(
    projectPath: string,
    hook: GitLabProjectHookInput,
  ): Promise<GitLabProjectHook> {
    const response = await this.send(
      'POST',
      this.hooksPath(projectPath),
      projectPath,
      JSON.stringify({
        url: hook.url,
        enable_ssl_verification: hook.enable_ssl_verification,
        ...hook.events,
        ...(hook.token ? { token: hook.token } : {}),
      }),
    );
    return (await this.json(response, projectPath)) as GitLabProjectHook;
  }

  /** The project's web page. */
  projectUrl(projectPath: string): string {
    return `${this.options.config.baseUrl.replace(/\/+$/, '')}/${projectPath}`;
  }

  private hooksPath(projectPath: string) {
    return `/projects/${encodeURIComponent(projectPath)}/hooks`;
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    projectPath: string,
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
          `GitLab ${config.host}: no answer about the hooks of "${projectPath}" within ${timeoutMs} ms; try again later`,
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
          `${where}: the token may not manage the hooks of "${projectPath}" (HTTP 403); it needs the Maintainer role and the api scope`,
        );
      case 404:
        throw new NotFoundError(
          `${where}: project "${projectPath}" not found (HTTP 404); check repoUrl, or that the token can see the project`,
        );
      case 400:
      case 422:
        throw new InputError(
          `${where}: the hook was refused (HTTP ${response.status})${
            detail ? `: ${detail}` : ''
          }`,
        );
      default:
        throw new ServiceUnavailableError(
          `${where}: HTTP ${
            response.status
          } about the hooks of "${projectPath}"${
            detail ? `: ${detail}` : ''
          }; try again later`,
        );
    }
  }

  private async json(response: Response, projectPath: string) {
    try {
      return await response.json();
    } catch {
      throw new ServiceUnavailableError(
        `GitLab ${this.options.config.host}: the answer about the hooks of "${projectPath}" is not JSON`,
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
