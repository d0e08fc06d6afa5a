import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DeliveryRunsResponse,
  DeliverySummaryResponse,
  DeliveryVulnerabilitiesResponse,
} from '@slipway/plugin-delivery-common';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import {
  ACCOUNT,
  AWS_ACCESS_KEY_ID,
  FakeTool,
  FakeToolchain,
  JENKINS_USER,
  REGION,
  SECRETS,
  shaOf,
  tagOf,
} from './__fixtures__/fakeToolchain';
import { deliveryPlugin } from './plugin';

const BASE_URLS: Record<FakeTool, string> = {
  jenkins: 'https://jenkins.test/ci',
  sonarqube: 'https://sonar.test',
  argocd: 'https://argocd.test',
  ecr: 'https://ecr.test',
};
const GITLAB_TOKEN = 'glpat-gitlab-token-Wq3e';
const TIMEOUT_MS = 400;

const config = {
  jenkins: {
    instances: [
      {
        name: 'default',
        baseUrl: BASE_URLS.jenkins,
        username: JENKINS_USER,
        apiKey: SECRETS.jenkinsApiKey,
      },
    ],
  },
  sonarqube: { baseUrl: BASE_URLS.sonarqube, apiKey: SECRETS.sonarToken },
  argocd: {
    appLocatorMethods: [
      {
        type: 'config',
        instances: [
          { name: 'main', url: BASE_URLS.argocd, token: SECRETS.argocdToken },
        ],
      },
    ],
  },
  aws: {
    // With the account ID spelled out, no STS call is needed to find it.
    accounts: [
      {
        accountId: ACCOUNT,
        accessKeyId: AWS_ACCESS_KEY_ID,
        secretAccessKey: SECRETS.awsSecretAccessKey,
      },
    ],
  },
  integrations: {
    gitlab: [{ host: 'gitlab.example.com', token: GITLAB_TOKEN }],
  },
  delivery: {
    ecr: { endpoint: BASE_URLS.ecr },
    timeouts: { default: TIMEOUT_MS },
    cache: { ttlSeconds: 30 },
  },
};

const ANNOTATIONS = {
  'jenkins.io/job-full-name': 'services/payments-api',
  'sonarqube.org/project-key': 'payments-api',
  'argocd/app-selector': 'backstage-name=payments-api',
  'aws.amazon.com/aws-ecr-repository-arn': `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/payments-api`,
  'gitlab.com/project-slug': 'payments/payments-api',
};

function component(
  name: string,
  annotations: Record<string, string> = ANNOTATIONS,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  };
}

const OUTSIDER = 'user:default/outsider';

/**
 * The catalog as the permission framework makes it look: the outsider sees
 * nothing.
 */
function catalogFactory(entities: Entity[]) {
  const inner = catalogServiceMock({ entities });
  const catalog = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'getEntityByRef') {
        return async (ref: any, options: any) => {
          const principal = options?.credentials?.principal;
          if (principal?.userEntityRef === OUTSIDER) {
            return undefined;
          }
          return target.getEntityByRef(ref, options);
        };
      }
      const value = (target as any)[prop];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => catalog,
  });
}

/** Every log line of the backend, rendered as text. */
const logLines: string[] = [];
function capturingLogger(): LoggerService {
  const log = (level: string) => (message: string, meta?: Error | object) => {
    logLines.push(
      `${level} ${message} ${
        meta instanceof Error
          ? `${meta.name}: ${meta.message}`
          : JSON.stringify(meta ?? {})
      }`,
    );
  };
  const logger: LoggerService = {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: () => logger,
  };
  return logger;
}

type Failure = 'down' | 'slow' | '401' | 'html-login' | 'malformed-json';

const fake = new FakeToolchain(BASE_URLS);
const failures = new Map<FakeTool, Failure>();
const seenUrls: string[] = [];

