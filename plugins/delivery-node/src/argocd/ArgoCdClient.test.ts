import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { isUpstreamError, UpstreamError } from '../errors';
import {
  application,
  applicationList,
  ARGOCD_BASE_URL,
  emptyApplicationList,
  notFound,
  permissionDenied,
  revisionMetadata,
  specDiffers,
} from '../__fixtures__/argocd';
import { ERROR_CASES, TEST_TIMEOUT_MS } from '../__testUtils__/errorCases';
import { ArgoCdApplicationManifest, ArgoCdClient } from './ArgoCdClient';

const TOKEN = 'argocd-token-eyJhbGciOiJIUzI1NiJ9.abc';
const PASSWORD = 'argocd-password-s3cr3t';

const manifest: ArgoCdApplicationManifest = {
  metadata: {
    name: 'payments-api-prd',
    labels: { 'backstage-name': 'payments-api' },
  },
  spec: {
    project: 'payments',
    source: {
      repoURL: 'https://gitlab.example.com/payments/payments-api.git',
      targetRevision: 'main',
      path: 'chart',
      helm: { valueFiles: ['values-prd.yaml'] },
    },
    destination: {
      server: 'https://kubernetes.default.svc',
      namespace: 'payments-prd',
    },
    syncPolicy: {
      automated: { prune: true, selfHeal: true },
      syncOptions: ['CreateNamespace=true'],
    },
  },
};

