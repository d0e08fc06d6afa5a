import { ServiceUnavailableError } from '@backstage/errors';
import { GitLabCallSubject, GitLabRestClient } from './GitLabRestClient';

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

/** The two project-hook calls of the GitLab REST API v4. */
export class GitLabHooksClient extends GitLabRestClient {
  /** `GET /projects/:id/hooks` (all pages). */
  async listHooks(projectPath: string): Promise<GitLabProjectHook[]> {
    const subject = hooksOf(projectPath);
    const hooks: GitLabProjectHook[] = [];
    for (let page = 1; page <= 20; page++) {
      const response = await this.send(
        'GET',
        `${this.hooksPath(projectPath)}?per_page=100&page=${page}`,
        subject,
      );
      const body = await this.json(response, subject);
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
    const subject = hooksOf(projectPath);
    const response = await this.send(
      'POST',
      this.hooksPath(projectPath),
      subject,
      JSON.stringify({
        url: hook.url,
        enable_ssl_verification: hook.enable_ssl_verification,
        ...hook.events,
        ...(hook.token ? { token: hook.token } : {}),
      }),
    );
    return (await this.json(response, subject)) as GitLabProjectHook;
  }

  private hooksPath(projectPath: string) {
    return `${this.projectApiPath(projectPath)}/hooks`;
  }
}

function hooksOf(projectPath: string): GitLabCallSubject {
  return {
    about: `the hooks of "${projectPath}"`,
    projectPath,
    forbidden: `manage the hooks of "${projectPath}"`,
    needs: 'it needs the Maintainer role and the api scope',
    refused: 'the hook',
  };
}
