import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { isUpstreamError, UpstreamError } from '../errors';
import {
  componentNotFound,
  measuresComponent,
  projectAlreadyExists,
  projectsCreate,
  projectsSearch,
  projectsSearchEmpty,
  projectStatusError,
  qualityGateByProject,
  SONARQUBE_BASE_URL,
  webhooksCreate,
  webhooksList,
} from '../__fixtures__/sonarqube';
import { ERROR_CASES, TEST_TIMEOUT_MS } from '../__testUtils__/errorCases';
import { SonarQubeClient } from './SonarQubeClient';

const TOKEN = 'squ_0123456789abcdef0123456789abcdef01234567';
const BASIC = `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`;
const WEBHOOK_SECRET = 'webhook-secret-9f8e7d6c';

describe('SonarQubeClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new SonarQubeClient({
    instance: {
      name: 'default',
      baseUrl: SONARQUBE_BASE_URL,
      externalBaseUrl: 'https://sonar.example.org/',
      apiKey: TOKEN,
      timeoutMs: TEST_TIMEOUT_MS,
    },
  });

  it('reads the quality gate status with its conditions', async () => {
    server.use(
      http.get(
        `${SONARQUBE_BASE_URL}/api/qualitygates/project_status`,
        ({ request }) => {
          expect(request.headers.get('authorization')).toBe(BASIC);
          expect(new URL(request.url).searchParams.get('projectKey')).toBe(
            'payments-api',
          );
          return HttpResponse.json(projectStatusError);
        },
      ),
    );
    expect(await client.getQualityGateStatus('payments-api')).toEqual({
      status: 'ERROR',
      conditions: [
        {
          metric: 'new_coverage',
          status: 'ERROR',
          comparator: 'LT',
          errorThreshold: '80',
          actualValue: '71.4',
        },
        {
          metric: 'new_reliability_rating',
          status: 'OK',
          comparator: 'GT',
          errorThreshold: '1',
          actualValue: '1',
        },
        {
          metric: 'new_duplicated_lines_density',
          status: 'OK',
          comparator: 'GT',
          errorThreshold: '3',
          actualValue: '0.0',
        },
      ],
    });
  });

  it('reads measures and turns ratings into letters', async () => {
    let metricKeys: string | null = null;
    server.use(
      http.get(
        `${SONARQUBE_BASE_URL}/api/measures/component`,
        ({ request }) => {
          metricKeys = new URL(request.url).searchParams.get('metricKeys');
          return HttpResponse.json(measuresComponent);
        },
      ),
    );
    expect(await client.getMeasures('payments-api')).toEqual({
      bugs: 2,
      vulnerabilities: 0,
      securityHotspots: 3,
      codeSmells: 17,
      coverage: 81.3,
      duplicatedLinesDensity: 1.2,
      reliabilityRating: 'C',
      securityRating: 'A',
      maintainabilityRating: 'A',
    });
    expect(metricKeys).toContain('security_hotspots');
  });

  it('combines gate and measures into a quality report with a dashboard link', async () => {
    server.use(
      http.get(`${SONARQUBE_BASE_URL}/api/qualitygates/project_status`, () =>
        HttpResponse.json(projectStatusError),
      ),
      http.get(`${SONARQUBE_BASE_URL}/api/measures/component`, () =>
        HttpResponse.json(measuresComponent),
      ),
    );
    const report = await client.getQualityReport('payments-api');
    expect(report).toMatchObject({
      projectKey: 'payments-api',
      status: 'ERROR',
      measures: { coverage: 81.3 },
      dashboardUrl: 'https://sonar.example.org/dashboard?id=payments-api',
    });
  });

  it('names the missing project', async () => {
    server.use(
      http.get(`${SONARQUBE_BASE_URL}/api/measures/component`, () =>
        HttpResponse.json(componentNotFound, { status: 404 }),
      ),
    );
    await expect(client.getMeasures('payments-api')).rejects.toThrow(
      'SonarQube instance "default": project "payments-api" not found',
    );
  });

  it('finds a project, or undefined when there is none', async () => {
    server.use(
      http.get(`${SONARQUBE_BASE_URL}/api/projects/search`, ({ request }) =>
        HttpResponse.json(
          new URL(request.url).searchParams.get('projects') === 'payments-api'
            ? projectsSearch
            : projectsSearchEmpty,
        ),
      ),
    );
    expect(await client.findProject('payments-api')).toEqual({
      key: 'payments-api',
      name: 'Payments API',
      visibility: 'private',
      lastAnalysisDate: '2024-06-10T09:14:02+0000',
    });
    expect(await client.findProject('other')).toBeUndefined();
  });

  it('creates a project with form parameters', async () => {
    let form: Record<string, string> = {};
    server.use(
      http.post(
        `${SONARQUBE_BASE_URL}/api/projects/create`,
        async ({ request }) => {
          form = Object.fromEntries(new URLSearchParams(await request.text()));
          return HttpResponse.json(projectsCreate);
        },
      ),
    );
    const project = await client.createProject({
      projectKey: 'payments-api',
      name: 'Payments API',
      visibility: 'private',
      mainBranch: 'main',
    });
    expect(form).toEqual({
      project: 'payments-api',
      name: 'Payments API',
      visibility: 'private',
      mainBranch: 'main',
    });
    expect(project.key).toBe('payments-api');
  });

  it("reports a taken key with SonarQube's own message", async () => {
    server.use(
      http.post(`${SONARQUBE_BASE_URL}/api/projects/create`, () =>
        HttpResponse.json(projectAlreadyExists, { status: 400 }),
      ),
    );
    const error = await client
      .createProject({ projectKey: 'payments-api', name: 'Payments API' })
      .catch(e => e);
    expect(isUpstreamError(error, 'rejected')).toBe(true);
    expect(error.message).toMatch(/A similar key already exists/);
  });

  it('reads and selects the quality gate', async () => {
    let selected: Record<string, string> = {};
    server.use(
      http.get(`${SONARQUBE_BASE_URL}/api/qualitygates/get_by_project`, () =>
        HttpResponse.json(qualityGateByProject),
      ),
      http.post(
        `${SONARQUBE_BASE_URL}/api/qualitygates/select`,
        async ({ request }) => {
          selected = Object.fromEntries(
            new URLSearchParams(await request.text()),
          );
          return new HttpResponse(null, { status: 204 });
        },
      ),
    );
    expect(await client.getProjectQualityGate('payments-api')).toEqual({
      name: 'Slipway way',
      isDefault: false,
    });
    await client.selectQualityGate('payments-api', 'Slipway way');
    expect(selected).toEqual({
      projectKey: 'payments-api',
      gateName: 'Slipway way',
    });
  });

  it('lists and creates webhooks, the secret sent but never returned', async () => {
    let form: Record<string, string> = {};
    server.use(
      http.get(`${SONARQUBE_BASE_URL}/api/webhooks/list`, () =>
        HttpResponse.json(webhooksList),
      ),
      http.post(
        `${SONARQUBE_BASE_URL}/api/webhooks/create`,
        async ({ request }) => {
          form = Object.fromEntries(new URLSearchParams(await request.text()));
          return HttpResponse.json(webhooksCreate);
        },
      ),
    );
    expect(await client.listWebhooks('payments-api')).toEqual([
      {
        key: 'AYx3vJ6cNbWhC1h3lJ5e',
        name: 'Jenkins',
        url: 'https://jenkins.example.com/sonarqube-webhook/',
        hasSecret: true,
      },
    ]);
    const created = await client.createWebhook({
      projectKey: 'payments-api',
      name: 'Jenkins',
      url: 'https://jenkins.example.com/sonarqube-webhook/',
      secret: WEBHOOK_SECRET,
    });
    expect(form.secret).toBe(WEBHOOK_SECRET);
    expect(JSON.stringify(created)).not.toContain(WEBHOOK_SECRET);
  });

  it.each(['', '123', 'a/b', '../x', 'pay ments'])(
    'refuses the project key %j before sending',
    async key => {
      await expect(client.getMeasures(key)).rejects.toThrow(
        /Invalid SonarQube project key/,
      );
    },
  );

  const methods: Array<{
    name: string;
    json: boolean;
    call: () => Promise<unknown>;
  }> = [
    {
      name: 'getQualityGateStatus',
      json: true,
      call: () => client.getQualityGateStatus('payments-api'),
    },
    {
      name: 'getMeasures',
      json: true,
      call: () => client.getMeasures('payments-api'),
    },
    {
      name: 'findProject',
      json: true,
      call: () => client.findProject('payments-api'),
    },
    {
      name: 'createProject',
      json: true,
      call: () =>
        client.createProject({
          projectKey: 'payments-api',
          name: 'Payments API',
        }),
    },
    {
      name: 'getProjectQualityGate',
      json: true,
      call: () => client.getProjectQualityGate('payments-api'),
    },
    {
      name: 'selectQualityGate',
      json: false,
      call: () => client.selectQualityGate('payments-api', 'Slipway way'),
    },
    {
      name: 'listWebhooks',
      json: true,
      call: () => client.listWebhooks('payments-api'),
    },
    {
      name: 'createWebhook',
      json: true,
      call: () =>
        client.createWebhook({
          projectKey: 'payments-api',
          name: 'Jenkins',
          url: 'https://jenkins.example.com/sonarqube-webhook/',
          secret: WEBHOOK_SECRET,
        }),
    },
  ];

  describe.each(methods)('$name errors', ({ json, call }) => {
    it.each(ERROR_CASES.filter(c => json || !c.jsonOnly))(
      'turns $label into a $kind error naming tool and instance',
      async ({ handler, kind, message }) => {
        server.use(handler(SONARQUBE_BASE_URL));
        const error: UpstreamError = await call().then(
          () => {
            throw new Error('expected a failure');
          },
          e => e,
        );
        expect(isUpstreamError(error, kind)).toBe(true);
        expect(error.message).toMatch(/^SonarQube instance "default": /);
        expect(error.message).toMatch(message);
        expect(error.message).not.toContain(TOKEN);
        expect(error.message).not.toContain(WEBHOOK_SECRET);
      },
    );
  });
});
