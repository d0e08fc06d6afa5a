import { InputError } from '@backstage/errors';
import {
  GitLabIntegrationConfig,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { parseRepoUrl } from '@backstage/plugin-scaffolder-node';
import { optional } from './validation';

/** A `repoUrl` input resolved against `integrations.gitlab`. */
export type GitLabRepo = {
  host: string;
  /** `group/project`, as GitLab's API takes it (URL-encoded). */
  projectPath: string;
  /** The integration of `host`: the API base URL and token. */
  config: GitLabIntegrationConfig;
  /** The HTTPS clone URL, `<baseUrl>/<projectPath>.git`. */
  cloneUrl: string;
};

/**
 * The host and project path of a `repoUrl` input
 * (`gitlab.example.com?owner=group&repo=project`), checked against
 * `integrations.gitlab`, with the host's integration config.
 */
export function readGitLabRepo(
  repoUrl: string,
  integrations: ScmIntegrationRegistry,
): GitLabRepo {
  if (!optional(repoUrl)) {
    throw new InputError(
      `Invalid input "repoUrl": give the repository as gitlab.example.com?owner=group&repo=project`,
    );
  }
  let parsed;
  try {
    parsed = parseRepoUrl(repoUrl, integrations);
  } catch (error) {
    throw new InputError(
      `Invalid input "repoUrl": ${(error as Error).message}`,
    );
  }
  const integration = integrations.gitlab.byHost(parsed.host);
  if (!integration) {
    throw new InputError(
      `Invalid input "repoUrl": "${parsed.host}" is not a GitLab host in integrations.gitlab`,
    );
  }
  if (!parsed.owner || !parsed.repo) {
    throw new InputError(
      `Invalid input "repoUrl": give owner and repo, e.g. ${parsed.host}?owner=group&repo=project`,
    );
  }
  const projectPath = `${parsed.owner}/${parsed.repo}`;
  if (projectPath.split('/').some(s => s === '' || s === '..' || s === '.')) {
    throw new InputError(
      `Invalid input "repoUrl": "${projectPath}" is not a GitLab project path`,
    );
  }
  const base = integration.config.baseUrl.replace(/\/+$/, '');
  return {
    host: parsed.host,
    projectPath,
    config: integration.config,
    cloneUrl: `${base}/${projectPath}.git`,
  };
}