const mswServer = setupServer(
  ...(Object.keys(BASE_URLS) as FakeTool[]).map(tool =>
    http.all(
      `${BASE_URLS[tool].replace(/\/ci$/, '')}/*`,
      async ({ request: req }) => {
        const failure = failures.get(tool);
        if (failure === 'down') {
          return HttpResponse.error();
        }
        if (failure === 'slow') {
          await delay(TIMEOUT_MS * 3);
        }
        if (failure === '401') {
          return new HttpResponse('Unauthorized', { status: 401 });
        }
        if (failure === 'html-login') {
          return new HttpResponse(
            '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/j_security_check"><input name="j_username"><input name="j_password" type="password"></form></body></html>',
            { status: 200, headers: { 'content-type': 'text/html' } },
          );
        }
        if (failure === 'malformed-json') {
          return new HttpResponse('{"builds": [', {
            status: 200,
            headers: { 'content-type': 'application/json' },
          });
        }
        const headers: Record<string, string> = {};
        req.headers.forEach((value, key) => {
          headers[key] = value;
        });
        const response = fake.handle(tool, {
          method: req.method,
          url: req.url,
          headers,
          body: req.method === 'GET' ? undefined : await req.text(),
        });
        return new HttpResponse(response.body, {
          status: response.status,
          headers: response.headers,
        });
      },
    ),
  ),
);

beforeAll(() => {
  mswServer.listen({
    onUnhandledRequest: (req, print) => {
      const { hostname } = new URL(req.url);
      if (hostname !== '127.0.0.1' && hostname !== 'localhost') {
        print.error();
      }
    },
  });
  mswServer.events.on('request:start', ({ request: req }) => {
    const { hostname } = new URL(req.url);
    if (hostname !== '127.0.0.1' && hostname !== 'localhost') {
      seenUrls.push(req.url);
    }
  });
});
afterAll(() => mswServer.close());
beforeEach(() => {
  failures.clear();
  seenUrls.length = 0;
  fake.requests.length = 0;
  fake.builds = 3;
  fake.failedBuild = undefined;
  fake.reportlessBuild = undefined;
  fake.deployedBuild = 2;
  fake.lastBuild = undefined;
  fake.lastPushedBuild = undefined;
});

const responseBodies: string[] = [];

