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
import { createGitLabWebhookCreateAction } from './gitlabWebhookCreate';

const input = {
  repoUrl: 'gitlab.example.com?owner=payments&repo=payments-api',
  hookUrl: 'https://jenkins.example.com/gitlab-webhook/post',
  events: ['push', 'merge_requests'],
  enableSslVerification: true,
};
const hooksApi = `${GITLAB_API}/projects/payments%2Fpayments-api/hooks`;
const hooksUrl = 'https://gitlab.example.com/payments/payments-api/-/hooks';

describe('gitlab:webhook:create', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const requests = recordRequests(server);
  beforeEach(() => requests.clear());

  const action = (timeoutMs?: number) =>
    createGitLabWebhookCreateAction({
      integrations: testClients().integrations,
      timeoutMs,
    });

  it('creates the hook with the events and the secret token from the task secrets', async () => {
    const gitlab = fakeGitLab();
    server.use(...gitlab.handlers);
    const { ctx, outputs, logs } = testContext(input, {
      secrets: { gitlabWebhookSecretToken: 'hook-token-s3cr3t' },
    });

    await action().handler(ctx);

    expect(requests.mutating()).toEqual([`POST ${hooksApi}`]);
    expect(gitlab.secrets.get(101)).toBe('hook-token-s3cr3t');
    expect(outputs).toEqual({ hookId: 101, hooksUrl });
    expect(logs()).toContain(
      `Created the webhook to https://jenkins.example.com/gitlab-webhook/post on the GitLab project "payments/payments-api" (events: push, merge_requests, with a secret token): ${hooksUrl}`,
    );
    expectNoSecrets(logs());
  });

  it('prefers the secretToken input and never logs it', async () => {
    const gitlab = fakeGitLab();
    server.use(...gitlab.handlers);
    const { ctx, logs } = testContext({
      ...input,
      secretToken: 'hook-token-s3cr3t',
    });
    await action().handler(ctx);
    expect(gitlab.secrets.get(101)).toBe('hook-token-s3cr3t');
    expectNoSecrets(logs());
  });

  it('reuses the hook with the same URL on a second run', async () => {
    server.use(...fakeGitLab().handlers);
    await action().handler(testContext(input).ctx);
    requests.clear();

    const { ctx, outputs, logs } = testContext(input);
    await action().handler(ctx);

    expect(requests.mutating()).toEqual([]);
    expect(outputs).toEqual({ hookId: 101, hooksUrl });
    expect(logs().join('\n')).toContain(
      'Reusing the existing webhook to https://jenkins.example.com/gitlab-webhook/post',
    );
  });

  it('fails clearly when a hook with the same URL has other events', async () => {
    server.use(...fakeGitLab().handlers);
    await action().handler(testContext({ ...input, events: ['push'] }).ctx);
    requests.clear();

    await expect(action().handler(testContext(input).ctx)).rejects.toThrow(
      'The project "payments/payments-api" already has a webhook to https://jenkins.example.com/gitlab-webhook/post with other settings: merge_requests events are off',
    );
    expect(requests.mutating()).toEqual([]);
  });

  it.each([
    [{ repoUrl: 'github.com?owner=a&repo=b' }, 'Invalid input "repoUrl"'],
    [
      { repoUrl: 'gitlab.example.com?owner=payments' },
      'Invalid input "repoUrl"',
    ],
    [
      { hookUrl: 'jenkins/post' },
      'Invalid input "hookUrl": not an absolute URL',
    ],
    [
      { hookUrl: 'https://user:pw@jenkins.example.com/x' },
      'Invalid input "hookUrl": the URL must not contain credentials',
    ],
    [{ events: [] }, 'Invalid input "events": give at least one of'],
    [{ events: ['pushes'] }, 'Invalid input "events": unknown event "pushes"'],
  ])('rejects %o before sending anything', async (change, message) => {
    server.use(...fakeGitLab().handlers);
    await expect(
      action().handler(testContext({ ...input, ...change }).ctx),
    ).rejects.toThrow(message);
    expect(requests.all()).toEqual([]);
  });

  it('reports an authentication failure without the token', async () => {
    server.use(...fakeGitLab({ token: 'other' }).handlers);
    const error = await action()
      .handler(testContext(input).ctx)
      .catch(e => e);
    expect(error.message).toBe(
      'GitLab gitlab.example.com: authentication failed (HTTP 401); check the token of integrations.gitlab for gitlab.example.com',
    );
    expectNoSecrets([error.message]);
  });

  it('reports a project that does not exist', async () => {
    server.use(...fakeGitLab({ projects: {} }).handlers);
    await expect(action().handler(testContext(input).ctx)).rejects.toThrow(
      'project "payments/payments-api" not found (HTTP 404)',
    );
  });

  it('reports a timeout', async () => {
    server.use(...fakeGitLab({ delayMs: 500 }).handlers);
    await expect(action(50).handler(testContext(input).ctx)).rejects.toThrow(
      'GitLab gitlab.example.com: no answer about the hooks of "payments/payments-api" within 50 ms',
    );
  });

  it('sends nothing in a dry run and still sets every output', async () => {
    server.use(...fakeGitLab().handlers);
    const { ctx, outputs } = testContext(input, { isDryRun: true });
    await action().handler(ctx);
    expect(requests.all()).toEqual([]);
    expect(outputs).toEqual({ hookId: 0, hooksUrl });
  });
});