describe('ArgoCdClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new ArgoCdClient({
    instance: {
      name: 'argo1',
      url: ARGOCD_BASE_URL,
      token: TOKEN,
      timeoutMs: TEST_TIMEOUT_MS,
    },
  });

  it('lists applications by label selector', async () => {
    let query: URLSearchParams | undefined;
    server.use(
      http.get(`${ARGOCD_BASE_URL}/api/v1/applications`, ({ request }) => {
        expect(request.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
        query = new URL(request.url).searchParams;
        return HttpResponse.json(applicationList);
      }),
    );
    const apps = await client.listApplications({
      selector: 'backstage-name=payments-api',
      appNamespace: 'apps',
    });
    expect(query?.get('selector')).toBe('backstage-name=payments-api');
    expect(query?.get('appNamespace')).toBe('apps');
    expect(apps.map(a => [a.name, a.syncStatus, a.healthStatus])).toEqual([
      ['payments-api-stg', 'Synced', 'Healthy'],
      ['payments-api-prd', 'OutOfSync', 'Progressing'],
    ]);
  });

  it('treats items: null as no applications', async () => {
    server.use(
      http.get(`${ARGOCD_BASE_URL}/api/v1/applications`, () =>
        HttpResponse.json(emptyApplicationList),
      ),
    );
    expect(
      await client.listApplications({ selector: 'backstage-name=none' }),
    ).toEqual([]);
  });

  it('reads one application with status, history and images', async () => {
    server.use(
      http.get(`${ARGOCD_BASE_URL}/api/v1/applications/payments-api-prd`, () =>
        HttpResponse.json(application('payments-api-prd')),
      ),
    );
    const app = await client.getApplication('payments-api-prd');
    expect(app).toMatchObject({
      name: 'payments-api-prd',
      namespace: 'argocd',
      project: 'payments',
      labels: { 'backstage-name': 'payments-api', env: 'prd' },
      source: {
        repoURL: 'https://gitlab.example.com/payments/payments-api.git',
        path: 'chart',
        targetRevision: 'main',
        valueFiles: ['values-prd.yaml'],
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'payments-prd',
      },
      syncStatus: 'Synced',
      syncRevision: 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0',
      healthStatus: 'Healthy',
      operationPhase: 'Succeeded',
      reconciledAt: '2024-06-10T09:25:00Z',
      images: [
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:3f2c1ab',
      ],
    });
    expect(app.history).toEqual([
      {
        id: 11,
        revision: 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9',
        deployedAt: '2024-06-09T10:00:00Z',
        deployStartedAt: '2024-06-09T09:59:50Z',
      },
      {
        id: 12,
        revision: 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0',
        deployedAt: '2024-06-10T09:20:00Z',
        deployStartedAt: '2024-06-10T09:19:48Z',
      },
    ]);
    expect(app.spec.syncPolicy?.automated).toEqual({
      prune: true,
      selfHeal: true,
    });
  });

  it('passes appNamespace and builds the UI link', async () => {
    let appNamespace: string | null = null;
    server.use(
      http.get(
        `${ARGOCD_BASE_URL}/api/v1/applications/payments-api-prd`,
        ({ request }) => {
          appNamespace = new URL(request.url).searchParams.get('appNamespace');
          return HttpResponse.json(application('payments-api-prd'));
        },
      ),
    );
    await client.getApplication('payments-api-prd', { appNamespace: 'apps' });
    expect(appNamespace).toBe('apps');
    expect(client.applicationUrl('payments-api-prd')).toBe(
      `${ARGOCD_BASE_URL}/applications/payments-api-prd`,
    );
    expect(
      client.applicationUrl('payments-api-prd', { appNamespace: 'apps' }),
    ).toBe(`${ARGOCD_BASE_URL}/applications/apps/payments-api-prd`);
  });

  it('finds an application, or undefined when it does not exist', async () => {
    server.use(
      http.get(`${ARGOCD_BASE_URL}/api/v1/applications/payments-api-dev`, () =>
        HttpResponse.json(notFound, { status: 404 }),
      ),
    );
    expect(await client.findApplication('payments-api-dev')).toBeUndefined();
  });

  it('finds no application when Argo CD hides a missing one behind permission denied', async () => {
    server.use(
      http.get(`${ARGOCD_BASE_URL}/api/v1/applications/payments-api-dev`, () =>
        HttpResponse.json(permissionDenied, { status: 403 }),
      ),
    );
    expect(await client.findApplication('payments-api-dev')).toBeUndefined();
  });

  it('still reports other authentication failures when finding an application', async () => {
    server.use(
      http.get(`${ARGOCD_BASE_URL}/api/v1/applications/payments-api-dev`, () =>
        HttpResponse.json({ error: 'invalid session' }, { status: 401 }),
      ),
    );
    await expect(
      client.findApplication('payments-api-dev'),
    ).rejects.toMatchObject({
      name: 'UpstreamAuthenticationError',
    });
  });

  it('creates with upsert and returns the stored application', async () => {
    let query: URLSearchParams | undefined;
    let body: any;
    server.use(
      http.post(
        `${ARGOCD_BASE_URL}/api/v1/applications`,
        async ({ request }) => {
          query = new URL(request.url).searchParams;
          body = await request.json();
          return HttpResponse.json(application('payments-api-prd'));
        },
      ),
    );
    const app = await client.createApplication(manifest);
    expect(query?.get('upsert')).toBe('true');
    expect(query?.get('validate')).toBe('true');
    expect(body).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      ...manifest,
    });
    expect(app.name).toBe('payments-api-prd');
  });

  it('reports a differing spec without upsert as rejected', async () => {
    server.use(
      http.post(`${ARGOCD_BASE_URL}/api/v1/applications`, () =>
        HttpResponse.json(specDiffers, { status: 400 }),
      ),
    );
    const error = await client
      .createApplication(manifest, { upsert: false })
      .catch(e => e);
    expect(isUpstreamError(error, 'rejected')).toBe(true);
    expect(error.message).toMatch(/existing application spec is different/);
  });

  it('reads revision metadata', async () => {
    server.use(
      http.get(
        `${ARGOCD_BASE_URL}/api/v1/applications/payments-api-prd/revisions/b1c2d3e4/metadata`,
        () => HttpResponse.json(revisionMetadata),
      ),
    );
    expect(
      await client.getRevisionMetadata('payments-api-prd', 'b1c2d3e4'),
    ).toEqual({
      author: 'slipway-bot <slipway-bot@example.com>',
      date: '2024-06-10T09:18:00Z',
      message: 'chore(payments-api): deploy 3f2c1ab [skip ci]',
      tags: [],
    });
  });

  it.each(['../secrets', 'Payments', 'a/b', ''])(
    'refuses the name %j before sending',
    async name => {
      await expect(client.getApplication(name)).rejects.toThrow(
        /Invalid Argo CD name/,
      );
    },
  );

  describe('with a username and password', () => {
    const sessionClient = new ArgoCdClient({
      instance: {
        name: 'argo2',
        url: ARGOCD_BASE_URL,
        username: 'backstage',
        password: PASSWORD,
        timeoutMs: TEST_TIMEOUT_MS,
      },
    });

    it('logs in once, shares the session and renews it on 401', async () => {
      let logins = 0;
      let valid = 'session-1';
      server.use(
        http.post(`${ARGOCD_BASE_URL}/api/v1/session`, async ({ request }) => {
          expect(await request.json()).toEqual({
            username: 'backstage',
            password: PASSWORD,
          });
          logins++;
          return HttpResponse.json({ token: `session-${logins}` });
        }),
        http.get(`${ARGOCD_BASE_URL}/api/v1/applications`, ({ request }) =>
          request.headers.get('authorization') === `Bearer ${valid}`
            ? HttpResponse.json(applicationList)
            : HttpResponse.json(
                { error: 'invalid session', code: 16 },
                { status: 401 },
              ),
        ),
      );
      await Promise.all([
        sessionClient.listApplications(),
        sessionClient.listApplications(),
      ]);
      expect(logins).toBe(1);
      valid = 'session-2';
      expect(await sessionClient.listApplications()).toHaveLength(2);
      expect(logins).toBe(2);
    });

    it('says which login failed, without the password', async () => {
      const fresh = new ArgoCdClient({
        instance: {
          name: 'argo2',
          url: ARGOCD_BASE_URL,
          username: 'backstage',
          password: PASSWORD,
          timeoutMs: TEST_TIMEOUT_MS,
        },
      });
      server.use(
        http.post(`${ARGOCD_BASE_URL}/api/v1/session`, () =>
          HttpResponse.json(
            { error: 'Invalid username or password', code: 16 },
            { status: 401 },
          ),
        ),
      );
      const error = await fresh.listApplications().catch(e => e);
      expect(isUpstreamError(error, 'authentication')).toBe(true);
      expect(error.message).toMatch(
        /Argo CD instance "argo2": login as "backstage" failed/,
      );
      expect(error.message).not.toContain(PASSWORD);
    });
  });

  const methods: Array<{ name: string; call: () => Promise<unknown> }> = [
    {
      name: 'listApplications',
      call: () =>
        client.listApplications({ selector: 'backstage-name=payments-api' }),
    },
    {
      name: 'getApplication',
      call: () => client.getApplication('payments-api-prd'),
    },
    {
      name: 'createApplication',
      call: () => client.createApplication(manifest),
    },
    {
      name: 'getRevisionMetadata',
      call: () => client.getRevisionMetadata('payments-api-prd', 'b1c2d3e4'),
    },
  ];

  describe.each(methods)('$name errors', ({ call }) => {
    it.each(ERROR_CASES)(
      'turns $label into a $kind error naming tool and instance',
      async ({ handler, kind, message }) => {
        server.use(handler(ARGOCD_BASE_URL));
        const error: UpstreamError = await call().then(
          () => {
            throw new Error('expected a failure');
          },
          e => e,
        );
        expect(isUpstreamError(error, kind)).toBe(true);
        expect(error.message).toMatch(/^Argo CD instance "argo1": /);
        expect(error.message).toMatch(message);
        expect(error.message).not.toContain(TOKEN);
      },
    );
  });
});