async function startBackend(entities: Entity[] = [component('payments-api')]) {
  const { server } = await startTestBackend({
    features: [
      deliveryPlugin,
      catalogFactory(entities),
      createServiceFactory({
        service: coreServices.logger,
        deps: {},
        factory: () => capturingLogger(),
      }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => capturingLogger(),
      }),
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  const get = async (path: string, header?: string) => {
    const req = request(server).get(`/api/delivery/v1/entities/${path}`);
    const res = header ? await req.set('Authorization', header) : await req;
    responseBodies.push(res.text);
    return res;
  };
  return { server, get };
}

describe('GET /v1/entities/:namespace/:kind/:name/summary', () => {
  it('returns every source from the tools', async () => {
    const { get } = await startBackend();
    const res = await get('default/component/payments-api/summary');
    expect(res.status).toBe(200);
    const body: DeliverySummaryResponse = res.body;
    expect(body.entityRef).toBe('component:default/payments-api');

    expect(body.jenkins).toMatchObject({
      status: 'ok',
      data: {
        instance: 'default',
        jobFullName: 'services/payments-api',
        jobUrl: 'https://jenkins.test/ci/job/services/job/payments-api/',
        latestRun: {
          id: '3',
          status: 'success',
          commit: {
            sha: shaOf(3),
            shortSha: tagOf(3),
            author: 'Ada Lovelace',
            message: 'Change number 3',
            url: `https://gitlab.example.com/payments/payments-api/-/commit/${shaOf(
              3,
            )}`,
          },
          image: { tag: tagOf(3) },
          quality: { status: 'OK' },
          vulnerabilities: { source: 'trivy', total: 5 },
        },
      },
    });
    const latestRun = (body.jenkins as any).data.latestRun;
    expect(latestRun.stages.map((s: any) => s.name)).toEqual([
      'Checkout',
      'Unit tests',
      'SonarQube analysis',
      'Quality gate',
      'Build image',
      'Trivy scan',
      'Push to ECR',
      'Update Helm values',
      'Push to GitLab',
      'Sync',
      'Healthy',
    ]);
    expect(latestRun.deployments).toEqual([
      expect.objectContaining({
        application: 'payments-api-prd',
        state: 'not-yet',
      }),
    ]);

    expect(body.sonarqube).toEqual({
      status: 'ok',
      data: expect.objectContaining({
        instance: 'default',
        projectKey: 'payments-api',
        status: 'OK',
        dashboardUrl: 'https://sonar.test/dashboard?id=payments-api',
        measures: expect.objectContaining({ bugs: 2, coverage: 81.3 }),
      }),
    });
    expect(body.trivy).toEqual({
      status: 'ok',
      data: expect.objectContaining({
        source: 'trivy',
        runId: '3',
        counts: { CRITICAL: 1, HIGH: 2, MEDIUM: 1, LOW: 1, UNKNOWN: 0 },
        fixable: { CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 0 },
        total: 5,
      }),
    });
    expect((body.trivy as any).data.findings).toBeUndefined();
    expect(body.argocd).toEqual({
      status: 'ok',
      data: {
        instance: 'main',
        applications: [
          expect.objectContaining({
            application: 'payments-api-prd',
            syncStatus: 'Synced',
            healthStatus: 'Healthy',
            namespace: 'payments-prd',
            images: [
              `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/payments-api:${tagOf(
                2,
              )}`,
            ],
            url: 'https://argocd.test/applications/payments-api-prd',
          }),
        ],
      },
    });
    expect(body.ecr).toMatchObject({
      status: 'ok',
      data: {
        repositoryName: 'payments-api',
        repositoryUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/payments-api`,
        latestImage: {
          tag: tagOf(3),
          digest: expect.stringMatching(/^sha256:/),
          scan: { source: 'ecr', total: 2 },
        },
      },
    });
  });

  it('reports each missing annotation as not configured, naming it', async () => {
    const { get } = await startBackend([component('bare', {})]);
    const res = await get('default/component/bare/summary');
    expect(res.status).toBe(200);
    for (const [source, annotation] of [
      ['jenkins', 'jenkins.io/job-full-name'],
      ['sonarqube', 'sonarqube.org/project-key'],
      ['trivy', 'jenkins.io/job-full-name'],
      ['argocd', 'argocd/app-selector'],
      ['ecr', 'aws.amazon.com/aws-ecr-repository-arn'],
    ]) {
      expect(res.body[source].status).toBe('not-configured');
      expect(res.body[source].reason).toContain(annotation);
    }
    expect(seenUrls).toEqual([]);
  });

  it('reports an unknown instance as not configured, naming the instance', async () => {
    const { get } = await startBackend([
      component('elsewhere', {
        ...ANNOTATIONS,
        'jenkins.io/job-full-name': 'ci9:services/payments-api',
        'sonarqube.org/project-key': 'sonar7/payments-api',
        'argocd/instance-name': 'argo3',
      }),
    ]);
    const res = await get('default/component/elsewhere/summary');
    expect(res.status).toBe(200);
    expect(res.body.jenkins).toEqual({
      status: 'not-configured',
      reason: expect.stringContaining('"ci9"'),
    });
    expect(res.body.sonarqube.reason).toContain('"sonar7"');
    expect(res.body.argocd.reason).toContain('"argo3"');
  });

  const cases: Array<[FakeTool, Failure, string[], RegExp]> = [];
  const dependents: Record<FakeTool, string[]> = {
    jenkins: ['jenkins', 'trivy'],
    sonarqube: ['sonarqube'],
    argocd: ['argocd'],
    ecr: ['ecr'],
  };
  const messages: Record<Failure, RegExp> = {
    // The AWS SDK reports a dropped connection without an error code.
    down: /cannot reach|unavailable|network|unexpected answer/i,
    slow: /within|timeout|no answer/i,
    '401': /authentication|credentials|refused/i,
    'html-login': /login page|unexpected|html/i,
    'malformed-json': /malformed|unexpected|deserializ/i,
  };
  for (const tool of Object.keys(BASE_URLS) as FakeTool[]) {
    for (const failure of Object.keys(messages) as Failure[]) {
      cases.push([tool, failure, dependents[tool], messages[failure]]);
    }
  }

  it.each(cases)(
    'when %s is %s, only the sources reading it fail',
    async (tool, failure, failing, message) => {
      failures.set(tool, failure);
      const { get } = await startBackend();
      const res = await get('default/component/payments-api/summary');
      expect(res.status).toBe(200);
      const sources = ['jenkins', 'sonarqube', 'trivy', 'argocd', 'ecr'];
      expect(
        Object.fromEntries(sources.map(s => [s, res.body[s].status])),
      ).toEqual(
        Object.fromEntries(
          sources.map(s => [s, failing.includes(s) ? 'error' : 'ok']),
        ),
      );
      for (const source of failing) {
        expect(res.body[source].error.message).toMatch(message);
      }
    },
  );

  describe('reused for a few seconds', () => {
    it('serves the same body with an ETag, and 304 to a client that has it', async () => {
      const { get, server } = await startBackend();
      const first = await get('default/component/payments-api/summary');
      const calls = fake.requests.length;
      const second = await get('default/component/payments-api/summary');
      expect(second.text).toBe(first.text);
      expect(second.headers['content-type']).toMatch(/^application\/json/);
      expect(second.headers.etag).toMatch(/^W\/"/);
      expect(fake.requests.length).toBe(calls);
      const notModified = await request(server)
        .get('/api/delivery/v1/entities/default/component/payments-api/summary')
        .set('If-None-Match', second.headers.etag);
      expect(notModified.status).toBe(304);
    });

    it('does not keep a summary in which a source failed', async () => {
      failures.set('sonarqube', '401');
      const { get } = await startBackend();
      const failed = await get('default/component/payments-api/summary');
      expect(failed.body.sonarqube.status).toBe('error');
      failures.clear();
      const recovered = await get('default/component/payments-api/summary');
      expect(recovered.body.sonarqube.status).toBe('ok');
    });

    it("recomputes the summary when the entity's annotations change", async () => {
      const entity = component('payments-api', { ...ANNOTATIONS });
      const { get } = await startBackend([entity]);
      const before = await get('default/component/payments-api/summary');
      expect(before.body.ecr.status).toBe('ok');
      delete entity.metadata.annotations![
        'aws.amazon.com/aws-ecr-repository-arn'
      ];
      const after = await get('default/component/payments-api/summary');
      expect(after.body.ecr.status).toBe('not-configured');
    });
  });

  describe('in one round of upstream calls', () => {
    const JOB = '/ci/job/services/job/payments-api';
    const operations = () =>
      fake.requests.map(r => r.operation.replace(JOB, '')).sort();

    it('reads the newest build through the lastBuild permalink and the newest image without its tag', async () => {
      const { get } = await startBackend();
      const res = await get('default/component/payments-api/summary');
      expect(res.status).toBe(200);
      // Every call is independent of the others' answers: one round.
      expect(operations()).toEqual(
        [
          'argocd GET /api/v1/applications',
          'ecr DescribeImages TAGGED',
          'ecr DescribeRepositories',
          'jenkins GET /api/json',
          'jenkins GET /lastBuild/artifact/trivy-report.json',
          'jenkins GET /lastBuild/wfapi/describe',
          ...fake.requests
            .filter(r => r.tool === 'sonarqube')
            .map(r => r.operation),
        ].sort(),
      );
      const { jenkins, trivy, ecr } = res.body;
      expect(jenkins.data.latestRun).toMatchObject({
        id: '3',
        image: { tag: tagOf(3) },
        vulnerabilities: { source: 'trivy', total: 5 },
      });
      expect(jenkins.data.latestRun.stages).toHaveLength(11);
      expect(trivy.data).toMatchObject({ runId: '3', total: 5 });
      // A basic scan's counts come with the image: no findings call.
      expect(ecr.data.latestImage).toMatchObject({
        tag: tagOf(3),
        scan: {
          source: 'ecr',
          artifactName: `payments-api:${tagOf(3)}`,
          counts: { CRITICAL: 0, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 0 },
          fixable: { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 },
          total: 2,
        },
      });
    });

    it('gives the same scan counts as the findings would', async () => {
      fake.reportlessBuild = 3;
      const { get } = await startBackend();
      const summary = await get('default/component/payments-api/summary');
      const { scan } = summary.body.ecr.data.latestImage;
      expect(summary.body.jenkins.data.latestRun.vulnerabilities).toEqual(scan);
      expect(operations()).not.toContain(
        `ecr DescribeImageScanFindings ${tagOf(3)}`,
      );
      const report = await get(
        'default/component/payments-api/vulnerabilities?run=3',
      );
      const { findings, ...fromFindings } = report.body.report;
      expect(fromFindings.source).toBe('ecr');
      expect(findings).toHaveLength(2);
      expect(scan).toEqual(fromFindings);
    });

    it('reads no scan for a run whose image is not in ECR', async () => {
      fake.builds = 4;
      fake.failedBuild = 4;
      fake.reportlessBuild = 4;
      const { get } = await startBackend();
      const res = await get('default/component/payments-api/summary');
      expect(res.body.jenkins.data.latestRun.vulnerabilities).toBeUndefined();
      expect(
        operations().filter(o => o.startsWith('ecr DescribeImageScanFindings')),
      ).toEqual([]);
    });

    it.each([
      ['a build started after the list was read', 4],
      ['the permalink answer is older than the list', 2],
    ])('reads the newest build by number when %s', async (_, lastBuild) => {
      fake.lastBuild = lastBuild;
      const { get } = await startBackend();
      const res = await get('default/component/payments-api/summary');
      const { jenkins, trivy } = res.body;
      expect(jenkins.data.latestRun).toMatchObject({
        id: '3',
        status: 'success',
        vulnerabilities: { source: 'trivy', total: 5 },
      });
      expect(
        jenkins.data.latestRun.stages.map((s: any) => s.status),
      ).not.toContain('running');
      expect(trivy.data.runId).toBe('3');
      expect(trivy.data.artifactName).toContain(tagOf(3));
      expect(operations()).toEqual(
        expect.arrayContaining([
          'jenkins GET /3/wfapi/describe',
          'jenkins GET /3/artifact/trivy-report.json',
        ]),
      );
    });

    it("looks the image up by tag when the newest pushed image is another run's", async () => {
      fake.lastPushedBuild = 2;
      const { get } = await startBackend();
      const res = await get('default/component/payments-api/summary');
      const { jenkins, ecr } = res.body;
      expect(jenkins.data.latestRun.image.tag).toBe(tagOf(3));
      expect(ecr.data.latestImage).toMatchObject({
        tag: tagOf(3),
        digest: expect.stringMatching(/^sha256:/),
        scan: { total: 2 },
      });
      expect(operations()).toEqual(
        expect.arrayContaining([
          'ecr DescribeImages TAGGED',
          `ecr DescribeImages ${tagOf(3)}`,
        ]),
      );
      expect(
        operations().filter(o => o === `ecr DescribeImages ${tagOf(3)}`),
      ).toHaveLength(1);
    });

    it('uses the newest successful run for the image when the newest run failed', async () => {
      fake.builds = 4;
      fake.failedBuild = 4;
      const { get } = await startBackend();
      const res = await get('default/component/payments-api/summary');
      const { jenkins, ecr } = res.body;
      expect(jenkins.data.latestRun).toMatchObject({
        id: '4',
        status: 'failed',
      });
      expect(jenkins.data.latestRun.image).toBeUndefined();
      expect(ecr.data.latestImage.tag).toBe(tagOf(3));
      // The failed run pushed nothing: only its own tag is looked up.
      expect(operations()).not.toContain(`ecr DescribeImages ${tagOf(3)}`);
    });
  });

  it('shares one upstream call among concurrent identical requests, then serves from cache', async () => {
    const { get } = await startBackend();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        get('default/component/payments-api/summary'),
      ),
    );
    const counts = new Map<string, number>();
    for (const r of fake.requests) {
      const key = `${r.method} ${r.url}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // ECR calls are POSTs to one URL, told apart by their target header.
    const jsonCalls = [...counts].filter(([k]) => !k.includes('ecr.test'));
    expect(jsonCalls.every(([, n]) => n === 1)).toBe(true);
    const before = fake.requests.length;
    await get('default/component/payments-api/summary');
    expect(fake.requests.length).toBe(before);
  });
});

describe('GET /v1/entities/:namespace/:kind/:name/runs', () => {
  it('returns recent runs with stages, commit, image, gate, vulnerabilities and deployment state', async () => {
    fake.builds = 4;
    fake.failedBuild = 4;
    fake.reportlessBuild = 1;
    const { get } = await startBackend();
    const res = await get('default/component/payments-api/runs?limit=4');
    expect(res.status).toBe(200);
    const body: DeliveryRunsResponse = res.body;
    expect(body.runs.map(r => [r.id, r.status, r.quality?.status])).toEqual([
      ['4', 'failed', 'ERROR'],
      ['3', 'success', 'OK'],
      ['2', 'success', 'OK'],
      ['1', 'success', 'OK'],
    ]);
    const [failed, newer, deployed, older] = body.runs;
    expect(failed.stages.find(s => s.name === 'Quality gate')?.status).toBe(
      'failed',
    );
    expect(failed.image).toBeUndefined();
    expect(failed.deployments).toBeUndefined();
    expect(newer.deployments?.[0].state).toBe('not-yet');
    expect(deployed.deployments?.[0].state).toBe('deployed');
    expect(deployed.stages.slice(-2)).toEqual([
      { name: 'Sync', status: 'success', source: 'argocd' },
      { name: 'Healthy', status: 'success', source: 'argocd' },
    ]);
    expect(older.deployments?.[0].state).toBe('superseded');
    expect(deployed.image).toMatchObject({
      repositoryUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/payments-api`,
      tag: tagOf(2),
    });
    expect(deployed.vulnerabilities).toMatchObject({
      source: 'trivy',
      total: 5,
    });
    // Build 1 archived no report: the ECR scan of its image stands in.
    expect(older.vulnerabilities).toMatchObject({ source: 'ecr', total: 2 });
    expect(deployed.stages[0]).toEqual({
      name: 'Checkout',
      status: 'success',
      source: 'jenkins',
      startedAt: expect.any(String),
      durationMs: 20000,
    });
  });

  it.each([['0'], ['51'], ['ten'], ['1.5']])(
    'rejects limit=%s with 400 naming the parameter',
    async limit => {
      const { get } = await startBackend();
      const res = await get(
        `default/component/payments-api/runs?limit=${limit}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain('limit');
    },
  );

  it('says which annotation to add when the entity has no Jenkins job', async () => {
    const { get } = await startBackend([component('bare', {})]);
    const res = await get('default/component/bare/runs');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('jenkins.io/job-full-name');
  });

  it('answers 503 with the reason when Jenkins is down', async () => {
    failures.set('jenkins', 'down');
    const { get } = await startBackend();
    const res = await get('default/component/payments-api/runs');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toContain('Jenkins instance "default"');
  });
});

describe('GET /v1/entities/:namespace/:kind/:name/vulnerabilities', () => {
  it('returns the findings of a run sorted by severity, fixable first', async () => {
    const { get } = await startBackend();
    const res = await get(
      'default/component/payments-api/vulnerabilities?run=2',
    );
    expect(res.status).toBe(200);
    const body: DeliveryVulnerabilitiesResponse = res.body;
    expect(body.runId).toBe('2');
    expect(body.report.source).toBe('trivy');
    expect(
      body.report.findings.map(f => [f.severity, f.id, f.fixedVersion ?? null]),
    ).toEqual([
      ['CRITICAL', 'CVE-2024-45296', '1.9.0, 0.1.10, 8.0.0, 3.3.0, 6.3.0'],
      ['HIGH', 'CVE-2024-6119', '3.3.2-r0'],
      ['HIGH', 'CVE-2024-0727', null],
      ['MEDIUM', 'GHSA-952p-6rrq-rcjv', '4.0.8'],
      ['LOW', 'CVE-2024-5535', null],
    ]);
    expect(body.report.total).toBe(5);
  });

  it('falls back to the ECR scan of the run image', async () => {
    fake.reportlessBuild = 2;
    const { get } = await startBackend();
    const res = await get(
      'default/component/payments-api/vulnerabilities?run=2',
    );
    expect(res.status).toBe(200);
    expect(res.body.report.source).toBe('ecr');
    expect(res.body.report.findings.map((f: any) => f.id)).toEqual([
      'CVE-2024-6119',
      'CVE-2023-50495',
    ]);
  });

  it.each([[''], ['abc'], ['-1'], ['0'], ['1e3']])(
    'rejects run=%s with 400 naming the parameter',
    async run => {
      const { get } = await startBackend();
      const res = await get(
        `default/component/payments-api/vulnerabilities?run=${run}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('run');
    },
  );

  it('answers 404 for a run that does not exist', async () => {
    const { get } = await startBackend();
    const res = await get(
      'default/component/payments-api/vulnerabilities?run=99',
    );
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('#99');
  });
});

describe('access', () => {
  it('answers 404 for an entity the caller cannot see, as for a missing one', async () => {
    const { get } = await startBackend();
    const hidden = await get(
      'default/component/payments-api/summary',
      mockCredentials.user.header(OUTSIDER),
    );
    const missing = await get('default/component/nothing-here/summary');
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(hidden.body.error.message).toBe(
      'No entity component:default/payments-api found; check the kind, namespace and name',
    );
    expect(seenUrls).toEqual([]);
  });

  it('checks visibility on every request, even when the summary is reused', async () => {
    const { get } = await startBackend();
    const seen = await get('default/component/payments-api/summary');
    expect(seen.status).toBe(200);
    const hidden = await get(
      'default/component/payments-api/summary',
      mockCredentials.user.header(OUTSIDER),
    );
    expect(hidden.status).toBe(404);
    expect(hidden.text).not.toContain('jenkins');
  });

  it('answers 401 to unauthenticated calls', async () => {
    const { get } = await startBackend();
    for (const path of ['summary', 'runs', 'vulnerabilities?run=1']) {
      const res = await get(
        `default/component/payments-api/${path}`,
        mockCredentials.none.header(),
      );
      expect(res.status).toBe(401);
    }
  });
});

describe('hostile annotations', () => {
  it.each([
    ['jenkins.io/job-full-name', 'https://evil.test/job/x'],
    ['jenkins.io/job-full-name', '//evil.test/job'],
    ['jenkins.io/job-full-name', 'services/../../../evil'],
    ['jenkins.io/job-full-name', 'services%2F..%2Fevil'],
    ['jenkins.io/job-full-name', 'evil.test:8080/job'],
    ['sonarqube.org/project-key', 'http://evil.test/x'],
    ['sonarqube.org/project-key', 'a/b/c'],
    ['argocd/app-selector', 'x=y&selector=https://evil.test'],
    ['argocd/instance-name', 'https://evil.test'],
    [
      'aws.amazon.com/aws-ecr-repository-arn',
      'arn:aws:ecr:evil.test:123456789012:repository/x',
    ],
    [
      'aws.amazon.com/aws-ecr-repository-arn',
      'arn:aws:ecr:eu-west-1:123456789012:repository/../evil',
    ],
  ])('%s: %s never leaves the configured base URLs', async (key, value) => {
    const { get } = await startBackend([
      component('hostile', { ...ANNOTATIONS, [key]: value }),
    ]);
    for (const path of ['summary', 'runs', 'vulnerabilities?run=1']) {
      const res = await get(`default/component/hostile/${path}`);
      expect(res.status).toBeLessThan(500);
    }
    const summary = await get('default/component/hostile/summary');
    const statuses = Object.values(summary.body)
      .filter((v): v is { status: string } => typeof v === 'object')
      .map(v => v.status);
    // The bad value is an error (or, as an instance name, an unknown
    // instance); the other sources still answer.
    expect(statuses.filter(s => s !== 'ok').length).toBeGreaterThan(0);
    expect(statuses).toContain('ok');
    expect(seenUrls.length).toBeGreaterThan(0);
    for (const url of seenUrls) {
      expect(
        Object.values(BASE_URLS).some(base => url.startsWith(`${base}/`)),
      ).toBe(true);
    }
  });
});

describe('secrets', () => {
  it('never puts a configured secret in a response body or a log line', async () => {
    // Runs last: the bodies and log lines of every test above are checked too.
    for (const failure of ['401', 'html-login', 'slow'] as Failure[]) {
      failures.clear();
      for (const tool of Object.keys(BASE_URLS) as FakeTool[]) {
        failures.set(tool, failure);
      }
      const { get } = await startBackend();
      await get('default/component/payments-api/summary');
      await get('default/component/payments-api/runs');
      await get('default/component/payments-api/vulnerabilities?run=1');
    }
    expect(responseBodies.length).toBeGreaterThan(50);
    expect(logLines.length).toBeGreaterThan(10);
    const secrets = [...Object.values(SECRETS), GITLAB_TOKEN];
    for (const text of [...responseBodies, ...logLines]) {
      for (const secret of secrets) {
        expect(text).not.toContain(secret);
      }
    }
  });
});
