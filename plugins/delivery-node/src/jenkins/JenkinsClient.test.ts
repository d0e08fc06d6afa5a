import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import fs from 'fs';
import path from 'path';
import { isUpstreamError, UpstreamError } from '../errors';
import {
  crumb,
  folderJob,
  JENKINS_BASE_URL,
  jobConfigXml,
  multibranchJob,
  noValidCrumbPage,
  pipelineBuilds,
  pipelineJob,
  wfapiDescribe,
} from '../__fixtures__/jenkins';
import { ERROR_CASES, TEST_TIMEOUT_MS } from '../__testUtils__/errorCases';
import { JenkinsClient } from './JenkinsClient';

const API_KEY = 'jenkins-api-token-11aa22bb33cc';
const BASIC = `Basic ${Buffer.from(`slipway:${API_KEY}`).toString('base64')}`;
const JOB = ['services', 'payments-api'];
const trivyReport = fs.readFileSync(
  path.join(__dirname, '..', '__fixtures__', 'trivy-report.json'),
  'utf8',
);

describe('JenkinsClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const seen: string[] = [];
  beforeEach(() => {
    seen.length = 0;
    server.events.on('request:start', ({ request }) => {
      seen.push(`${request.method} ${request.url}`);
    });
  });
  afterEach(() => server.events.removeAllListeners());

  const client = new JenkinsClient({
    instance: {
      name: 'default',
      baseUrl: JENKINS_BASE_URL,
      username: 'slipway',
      apiKey: API_KEY,
      timeoutMs: TEST_TIMEOUT_MS,
    },
  });

  describe('listBuilds', () => {
    it('asks only for the fields the model needs, limited with {0,N}', async () => {
      let tree: string | null = null;
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/api/json`,
          ({ request }) => {
            expect(request.headers.get('authorization')).toBe(BASIC);
            tree = new URL(request.url).searchParams.get('tree');
            return HttpResponse.json(pipelineBuilds);
          },
        ),
      );
      const result = await client.listBuilds(JOB, { limit: 5 });
      expect(tree).toMatch(/builds\[.*\]\{0,5\}$/);
      expect(tree).not.toMatch(/depth/);
      expect(result.jobPath).toEqual(JOB);
      expect(result.builds).toHaveLength(3);
      expect(result.builds[0]).toEqual({
        jobPath: JOB,
        number: 42,
        url: `${JENKINS_BASE_URL}/job/services/job/payments-api/42/`,
        displayName: '#42',
        status: 'success',
        result: 'SUCCESS',
        building: false,
        startedAt: '2024-06-10T06:13:20.000Z',
        durationMs: 254123,
        commit: {
          sha: '3f2c1ab9d0e4c5b6a7f8e9d0c1b2a3f4e5d6c7b8',
          branch: 'main',
          author: 'Ada Lovelace',
          message: 'Add refunds endpoint',
        },
        artifacts: [
          { fileName: 'trivy-report.json', relativePath: 'trivy-report.json' },
        ],
      });
      expect(result.builds[1]).toMatchObject({
        status: 'failed',
        commit: { branch: 'main' },
      });
      expect(result.builds[2]).toMatchObject({
        status: 'running',
        building: true,
      });
      expect(result.builds[2].durationMs).toBeUndefined();
      expect(result.builds[2].commit).toBeUndefined();
    });

    it('follows a multibranch job to its main branch job', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/api/json`,
          () => HttpResponse.json(multibranchJob),
        ),
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/job/main/api/json`,
          () => HttpResponse.json(pipelineBuilds),
        ),
      );
      const result = await client.listBuilds(JOB);
      expect(result.jobPath).toEqual([...JOB, 'main']);
      expect(result.builds[0].jobPath).toEqual([...JOB, 'main']);
    });

    it('encodes a branch job name Jenkins already encoded', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/api/json`,
          () => HttpResponse.json(multibranchJob),
        ),
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/job/feature%252Frefunds/api/json`,
          () => HttpResponse.json({ ...pipelineBuilds, builds: [] }),
        ),
      );
      const result = await client.listBuilds(JOB, {
        branch: 'feature%2Frefunds',
      });
      expect(result.jobPath).toEqual([...JOB, 'feature%2Frefunds']);
      expect(result.builds).toEqual([]);
    });

    it('rejects a limit outside 1..100', async () => {
      await expect(client.listBuilds(JOB, { limit: 1000 })).rejects.toThrow(
        /Invalid limit 1000/,
      );
    });
  });

  describe('getBuild', () => {
    it('returns one build', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/42/api/json`,
          () => HttpResponse.json(pipelineBuilds.builds[0]),
        ),
      );
      const build = await client.getBuild(JOB, 42);
      expect(build.number).toBe(42);
      expect(build.commit?.sha).toBe(
        '3f2c1ab9d0e4c5b6a7f8e9d0c1b2a3f4e5d6c7b8',
      );
    });
  });

  describe('getRunStages', () => {
    it('maps wfapi/describe stages in order, unknown names kept', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/42/wfapi/describe`,
          () => HttpResponse.json(wfapiDescribe),
        ),
      );
      const run = await client.getRunStages(JOB, 42);
      expect(run).toMatchObject({
        id: '42',
        status: 'success',
        durationMs: 254123,
      });
      expect(run.stages.map(s => `${s.name}:${s.status}`)).toEqual([
        'Checkout:success',
        'Unit tests:success',
        'SonarQube analysis:success',
        'Quality gate:success',
        'Build image:success',
        'Trivy scan:unstable',
        'Push to ECR:success',
        'Update Helm values:success',
        'Push to GitLab:not-executed',
        'Smoke test:running',
      ]);
      expect(run.stages[0]).toEqual({
        id: '6',
        name: 'Checkout',
        status: 'success',
        startedAt: '2024-06-10T06:13:20.100Z',
        durationMs: 3200,
      });
      expect(run.stages[8].startedAt).toBeUndefined();
    });

    it('reads the newest build through the lastBuild permalink; id is its number', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/lastBuild/wfapi/describe`,
          () => HttpResponse.json(wfapiDescribe),
        ),
      );
      const run = await client.getRunStages(JOB, 'lastBuild');
      expect(run.id).toBe('42');
      expect(run.stages).toHaveLength(10);
    });

    it('says "the last build" when a job has no build yet', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/lastBuild/wfapi/describe`,
          () => new HttpResponse('Not Found', { status: 404 }),
        ),
      );
      const error = await client.getRunStages(JOB, 'lastBuild').catch(e => e);
      expect(isUpstreamError(error, 'not-found')).toBe(true);
      expect(error.message).toMatch(
        /stages of the last build of job "services\/payments-api"/,
      );
    });

    it('refuses a build number that is not a positive integer', async () => {
      await expect(client.getRunStages(JOB, 0)).rejects.toThrow(
        /Invalid build number 0/,
      );
    });

    it('refuses any other permalink or string', async () => {
      await expect(
        client.getRunStages(JOB, 'lastSuccessfulBuild/../../x' as any),
      ).rejects.toThrow(
        /Invalid build "lastSuccessfulBuild\/..\/..\/x": use a build number or 'lastBuild'/,
      );
      expect(seen).toEqual([]);
    });
  });

  describe('getArtifact and getTrivyReport', () => {
    it('reads an artifact by its relative path', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/42/artifact/reports/trivy%20report.json`,
          () => HttpResponse.text('{"SchemaVersion":2}'),
        ),
      );
      await expect(
        client.getArtifact(JOB, 42, 'reports/trivy report.json'),
      ).resolves.toBe('{"SchemaVersion":2}');
    });

    it('parses the archived Trivy report', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/42/artifact/trivy-report.json`,
          () => HttpResponse.text(trivyReport),
        ),
      );
      const report = await client.getTrivyReport(JOB, 42);
      expect(report?.counts.CRITICAL).toBe(1);
      expect(report?.total).toBe(4);
    });

    it("reads the newest build's report through the lastBuild permalink", async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/lastBuild/artifact/trivy-report.json`,
          () => HttpResponse.text(trivyReport),
        ),
      );
      const report = await client.getTrivyReport(JOB, 'lastBuild');
      expect(report?.artifactName).toBe(JSON.parse(trivyReport).ArtifactName);
      expect(report?.total).toBe(4);
      await expect(
        client.getArtifact(JOB, 'lastBuild', 'trivy-report.json'),
      ).resolves.toBe(trivyReport);
    });

    it('returns undefined when the last build archived no report', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/lastBuild/artifact/trivy-report.json`,
          () => new HttpResponse('Not found', { status: 404 }),
        ),
      );
      await expect(
        client.getTrivyReport(JOB, 'lastBuild'),
      ).resolves.toBeUndefined();
    });

    it('says the last build when its artifact is not a Trivy report', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/lastBuild/artifact/trivy-report.json`,
          () => HttpResponse.text('{"runs": []}'),
        ),
      );
      await expect(client.getTrivyReport(JOB, 'lastBuild')).rejects.toThrow(
        /artifact "trivy-report.json" of the last build of job "services\/payments-api" is not a Trivy report/,
      );
    });

    it('returns undefined when the build archived no report', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/41/artifact/trivy-report.json`,
          () => new HttpResponse('Not found', { status: 404 }),
        ),
      );
      await expect(client.getTrivyReport(JOB, 41)).resolves.toBeUndefined();
    });

    it('says which artifact is not a Trivy report', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/42/artifact/trivy-report.json`,
          () => HttpResponse.text('{"runs": []}'),
        ),
      );
      await expect(client.getTrivyReport(JOB, 42)).rejects.toThrow(
        /Jenkins instance "default": artifact "trivy-report.json" of build #42 .* is not a Trivy report/,
      );
    });

    it.each(['../../../secrets', 'a//b', '/etc/passwd', './x'])(
      'refuses the artifact path %j',
      async p => {
        await expect(client.getArtifact(JOB, 42, p)).rejects.toThrow(
          /Invalid artifact path/,
        );
        expect(seen).toEqual([]);
      },
    );
  });

  describe('getJob and findJob', () => {
    it('describes a folder and its children', async () => {
      server.use(
        http.get(`${JENKINS_BASE_URL}/job/services/api/json`, () =>
          HttpResponse.json(folderJob),
        ),
      );
      expect(await client.getJob(['services'])).toEqual({
        name: 'services',
        fullName: 'services',
        url: `${JENKINS_BASE_URL}/job/services/`,
        className: 'com.cloudbees.hudson.plugins.folder.Folder',
        kind: 'folder',
        children: [
          {
            name: 'payments-api',
            className:
              'org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject',
            kind: 'multibranch',
          },
          {
            name: 'legacy',
            className: 'hudson.model.FreeStyleProject',
            kind: 'freestyle',
          },
        ],
      });
    });

    it('finds a job, or undefined when it does not exist', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/api/json`,
          () => HttpResponse.json(pipelineJob),
        ),
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/missing/api/json`,
          () => new HttpResponse(null, { status: 404 }),
        ),
      );
      expect((await client.findJob(JOB))?.kind).toBe('pipeline');
      expect(await client.findJob(['services', 'missing'])).toBeUndefined();
    });
  });

  describe('getJobConfig', () => {
    it('returns config.xml', async () => {
      server.use(
        http.get(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/config.xml`,
          () => HttpResponse.xml(jobConfigXml),
        ),
      );
      expect(await client.getJobConfig(JOB)).toBe(jobConfigXml);
    });
  });

  describe('createJob, createFolder and updateJobConfig', () => {
    it('creates a job in a folder without a crumb when none is needed', async () => {
      let received:
        | { name: string | null; body: string; type: string | null }
        | undefined;
      server.use(
        http.post(
          `${JENKINS_BASE_URL}/job/services/createItem`,
          async ({ request }) => {
            received = {
              name: new URL(request.url).searchParams.get('name'),
              body: await request.text(),
              type: request.headers.get('content-type'),
            };
            expect(request.headers.get('jenkins-crumb')).toBeNull();
            return new HttpResponse(null, { status: 200 });
          },
        ),
      );
      const created = await client.createJob({
        folder: ['services'],
        name: 'payments-api',
        configXml: jobConfigXml,
      });
      expect(received).toEqual({
        name: 'payments-api',
        body: jobConfigXml,
        type: 'application/xml',
      });
      expect(created).toEqual({
        jobPath: JOB,
        url: `${JENKINS_BASE_URL}/job/services/job/payments-api/`,
      });
      expect(seen).toHaveLength(1);
    });

    it('fetches a crumb and retries once when Jenkins requires one', async () => {
      const attempts: Array<string | null> = [];
      const cookies: Array<string | null> = [];
      server.use(
        http.get(`${JENKINS_BASE_URL}/crumbIssuer/api/json`, () =>
          HttpResponse.json(crumb, {
            headers: {
              'Set-Cookie': 'JSESSIONID.abc=node01xyz; Path=/; HttpOnly',
            },
          }),
        ),
        http.post(`${JENKINS_BASE_URL}/createItem`, ({ request }) => {
          attempts.push(request.headers.get('jenkins-crumb'));
          if (!request.headers.get('jenkins-crumb')) {
            return HttpResponse.html(noValidCrumbPage, { status: 403 });
          }
          cookies.push(request.headers.get('cookie'));
          return new HttpResponse(null, { status: 200 });
        }),
      );
      await client.createFolder({
        parent: [],
        name: 'services',
        description: 'Services & <tools>',
      });
      expect(attempts).toEqual([null, crumb.crumb]);
      // Our Cookie header comes first; msw's own cookie jar appends what it stored.
      expect(cookies).toHaveLength(1);
      expect(cookies[0]).toMatch(/^JSESSIONID\.abc=node01xyz(;|$)/);
    });

    it('reports Jenkins refusing a duplicate name with its own message', async () => {
      server.use(
        http.post(
          `${JENKINS_BASE_URL}/job/services/createItem`,
          () =>
            new HttpResponse('', {
              status: 400,
              headers: {
                'X-Error': 'A job already exists with the name payments-api',
              },
            }),
        ),
      );
      const error = await client
        .createJob({
          folder: ['services'],
          name: 'payments-api',
          configXml: jobConfigXml,
        })
        .catch(e => e);
      expect(isUpstreamError(error, 'rejected')).toBe(true);
      expect(error.message).toMatch(/A job already exists with the name/);
    });

    it('says which folder is missing', async () => {
      server.use(
        http.post(
          `${JENKINS_BASE_URL}/job/nope/createItem`,
          () => new HttpResponse(null, { status: 404 }),
        ),
      );
      await expect(
        client.createJob({
          folder: ['nope'],
          name: 'x',
          configXml: jobConfigXml,
        }),
      ).rejects.toThrow('Jenkins instance "default": folder "nope" not found');
    });

    it.each(['', '..', 'a/b', 'pay?ments'])(
      'refuses the job name %j',
      async name => {
        await expect(
          client.createJob({
            folder: ['services'],
            name,
            configXml: jobConfigXml,
          }),
        ).rejects.toThrow(/Invalid Jenkins job name/);
        expect(seen).toEqual([]);
      },
    );

    it('updates config.xml', async () => {
      let body = '';
      server.use(
        http.post(
          `${JENKINS_BASE_URL}/job/services/job/payments-api/config.xml`,
          async ({ request }) => {
            body = await request.text();
            return new HttpResponse(null, { status: 200 });
          },
        ),
      );
      await client.updateJobConfig(JOB, jobConfigXml);
      expect(body).toBe(jobConfigXml);
    });
  });

  describe('stays on the configured base URL', () => {
    it('keeps a base path and encodes every segment on its own', async () => {
      const prefixed = new JenkinsClient({
        instance: {
          name: 'ci2',
          baseUrl: 'https://ci.example.com/jenkins',
          timeoutMs: TEST_TIMEOUT_MS,
        },
      });
      server.use(
        http.get('https://ci.example.com/jenkins/*', () =>
          HttpResponse.json(pipelineJob),
        ),
      );
      await prefixed.getJob(['team a', 'x#y?z', 'évolution']);
      expect(seen).toEqual([
        `GET https://ci.example.com/jenkins/job/team%20a/job/x%23y%3Fz/job/%C3%A9volution/api/json?tree=${encodeURIComponent(
          '_class,name,fullName,url,jobs[name,_class]',
        )}`,
      ]);
      expect(prefixed.jobUrl(['a', 'b'])).toBe(
        'https://ci.example.com/jenkins/job/a/job/b/',
      );
    });

    it.each([[['..']], [['services', '.']], [['']]])(
      'refuses the job path %j without sending anything',
      async jobPath => {
        await expect(client.getJob(jobPath)).rejects.toThrow(
          /Refusing to build a jenkins URL/,
        );
        expect(seen).toEqual([]);
      },
    );
  });

  const methods: Array<{
    name: string;
    json: boolean;
    call: () => Promise<unknown>;
  }> = [
    { name: 'listBuilds', json: true, call: () => client.listBuilds(JOB) },
    { name: 'getBuild', json: true, call: () => client.getBuild(JOB, 42) },
    {
      name: 'getRunStages',
      json: true,
      call: () => client.getRunStages(JOB, 42),
    },
    { name: 'getJob', json: true, call: () => client.getJob(JOB) },
    {
      name: 'getArtifact',
      json: false,
      call: () => client.getArtifact(JOB, 42, 'trivy-report.json'),
    },
    {
      name: 'getArtifact of lastBuild',
      json: false,
      call: () => client.getArtifact(JOB, 'lastBuild', 'trivy-report.json'),
    },
    {
      name: 'getRunStages of lastBuild',
      json: true,
      call: () => client.getRunStages(JOB, 'lastBuild'),
    },
    { name: 'getJobConfig', json: false, call: () => client.getJobConfig(JOB) },
    {
      name: 'createJob',
      json: false,
      call: () =>
        client.createJob({
          folder: ['services'],
          name: 'payments-api',
          configXml: jobConfigXml,
        }),
    },
    {
      name: 'updateJobConfig',
      json: false,
      call: () => client.updateJobConfig(JOB, jobConfigXml),
    },
  ];

  describe.each(methods)('$name errors', ({ json, call }) => {
    it.each(ERROR_CASES.filter(c => json || !c.jsonOnly))(
      'turns $label into a $kind error naming tool and instance',
      async ({ handler, kind, message }) => {
        server.use(handler(JENKINS_BASE_URL));
        const error: UpstreamError = await call().then(
          () => {
            throw new Error('expected a failure');
          },
          e => e,
        );
        expect(isUpstreamError(error, kind)).toBe(true);
        expect(error.message).toMatch(/^Jenkins instance "default": /);
        expect(error.message).toMatch(message);
        expect(error.message).not.toContain(API_KEY);
        expect(error.tool).toBe('jenkins');
        expect(error.instance).toBe('default');
      },
    );
  });
});
