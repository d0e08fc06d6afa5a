import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { bumpScript } from './paths';

const exec = promisify(execFile);

const VALUES = `# Values for the staging environment.

image:
  # Set by the pipeline. Do not edit by hand.
  tag: ''

replicaCount: 2

sidecar:
  image:
    tag: '1.2.3'
`;

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: os.tmpdir(),
};

let root: string;
let remote: string;

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, env: gitEnv });
  return stdout.trim();
}

async function clone(name: string): Promise<string> {
  const dir = path.join(root, name);
  await git(root, 'clone', '--quiet', remote, dir);
  return dir;
}

async function bump(cwd: string, args: string[], env: Record<string, string> = {}) {
  // Without the developer's identity: the script brings its own.
  const { GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL, ...base } = gitEnv;
  return exec('bash', [bumpScript, ...args], {
    cwd,
    env: { ...base, BUMP_RETRY_DELAY: '0', BUMP_BRANCH: 'main', ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    error => ({ code: error.code as number, stdout: error.stdout as string, stderr: error.stderr as string }),
  );
}

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'bump-image-tag-'));
  remote = path.join(root, 'remote.git');
  await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  const seed = await clone('seed');
  await fs.mkdir(path.join(seed, 'chart'));
  await fs.writeFile(path.join(seed, 'chart/values-staging.yaml'), VALUES);
  await fs.writeFile(path.join(seed, 'README.md'), '# service\n');
  await git(seed, 'add', '.');
  await git(seed, 'commit', '--quiet', '-m', 'Initial commit');
  await git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('scripts/bump-image-tag.sh', () => {
  it('retries after a concurrent push: the remote keeps both commits and the bump touches only the tag', async () => {
    const pipeline = await clone('pipeline');
    const developer = await clone('developer');

    // A developer pushes while the pipeline is building: the pipeline's
    // clone is now behind and its first push is rejected.
    await fs.appendFile(path.join(developer, 'README.md'), '\nMore docs.\n');
    await git(developer, 'commit', '--quiet', '-am', 'Document the service');
    await git(developer, 'push', '--quiet', 'origin', 'HEAD:main');

    const result = await bump(pipeline, ['chart/values-staging.yaml', '3f2a9c1b']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('push rejected: origin/main moved; fetching and rebasing (attempt 1 of 5)');
    expect(result.stdout).toContain('pushed to origin/main on attempt 2');

    const log = await git(remote, 'log', '--format=%s', 'main');
    expect(log.split('\n')).toEqual([
      'ci: deploy image 3f2a9c1b (values-staging.yaml) [pipeline-bump]',
      'Document the service',
      'Initial commit',
    ]);
    expect(await git(remote, 'log', '-1', '--format=%B', 'main')).toContain('\nPipeline-Bump: true');
    expect(await git(remote, 'log', '-1', '--format=%an', 'main')).toBe('Jenkins pipeline');

    const diff = await git(remote, 'diff', '--unified=0', 'main~1', 'main');
    const changed = diff.split('\n').filter(line => /^[-+](?![-+]{2} )/.test(line));
    expect(changed).toEqual(["-  tag: ''", '+  tag: "3f2a9c1b"']);
    expect(await git(remote, 'diff', '--name-only', 'main~1', 'main')).toBe('chart/values-staging.yaml');
  });

  it('commits with --no-push and pushes with --push-only, as the Jenkinsfile calls it', async () => {
    const pipeline = await clone('pipeline');
    const commit = await bump(pipeline, ['chart/values-staging.yaml', 'abc12345', '--no-push']);
    expect(commit.code).toBe(0);
    expect(await git(remote, 'log', '-1', '--format=%s', 'main')).toBe('Initial commit');

    const push = await bump(pipeline, ['chart/values-staging.yaml', 'abc12345', '--push-only']);
    expect(push.code).toBe(0);
    expect(await git(remote, 'show', 'main:chart/values-staging.yaml')).toBe(
      VALUES.replace("tag: ''", 'tag: "abc12345"').trimEnd(),
    );
  });

  it('does nothing when the tag is already set', async () => {
    const pipeline = await clone('pipeline');
    expect((await bump(pipeline, ['chart/values-staging.yaml', 'abc12345'])).code).toBe(0);
    const again = await bump(pipeline, ['chart/values-staging.yaml', 'abc12345']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already has tag abc12345; nothing to commit');
    expect(await git(remote, 'rev-list', '--count', 'main')).toBe('2');
  });

  it('gives up after BUMP_MAX_ATTEMPTS rejected pushes', async () => {
    const pipeline = await clone('pipeline');
    const developer = await clone('developer');
    await fs.appendFile(path.join(developer, 'README.md'), 'x\n');
    await git(developer, 'commit', '--quiet', '-am', 'Change');
    await git(developer, 'push', '--quiet', 'origin', 'HEAD:main');

    const result = await bump(pipeline, ['chart/values-staging.yaml', 'abc12345'], { BUMP_MAX_ATTEMPTS: '1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('push to origin/main still rejected after 1 attempts; giving up');
  });

  it('does not retry a push the remote refuses for another reason', async () => {
    const hook = path.join(remote, 'hooks/pre-receive');
    await fs.writeFile(hook, '#!/bin/sh\necho "main is protected" >&2\nexit 1\n', { mode: 0o755 });
    const pipeline = await clone('pipeline');
    const result = await bump(pipeline, ['chart/values-staging.yaml', 'abc12345']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not a concurrent-update rejection');
    expect(result.stdout).not.toContain('push rejected');
  });

  it.each([
    [['chart/values-staging.yaml', 'bad tag'], "tag 'bad tag' is not a valid image tag"],
    [['chart/values-prod.yaml', 'abc'], "values file 'chart/values-prod.yaml' does not exist"],
    [['README.md', 'abc'], "no 'tag:' key under the top-level 'image:' block in README.md"],
    [['chart/values-staging.yaml'], 'usage:'],
  ])('refuses %j with a clear message', async (args, message) => {
    const pipeline = await clone('pipeline');
    const result = await bump(pipeline, args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(await git(pipeline, 'status', '--porcelain')).toBe('');
  });
});
