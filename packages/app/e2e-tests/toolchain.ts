import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';

/**
 * The toolchain simulator that `yarn start` runs, and the development-only
 * credentials app-config.yaml gives the portal for it: the browser tests
 * check through the tools' own APIs what the portal did.
 */
export const tools = {
  gitlab: 'http://127.0.0.1:7100',
  jenkins: 'http://127.0.0.1:7101',
  sonarqube: 'http://127.0.0.1:7102',
  argocd: 'http://127.0.0.1:7103',
  ecr: 'http://127.0.0.1:7104',
};
export const gitlabToken = 'glpat-simulator-0000000000';
const jenkinsAuth = `Basic ${Buffer.from(
  'admin:11aa0000000000000000000000000000aa',
).toString('base64')}`;
const sonarqubeToken = 'squ_simulator00000000000000000000000000000';
const argocdToken = 'argocd-simulator-token';

async function json(url: string, headers: Record<string, string>) {
  const response = await fetch(url, { headers });
  if (!response.ok) {
    throw new Error(`GET ${url}: HTTP ${response.status}`);
  }
  return response.json();
}

/** GitLab REST API v4 (`path` after `/api/v4`). */
export const gitlab = (path: string) =>
  json(`${tools.gitlab}/api/v4${path}`, { 'PRIVATE-TOKEN': gitlabToken });

/** GitLab project by its path, e.g. `payments/cart-api`. */
export const gitlabProject = (fullPath: string) =>
  gitlab(`/projects/${encodeURIComponent(fullPath)}`);

/** Jenkins, with the API token; `url` absolute or relative to Jenkins. */
export async function jenkins(url: string, as: 'json' | 'text' = 'json') {
  const absolute = url.startsWith('http') ? url : `${tools.jenkins}${url}`;
  const response = await fetch(absolute, {
    headers: { Authorization: jenkinsAuth },
  });
  if (!response.ok) {
    throw new Error(`GET ${absolute}: HTTP ${response.status}`);
  }
  return as === 'json' ? response.json() : response.text();
}

/** SonarQube Web API (`path` after the base URL, e.g. `/api/...`). */
export const sonarqube = (path: string) =>
  json(`${tools.sonarqube}${path}`, {
    Authorization: `Bearer ${sonarqubeToken}`,
  });

/** Argo CD API (`path` after the base URL, e.g. `/api/v1/...`). */
export const argocd = (path: string) =>
  json(`${tools.argocd}${path}`, { Authorization: `Bearer ${argocdToken}` });

/** Makes the next Argo CD application create answer HTTP 500, once. */
export async function failNextArgoCdCreate() {
  const response = await fetch(
    `${tools.argocd}/_simulator/argocd/fail-next-create`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ times: 1 }),
    },
  );
  if (!response.ok) {
    throw new Error(`fail-next-create: HTTP ${response.status}`);
  }
}

/** ECR through the AWS SDK, signed with the simulator's access key. */
export async function describeEcrRepository(name: string) {
  const ecr = new ECRClient({
    region: 'eu-west-1',
    endpoint: tools.ecr,
    credentials: {
      accessKeyId: 'AKIASIMULATOR0000000',
      secretAccessKey: 'simulator/secret/access/key/0000000000',
    },
  });
  try {
    const { repositories } = await ecr.send(
      new DescribeRepositoriesCommand({
        registryId: '123456789012',
        repositoryNames: [name],
      }),
    );
    return repositories![0];
  } finally {
    ecr.destroy();
  }
}

const run = promisify(execFile);

/** Runs git (a real one) in `cwd`, as a developer named "Guest". */
export async function git(cwd: string, args: string[]) {
  const { stdout } = await run(
    'git',
    [
      '-c',
      'user.name=Guest',
      '-c',
      'user.email=guest@example.com',
      '-c',
      'init.defaultBranch=main',
      ...args,
    ],
    { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
  );
  return stdout.trim();
}

/** The clone URL of a GitLab project, with the token as password. */
export function authedCloneUrl(fullPath: string) {
  const url = new URL(`${tools.gitlab}/${fullPath}.git`);
  url.username = 'oauth2';
  url.password = gitlabToken;
  return url.toString();
}

/** Polls `check` until it returns something truthy, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) {
      throw new Error(
        `Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

/** A file of a GitLab project's default branch, as text. */
export async function gitlabFile(projectId: number, file: string) {
  const url = `${
    tools.gitlab
  }/api/v4/projects/${projectId}/repository/files/${encodeURIComponent(
    file,
  )}/raw?ref=main`;
  const response = await fetch(url, {
    headers: { 'PRIVATE-TOKEN': gitlabToken },
  });
  if (!response.ok) {
    throw new Error(`GET ${url}: HTTP ${response.status}`);
  }
  return response.text();
}
