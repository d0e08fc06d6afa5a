import { InputError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { parseRepoUrl } from '@backstage/plugin-scaffolder-node';
import { optional } from './validation';

/**
 * The host and project path of a `repoUrl` input
 * (`gitlab.example.com?owner=group&repo=project`), checked against
 * `integrations.gitlab`.
 */
export function readGitLabRepo(
  repoUrl: string,
  integrations: ScmIntegrationRegistry,
): { host: string; projectPath: string } {
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
  if (!integrations.gitlab.byHost(parsed.host)) {
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
  return { host: parsed.host, projectPath };
}
