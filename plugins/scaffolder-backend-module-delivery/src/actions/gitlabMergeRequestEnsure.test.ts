import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import { fakeGitLab } from '../__testUtils__/fakeGitLab';
import {
  expectNoSecrets,
  GITLAB_API,
  recordRequests,
  testClients,
  testContext,
} from '../__testUtils__/testing';
import { createGitLabMergeRequestEnsureAction } from './gitlabMergeRequestEnsure';

const input = {
  repoUrl: 'gitlab.example.com?owner=payments&repo=payments-api',
  sourceBranch: 'slipway/onboard-payments-api',
  title: 'Put payments-api on the road',
  description: 'Adds the Jenkinsfile and the Helm chart.',
  labels: ['slipway-onboarding'],
  removeSourceBranch: true,
};
const projectApi = `${GITLAB_API}/projects/payments%2Fpayments-api`;
const mergeRequestsApi = `${projectApi}/merge_requests`;
const mergeRequestUrl =
  'https://gitlab.example.com/payments/payments-api/-/merge_requests/7';

describe('gitlab:mergeRequest:ensure', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const requests = recordRequests(server);
  beforeEach(() => requests.clear());

  const action = (timeoutMs?: number) =>
    createGitLabMergeRequestEnsureAction({
      integrations: testClients().integrations,
      timeoutMs,
    });

  it('opens the merge request into the default branch', async () => {
    const gitlab = fakeGitLab();
    server.use(...gitlab.handlers);
    const { ctx, outputs, logs } = testContext(input);

    await action().handler(ctx);

    expect(requests.mutating()).toEqual([`POST ${mergeRequestsApi}`]);
    expect(gitlab.mergeRequests).toEqual([
      expect.objectContaining({
        iid: 7,
        state: 'opened',
        source_branch: 'slipway/onboard-payments-api',
        target_branch: 'main',
        title: 'Put payments-api on the road',
        description: 'Adds the Jenkinsfile and the Helm chart.',
        labels: ['slipway-onboarding'],
        force_remove_source_branch: true,
      }),
    ]);
    expect(outputs).toEqual({
      mergeRequestUrl,
      mergeRequestIid: 7,
      created: true,
      targetBranch: 'main',
    });
    expect(logs()).toContain(
      `Opened the merge request from "slipway/onboard-payments-api" on the GitLab project "payments/payments-api" into "main": ${mergeRequestUrl}`,
    );
    expectNoSecrets(logs());
  });

  it('updates the open merge request on a second run instead of opening another', async () => {
    const gitlab = fakeGitLab();
    server.use(...gitlab.handlers);
    await action().handler(testContext(input).ctx);
    // A reviewer labels it in the meantime.
    gitlab.mergeRequests[0].labels.push('needs-review');
    requests.clear();

    const { ctx, outputs, logs } = testContext({
      ...input,
      description: 'Adds the Jenkinsfile, the Helm chart and a Dockerfile.',
    });
    await action().handler(ctx);

    expect(requests.mutating()).toEqual([`PUT ${mergeRequestsApi}/7`]);
    expect(gitlab.mergeRequests).toHaveLength(1);
    expect(gitlab.mergeRequests[0]).toMatchObject({
      iid: 7,
      description: 'Adds the Jenkinsfile, the Helm chart and a Dockerfile.',
      labels: ['slipway-onboarding', 'needs-review'],
    });
    expect(outputs).toEqual({
      mergeRequestUrl,
      mergeRequestIid: 7,
      created: false,
      targetBranch: 'main',
    });
    expect(logs().join('\n')).toContain(
      'Updated the open merge request from "slipway/onboard-payments-api" on the GitLab project "payments/payments-api" (!7) into "main" instead of opening another',
    );
  });

  it('opens a new merge request once the earlier one is merged', async () => {
    const gitlab = fakeGitLab();
    server.use(...gitlab.handlers);
    await action().handler(testContext(input).ctx);
    gitlab.mergeRequests[0].state = 'merged';

    const { ctx, outputs } = testContext(input);
    await action().handler(ctx);

    expect(gitlab.mergeRequests.map(mr => [mr.iid, mr.state])).toEqual([
      [7, 'merged'],
      [8, 'opened'],
    ]);
    expect(outputs).toMatchObject({ mergeRequestIid: 8, created: true });
  });

  it('targets the given branch without asking for the default one', async () => {
    const gitlab = fakeGitLab({
      branches: ['main', 'release/2.4', 'fix/rounding'],
    });
    server.use(...gitlab.handlers);
    const { ctx, outputs } = testContext({
      repoUrl: input.repoUrl,
      sourceBranch: 'fix/rounding',
      targetBranch: 'release/2.4',
      title: 'Round half-even',
    });

    await action().handler(ctx);

    expect(requests.all()).not.toContain(`GET ${projectApi}`);
    expect(gitlab.mergeRequests[0]).toMatchObject({
      source_branch: 'fix/rounding',
      target_branch: 'release/2.4',
      description: '',
    });
    expect(outputs).toMatchObject({ targetBranch: 'release/2.4' });
  });

  it('says so when the source branch has not been pushed', async () => {
    server.use(...fakeGitLab({ branches: ['main'] }).handlers);
    await expect(action().handler(testContext(input).ctx)).rejects.toThrow(
      'GitLab gitlab.example.com: project "payments/payments-api" not found (HTTP 404: 404 Source branch Not Found)',
    );
  });

  it.each([
    [{ repoUrl: 'github.com?owner=a&repo=b' }, 'Invalid input "repoUrl"'],
    [{ sourceBranch: ' ' }, 'Invalid input "sourceBranch": give a branch name'],
    [
      { sourceBranch: 'onboard payments' },
      'Invalid input "sourceBranch": "onboard payments" is not a valid branch name',
    ],
    [
      { targetBranch: 'main..x' },
      'Invalid input "targetBranch": "main..x" is not a valid branch name',
    ],
    [
      { targetBranch: 'slipway/onboard-payments-api' },
      'Invalid input "targetBranch": "slipway/onboard-payments-api" is also the source branch',
    ],
    [{ title: '' }, 'Invalid input "title": give the merge request a title'],
    [
      { title: 'x'.repeat(256) },
      'Invalid input "title": GitLab takes at most 255 characters, got 256',
    ],
    [
      { labels: ['a,b'] },
      'Invalid input "labels": "a,b" contains a comma; give each label as its own list item',
    ],
  ])('rejects %o before sending anything', async (change, message) => {
    server.use(...fakeGitLab().handlers);
    await expect(
      action().handler(testContext({ ...input, ...change }).ctx),
    ).rejects.toThrow(message);
    expect(requests.all()).toEqual([]);
  });

  it('refuses to merge the default branch into itself', async () => {
    server.use(...fakeGitLab().handlers);
    await expect(
      action().handler(testContext({ ...input, sourceBranch: 'main' }).ctx),
    ).rejects.toThrow(
      'Invalid input "sourceBranch": "main" is the default branch of "payments/payments-api"',
    );
    expect(requests.mutating()).toEqual([]);
  });

  it('reports an authentication failure without the token', async () => {
    server.use(...fakeGitLab({ token: 'other' }).handlers);
    const error = await action()
      .handler(testContext(input).ctx)
      .catch(e => e);
    expect(error.name).toBe('AuthenticationError');
    expect(error.message).toBe(
      'GitLab gitlab.example.com: authentication failed (HTTP 401); check the token of integrations.gitlab for gitlab.example.com',
    );
    expectNoSecrets([error.message]);
    expect(requests.mutating()).toEqual([]);
  });

  it('reports a timeout', async () => {
    server.use(...fakeGitLab({ delayMs: 500 }).handlers);
    await expect(action(50).handler(testContext(input).ctx)).rejects.toThrow(
      'GitLab gitlab.example.com: no answer about the project "payments/payments-api" within 50 ms; try again later',
    );
  });

  it('sends nothing in a dry run and still sets every output', async () => {
    server.use(...fakeGitLab().handlers);
    const { ctx, outputs, logs } = testContext(input, { isDryRun: true });
    await action().handler(ctx);
    expect(requests.all()).toEqual([]);
    expect(outputs).toEqual({
      mergeRequestUrl:
        'https://gitlab.example.com/payments/payments-api/-/merge_requests',
      mergeRequestIid: 0,
      created: true,
      targetBranch: 'main',
    });
    expect(logs().join('\n')).toContain('nothing was sent to GitLab');
  });
});
