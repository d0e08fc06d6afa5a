import { registerMswTestHooks } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { setupServer } from 'msw/node';
import { create } from 'xmlbuilder2';
import { fakeJenkins, folderItem } from '../__testUtils__/fakeJenkins';
import {
  expectNoSecrets,
  JENKINS_URL,
  recordRequests,
  testClients,
  testContext,
} from '../__testUtils__/testing';
import { createJenkinsJobCreateAction } from './jenkinsJobCreate';

const existingConfig = fs.readFileSync(
  path.join(__dirname, '../__fixtures__/jenkins-multibranch-config.xml'),
  'utf8',
);

const input = {
  folder: 'services',
  jobName: 'payments-api',
  repoUrl: 'gitlab.example.com?owner=payments&repo=payments-api',
  credentialsId: 'gitlab-checkout',
};

describe('jenkins:job:create', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const requests = recordRequests(server);
  beforeEach(() => requests.clear());

  const action = (timeoutMs?: number) => {
    const { jenkins, integrations } = testClients(timeoutMs);
    return createJenkinsJobCreateAction({ jenkins, integrations });
  };

  it('creates the folder and a multibranch job with a GitLab branch source', async () => {
    server.use(...fakeJenkins());
    const { ctx, outputs, logs } = testContext(input);

    await action().handler(ctx);

    expect(requests.mutating()).toEqual([
      `POST ${JENKINS_URL}/createItem?name=services`,
      `POST ${JENKINS_URL}/job/services/createItem?name=payments-api`,
    ]);
    expect(outputs).toEqual({
      jobUrl: `${JENKINS_URL}/job/services/job/payments-api/`,
      jobFullName: 'services/payments-api',
      webhookUrl: `${JENKINS_URL}/gitlab-webhook/post`,
    });
    expect(logs()).toEqual(
      expect.arrayContaining([
        `Created the Jenkins folder "services": ${JENKINS_URL}/job/services/`,
        `Created the multibranch Jenkins job "services/payments-api" on instance "default": ${JENKINS_URL}/job/services/job/payments-api/`,
      ]),
    );
    expectNoSecrets(logs());
  });

  it('sends a config.xml with the GitLab Branch Source settings', async () => {
    const bodies: string[] = [];
    server.use(...fakeJenkins());
    server.events.on('request:start', async ({ request }) => {
      if (request.url.endsWith('name=payments-api')) {
        bodies.push(await request.clone().text());
      }
    });
    const { ctx } = testContext({
      ...input,
      description: 'A <b>bold</b> & "quoted" job',
    });

    await action().handler(ctx);

    const doc = create(bodies[0]).end({ format: 'object' }) as any;
    const project =
      doc[
        'org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject'
      ];
    const source = project.sources.data['jenkins.branch.BranchSource'].source;
    expect(source['@class']).toBe(
      'io.jenkins.plugins.gitlabbranchsource.GitLabSCMSource',
    );
    expect(source.serverName).toBe('gitlab');
    expect(source.projectOwner).toBe('payments');
    expect(source.projectPath).toBe('payments/payments-api');
    expect(source.credentialsId).toBe('gitlab-checkout');
    expect(project.factory.scriptPath).toBe('Jenkinsfile');
    // User text stays text: escaped, never markup.
    const root = create(bodies[0]).root().node as unknown as Element;
    expect(root.getElementsByTagName('description')[0].textContent).toBe(
      'A <b>bold</b> & "quoted" job',
    );
    expect(bodies[0]).toContain('A &lt;b&gt;bold&lt;/b&gt; &amp;');
  });

  it('creates a single-branch pipeline job triggered by the GitLab plugin', async () => {
    const bodies: string[] = [];
    server.use(...fakeJenkins({ items: { services: folderItem } }));
    server.events.on('request:start', async ({ request }) => {
      if (request.method === 'POST') {
        bodies.push(await request.clone().text());
      }
    });
    const { ctx, outputs } = testContext({
      ...input,
      kind: 'pipeline',
      branch: 'release/1.x',
    });

    await action().handler(ctx);

    expect(outputs.webhookUrl).toBe(
      `${JENKINS_URL}/project/services/payments-api`,
    );
    const job = (create(bodies[0]).end({ format: 'object' }) as any)[
      'flow-definition'
    ];
    const remote =
      job.definition.scm.userRemoteConfigs[
        'hudson.plugins.git.UserRemoteConfig'
      ];
    expect(remote.url).toBe(
      'https://gitlab.example.com/payments/payments-api.git',
    );
    expect(remote.credentialsId).toBe('gitlab-checkout');
    expect(
      job.definition.scm.branches['hudson.plugins.git.BranchSpec'].name,
    ).toBe('*/release/1.x');
    const trigger =
      job.properties[
        'org.jenkinsci.plugins.workflow.job.properties.PipelineTriggersJobProperty'
      ].triggers['com.dabsquared.gitlabjenkins.GitLabPushTrigger'];
    expect(trigger.includeBranchesSpec).toBe('release/1.x');
  });

  it('reuses the folder and job on a second run and sends nothing that changes state', async () => {
    server.use(...fakeJenkins());
    await action().handler(testContext(input).ctx);
    requests.clear();

    const { ctx, outputs, logs } = testContext(input);
    await action().handler(ctx);

    expect(requests.mutating()).toEqual([]);
    expect(outputs.jobUrl).toBe(
      `${JENKINS_URL}/job/services/job/payments-api/`,
    );
    expect(logs()).toContain(
      `Reusing the existing Jenkins job "services/payments-api" on instance "default" (same settings): ${JENKINS_URL}/job/services/job/payments-api/`,
    );
  });

  it('fails clearly when the job exists with other settings', async () => {
    server.use(
      ...fakeJenkins({
        items: {
          services: folderItem,
          'services/payments-api': {
            className:
              'org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject',
            configXml: existingConfig,
          },
        },
      }),
    );
    const { ctx } = testContext(input);

    await expect(action().handler(ctx)).rejects.toThrow(
      'The Jenkins job "services/payments-api" on instance "default" already exists with other settings: credentialsId is "legacy-checkout" (requested "gitlab-checkout")',
    );
    expect(requests.mutating()).toEqual([]);
  });

  it('reuses a job Jenkins wrote back with its own extra settings', async () => {
    server.use(
      ...fakeJenkins({
        items: {
          services: folderItem,
          'services/payments-api': {
            className:
              'org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject',
            configXml: existingConfig,
          },
        },
      }),
    );
    const { ctx } = testContext({ ...input, credentialsId: 'legacy-checkout' });

    await action().handler(ctx);

    expect(requests.mutating()).toEqual([]);
  });

  it('fails clearly when an item in the folder path is not a folder', async () => {
    server.use(
      ...fakeJenkins({
        items: {
          services: {
            className: 'org.jenkinsci.plugins.workflow.job.WorkflowJob',
            configXml: '<flow-definition/>',
          },
        },
      }),
    );
    await expect(action().handler(testContext(input).ctx)).rejects.toThrow(
      'Jenkins item "services" exists but is not a folder',
    );
  });

  it.each([
    [
      { jobName: 'a/b' },
      'Invalid input "jobName": the Jenkins job name "a/b" contains \'/\'',
    ],
    [
      { jobName: 'a..b' },
      'Invalid input "jobName": the Jenkins name "a..b" contains \'..\'',
    ],
    [
      { jobName: '-x' },
      'Invalid input "jobName": the Jenkins name "-x" must start with a letter or digit',
    ],
    [{ folder: 'services/../admin' }, 'Invalid input "folder"'],
    [
      { instance: 'ci2' },
      'Invalid input "instance": no Jenkins instance named "ci2" is configured (configured: "default")',
    ],
    [
      { kind: 'freestyle' },
      'Invalid input "kind": use multibranch or pipeline',
    ],
    [{ credentialsId: '' }, 'Invalid input "credentialsId"'],
    [{ repoUrl: 'github.com?owner=a&repo=b' }, 'Invalid input "repoUrl"'],
    [{ repoUrl: 'gitlab.example.com?repo=b' }, 'Invalid input "repoUrl"'],
    [
      { branch: 'main' },
      'Invalid input "branch": a multibranch job builds every branch',
    ],
    [{ kind: 'pipeline', branch: 'a..b' }, 'Invalid input "branch"'],
    [{ scriptPath: '../Jenkinsfile' }, 'Invalid input "scriptPath"'],
  ])('rejects %o before sending anything', async (change, message) => {
    server.use(...fakeJenkins());
    await expect(
      action().handler(testContext({ ...input, ...change }).ctx),
    ).rejects.toThrow(message);
    expect(requests.all()).toEqual([]);
  });

  it('reports an authentication failure without the token', async () => {
    server.use(...fakeJenkins({ apiKey: 'another-token' }));
    const error = await action()
      .handler(testContext(input).ctx)
      .catch(e => e);
    expect(error.message).toMatch(
      /^Jenkins instance "default": authentication failed \(HTTP 401\)/,
    );
    expectNoSecrets([error.message]);
  });

  it('reports a timeout', async () => {
    server.use(...fakeJenkins({ delayMs: 500 }));
    await expect(action(50).handler(testContext(input).ctx)).rejects.toThrow(
      /^Jenkins instance "default": no answer to .* within/,
    );
  });

  it('sends nothing in a dry run and still sets every output', async () => {
    server.use(...fakeJenkins());
    const { ctx, outputs, logs } = testContext(input, { isDryRun: true });

    await action().handler(ctx);

    expect(requests.all()).toEqual([]);
    expect(outputs).toEqual({
      jobUrl: `${JENKINS_URL}/job/services/job/payments-api/`,
      jobFullName: 'services/payments-api',
      webhookUrl: `${JENKINS_URL}/gitlab-webhook/post`,
    });
    expect(logs().join('\n')).toContain('Dry run');
  });
});
