import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import { fakeArgoCd } from '../__testUtils__/fakeArgoCd';
import {
  ARGOCD_URL,
  expectNoSecrets,
  recordRequests,
  testClients,
  testContext,
} from '../__testUtils__/testing';
import { createArgoCdApplicationCreateAction } from './argocdApplicationCreate';

const input = {
  appName: 'payments-api-dev',
  project: 'default',
  repoUrl: 'https://gitlab.example.com/payments/payments-api.git',
  targetRevision: 'main',
  path: 'chart',
  valueFiles: ['values-dev.yaml'],
  destinationName: 'in-cluster',
  namespace: 'payments-api',
  labels: { 'backstage-name': 'payments-api' },
};
const applicationUrl = `${ARGOCD_URL}/applications/payments-api-dev`;

describe('argocd:application:create', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const requests = recordRequests(server);
  beforeEach(() => requests.clear());

  const action = (timeoutMs?: number) =>
    createArgoCdApplicationCreateAction({
      argocd: testClients(timeoutMs).argocd,
    });

  it('creates the application with a Helm source, automated sync and CreateNamespace', async () => {
    const bodies: any[] = [];
    server.use(...fakeArgoCd());
    server.events.on('request:start', async ({ request }) => {
      if (request.method === 'POST') {
        bodies.push(await request.clone().json());
      }
    });
    const { ctx, outputs, logs } = testContext(input);

    await action().handler(ctx);

    expect(requests.mutating()).toEqual([
      `POST ${ARGOCD_URL}/api/v1/applications?upsert=true&validate=true`,
    ]);
    expect(bodies[0]).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: 'payments-api-dev',
        labels: { 'backstage-name': 'payments-api' },
      },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://gitlab.example.com/payments/payments-api.git',
          targetRevision: 'main',
          path: 'chart',
          helm: { valueFiles: ['values-dev.yaml'] },
        },
        destination: { name: 'in-cluster', namespace: 'payments-api' },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=true'],
        },
      },
    });
    expect(outputs).toEqual({ applicationUrl });
    expect(logs()).toContain(
      `Created the Argo CD application "payments-api-dev" on instance "main": ${applicationUrl}`,
    );
    expectNoSecrets(logs());
  });

  it('always sets the backstage-name label', async () => {
    const bodies: any[] = [];
    server.use(...fakeArgoCd());
    server.events.on('request:start', async ({ request }) => {
      if (request.method === 'POST') bodies.push(await request.clone().json());
    });
    await action().handler(
      testContext({ ...input, labels: undefined, destinationName: undefined })
        .ctx,
    );
    expect(bodies[0].metadata.labels).toEqual({
      'backstage-name': 'payments-api-dev',
    });
    expect(bodies[0].spec.destination).toEqual({
      server: 'https://kubernetes.default.svc',
      namespace: 'payments-api',
    });
  });

  it('reuses an identical application on a second run without writing', async () => {
    server.use(...fakeArgoCd());
    await action().handler(testContext(input).ctx);
    requests.clear();

    const { ctx, outputs, logs } = testContext(input);
    await action().handler(ctx);

    expect(requests.mutating()).toEqual([]);
    expect(outputs).toEqual({ applicationUrl });
    expect(logs()).toContain(
      `Reusing the existing Argo CD application "payments-api-dev" on instance "main" (same spec): ${applicationUrl}`,
    );
  });

  it('updates an application with another spec in place (upsert)', async () => {
    server.use(...fakeArgoCd());
    await action().handler(testContext(input).ctx);
    requests.clear();

    const { ctx, logs } = testContext({ ...input, targetRevision: 'release' });
    await action().handler(ctx);

    expect(requests.mutating()).toEqual([
      `POST ${ARGOCD_URL}/api/v1/applications?upsert=true&validate=true`,
    ]);
    expect(logs()).toContain(
      `Updated the existing Argo CD application "payments-api-dev" on instance "main" to the requested spec (upsert): ${applicationUrl}`,
    );
  });

  it('links to the app namespace when one is given', async () => {
    server.use(...fakeArgoCd());
    const { ctx, outputs } = testContext(
      { ...input, appNamespace: 'payments-apps' },
      { isDryRun: true },
    );
    await action().handler(ctx);
    expect(outputs.applicationUrl).toBe(
      `${ARGOCD_URL}/applications/payments-apps/payments-api-dev`,
    );
  });

  it.each([
    [
      { appName: 'Payments_API' },
      'Invalid input "appName": "Payments_API" is not a DNS-1123 label',
    ],
    [{ appName: 'a'.repeat(64) }, 'Invalid input "appName"'],
    [
      { namespace: 'payments.api' },
      'Invalid input "namespace": "payments.api" is not a DNS-1123 label',
    ],
    [{ project: '-bad' }, 'Invalid input "project"'],
    [{ appNamespace: 'Apps' }, 'Invalid input "appNamespace"'],
    [
      { instance: 'eu' },
      'Invalid input "instance": no Argo CD instance named "eu" is configured (configured: "main", "production")',
    ],
    [{ repoUrl: 'not a url' }, 'Invalid input "repoUrl"'],
    [{ path: '../other' }, 'Invalid input "path"'],
    [{ valueFiles: ['/etc/passwd'] }, 'Invalid input "valueFiles[0]"'],
    [
      { destinationServer: 'https://k8s.example.com' },
      'Invalid input "destinationServer": give destinationServer or destinationName, not both',
    ],
    [{ labels: { 'bad key!': 'x' } }, 'Invalid input "labels"'],
  ])('rejects %o before sending anything', async (change, message) => {
    server.use(...fakeArgoCd());
    await expect(
      action().handler(testContext({ ...input, ...change }).ctx),
    ).rejects.toThrow(message);
    expect(requests.all()).toEqual([]);
  });

  it('reports an authentication failure without the token', async () => {
    server.use(...fakeArgoCd({ token: 'other' }));
    const error = await action()
      .handler(testContext(input).ctx)
      .catch(e => e);
    expect(error.message).toMatch(
      /^Argo CD instance "main": authentication failed \(HTTP 401\)/,
    );
    expectNoSecrets([error.message]);
  });

  it('reports a timeout', async () => {
    server.use(...fakeArgoCd({ delayMs: 500 }));
    await expect(action(50).handler(testContext(input).ctx)).rejects.toThrow(
      /^Argo CD instance "main": no answer to .* within/,
    );
  });

  it('sends nothing in a dry run and still sets every output', async () => {
    server.use(...fakeArgoCd());
    const { ctx, outputs } = testContext(input, { isDryRun: true });
    await action().handler(ctx);
    expect(requests.all()).toEqual([]);
    expect(outputs).toEqual({ applicationUrl });
  });
});
