import {
  mockCredentials,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { setupServer } from 'msw/node';
import component from '../__fixtures__/catalog-component.json';
import { fakeGitLab } from '../__testUtils__/fakeGitLab';
import {
  expectNoSecrets,
  GITLAB_API,
  recordRequests,
  testClients,
  testContext,
} from '../__testUtils__/testing';
import { createServicePreflightAction } from './servicePreflight';

const input = {
  name: 'payments-api',
  repoUrl: 'gitlab.example.com?owner=payments&repo=payments-api',
};
const projectApi = `${GITLAB_API}/projects/payments%2Fpayments-api`;
const ADVICE =
  'Choose another name, or put the existing service on the road with the "Put an existing service on the road" template.';

describe('slipway:service:preflight', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const requests = recordRequests(server);
  beforeEach(() => requests.clear());

  const action = (options: { entities?: Entity[]; timeoutMs?: number } = {}) =>
    createServicePreflightAction({
      integrations: testClients().integrations,
      catalog: catalogServiceMock({ entities: options.entities ?? [] }),
      timeoutMs: options.timeoutMs,
    });

  it('passes a name that is free in the catalog and in GitLab', async () => {
    server.use(...fakeGitLab({ projects: {} }).handlers);
    const { ctx, outputs, logs } = testContext(input);

    await action().handler(ctx);

    expect(requests.all()).toEqual([`GET ${projectApi}`]);
    expect(outputs).toEqual({
      entityRef: 'component:default/payments-api',
      projectPath: 'payments/payments-api',
    });
    expect(logs()).toContain(
      'The name "payments-api" is free: no component:default/payments-api in the catalog, no GitLab project payments/payments-api on gitlab.example.com',
    );
  });

  it('fails when the catalog has the component, naming its owner', async () => {
    server.use(...fakeGitLab({ projects: {} }).handlers);
    await expect(
      action({ entities: [component as Entity] }).handler(
        testContext(input).ctx,
      ),
    ).rejects.toThrow(
      `A service named \`payments-api\` already exists: component:default/payments-api in the catalog (owner group:default/payments). ${ADVICE}`,
    );
  });

  it('fails when the GitLab project exists, naming both when both exist', async () => {
    server.use(...fakeGitLab().handlers);
    await expect(action().handler(testContext(input).ctx)).rejects.toThrow(
      `A service named \`payments-api\` already exists: the GitLab project payments/payments-api (https://gitlab.example.com/payments/payments-api). ${ADVICE}`,
    );
    await expect(
      action({ entities: [component as Entity] }).handler(
        testContext(input).ctx,
      ),
    ).rejects.toThrow(
      `A service named \`payments-api\` already exists: component:default/payments-api in the catalog (owner group:default/payments) and the GitLab project payments/payments-api (https://gitlab.example.com/payments/payments-api). ${ADVICE}`,
    );
  });

  it('looks the entity up in the namespace given, with the credentials of the user who started the task', async () => {
    server.use(...fakeGitLab({ projects: {} }).handlers);
    const catalog = catalogServiceMock.mock({
      getEntityByRef: jest.fn().mockResolvedValue(undefined),
    });
    const credentials = mockCredentials.user('user:default/amy');
    const { ctx, outputs } = testContext({ ...input, namespace: 'payments' });
    ctx.getInitiatorCredentials = async () => credentials;

    await createServicePreflightAction({
      integrations: testClients().integrations,
      catalog,
    }).handler(ctx);

    expect(catalog.getEntityByRef).toHaveBeenCalledWith(
      'component:payments/payments-api',
      { credentials },
    );
    expect(outputs.entityRef).toBe('component:payments/payments-api');
  });

  it('skips the checks left out of "checks"', async () => {
    const { ctx, outputs } = testContext({
      name: 'payments-api',
      checks: ['catalog'],
    });
    await action().handler(ctx);
    expect(requests.all()).toEqual([]);
    expect(outputs).toEqual({
      entityRef: 'component:default/payments-api',
      projectPath: '',
    });
  });

  it('reports a GitLab authentication failure without the token', async () => {
    server.use(...fakeGitLab({ token: 'other' }).handlers);
    const error = await action()
      .handler(testContext(input).ctx)
      .catch(e => e);
    expect(error.message).toBe(
      'GitLab gitlab.example.com: authentication failed (HTTP 401); check the token of integrations.gitlab for gitlab.example.com',
    );
    expectNoSecrets([error.message]);
  });

  it('reports a GitLab that does not answer in time', async () => {
    server.use(...fakeGitLab({ delayMs: 500 }).handlers);
    await expect(
      action({ timeoutMs: 50 }).handler(testContext(input).ctx),
    ).rejects.toThrow(
      'GitLab gitlab.example.com: no answer about the project "payments/payments-api" within 50 ms',
    );
  });

  it.each([
    [{ name: '' }, 'Invalid input "name": give the name of the new service'],
    [
      { name: 'payments api' },
      'Invalid input "name": "payments api" is not a valid entity name',
    ],
    [
      { namespace: 'Pay_ments' },
      'Invalid input "namespace": "pay_ments" is not valid',
    ],
    [{ repoUrl: '' }, 'Invalid input "repoUrl": give the repository'],
    [
      { repoUrl: 'github.com?owner=a&repo=b' },
      'Invalid input "repoUrl": "github.com" is not a GitLab host',
    ],
    [{ checks: [] }, 'Invalid input "checks": give at least one of'],
    [
      { checks: ['jenkins'] },
      'Invalid input "checks": unknown check "jenkins"',
    ],
  ])('rejects %o before looking anything up', async (change, message) => {
    server.use(...fakeGitLab().handlers);
    const catalog = catalogServiceMock.mock();
    await expect(
      createServicePreflightAction({
        integrations: testClients().integrations,
        catalog,
      }).handler(testContext({ ...input, ...change }).ctx),
    ).rejects.toThrow(message);
    expect(requests.all()).toEqual([]);
    expect(catalog.getEntityByRef).not.toHaveBeenCalled();
  });

  it('checks in a dry run too, since it only reads', async () => {
    server.use(...fakeGitLab().handlers);
    await expect(
      action().handler(testContext(input, { isDryRun: true }).ctx),
    ).rejects.toThrow('A service named `payments-api` already exists');

    server.use(...fakeGitLab({ projects: {} }).handlers);
    const { ctx, outputs } = testContext(input, { isDryRun: true });
    await action().handler(ctx);
    expect(outputs.projectPath).toBe('payments/payments-api');
  });

  it('runs the check as a checkpoint, so a retried task does not check again', async () => {
    server.use(...fakeGitLab().handlers);
    const { ctx } = testContext(input);
    const keys: string[] = [];
    // A retried task replays the first attempt's successful checkpoint.
    ctx.checkpoint = (async ({ key }: { key: string }) => {
      keys.push(key);
      return { entityRef: 'component:default/payments-api' };
    }) as typeof ctx.checkpoint;

    await action().handler(ctx);

    expect(keys).toEqual([
      'slipway.preflight.component:default/payments-api.gitlab.example.com.payments/payments-api',
    ]);
    expect(requests.all()).toEqual([]);
  });
});
