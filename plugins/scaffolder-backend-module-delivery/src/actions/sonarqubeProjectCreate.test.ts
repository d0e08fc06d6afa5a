import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import { fakeSonarQube } from '../__testUtils__/fakeSonarQube';
import {
  expectNoSecrets,
  recordRequests,
  SONARQUBE_URL,
  testClients,
  testContext,
} from '../__testUtils__/testing';
import { createSonarQubeProjectCreateAction } from './sonarqubeProjectCreate';

const input = {
  projectKey: 'payments-api',
  name: 'payments-api',
  qualityGate: 'Strict',
};
const dashboardUrl = `${SONARQUBE_URL}/dashboard?id=payments-api`;

describe('sonarqube:project:create', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const requests = recordRequests(server);
  beforeEach(() => requests.clear());

  const action = (timeoutMs?: number) => {
    const { sonarqube, jenkins } = testClients(timeoutMs);
    return createSonarQubeProjectCreateAction({ sonarqube, jenkins });
  };

  it('creates the project, assigns the gate and adds the Jenkins webhook', async () => {
    const bodies: string[] = [];
    server.use(...fakeSonarQube());
    server.events.on('request:start', async ({ request }) => {
      if (request.method === 'POST') {
        bodies.push(await request.clone().text());
      }
    });
    const { ctx, outputs, logs } = testContext({
      ...input,
      webhookSecret: 'sonar-hook-s3cr3t',
    });

    await action().handler(ctx);

    expect(requests.mutating()).toEqual([
      `POST ${SONARQUBE_URL}/api/projects/create`,
      `POST ${SONARQUBE_URL}/api/qualitygates/select`,
      `POST ${SONARQUBE_URL}/api/webhooks/create`,
    ]);
    const hook = new URLSearchParams(bodies[2]);
    expect(hook.get('url')).toBe(
      'https://jenkins.example.com/sonarqube-webhook/',
    );
    expect(hook.get('secret')).toBe('sonar-hook-s3cr3t');
    expect(outputs).toEqual({ projectKey: 'payments-api', dashboardUrl });
    expect(logs()).toEqual(
      expect.arrayContaining([
        `Created the SonarQube project "payments-api" on instance "default": ${dashboardUrl}`,
        'Assigned the quality gate "Strict"',
        'Added the webhook "Jenkins" to https://jenkins.example.com/sonarqube-webhook/ with a secret',
      ]),
    );
    expectNoSecrets(logs());
  });

  it('reuses the project, gate and webhook on a second run', async () => {
    server.use(...fakeSonarQube());
    await action().handler(testContext(input).ctx);
    requests.clear();

    const { ctx, outputs, logs } = testContext(input);
    await action().handler(ctx);

    expect(requests.mutating()).toEqual([]);
    expect(outputs).toEqual({ projectKey: 'payments-api', dashboardUrl });
    expect(logs()).toContain(
      `Reusing the existing SonarQube project "payments-api" on instance "default" (same name): ${dashboardUrl}`,
    );
  });

  it('assigns the gate to an existing project that is still on the default gate', async () => {
    server.use(
      ...fakeSonarQube({
        projects: [
          {
            key: 'payments-api',
            name: 'payments-api',
            visibility: 'private',
            webhooks: [],
          },
        ],
      }),
    );
    await action().handler(testContext(input).ctx);
    expect(requests.mutating()).toEqual([
      `POST ${SONARQUBE_URL}/api/qualitygates/select`,
      `POST ${SONARQUBE_URL}/api/webhooks/create`,
    ]);
  });

  it('fails clearly when the project exists with another name', async () => {
    server.use(
      ...fakeSonarQube({
        projects: [
          {
            key: 'payments-api',
            name: 'Legacy payments',
            visibility: 'private',
            webhooks: [],
          },
        ],
      }),
    );
    await expect(action().handler(testContext(input).ctx)).rejects.toThrow(
      'The SonarQube project "payments-api" on instance "default" already exists with the name "Legacy payments" (requested "payments-api")',
    );
    expect(requests.mutating()).toEqual([]);
  });

  it('fails clearly when the project was explicitly put on another gate', async () => {
    server.use(
      ...fakeSonarQube({
        projects: [
          {
            key: 'payments-api',
            name: 'payments-api',
            visibility: 'private',
            gate: 'Sonar way',
            webhooks: [],
          },
        ],
      }),
    );
    await expect(action().handler(testContext(input).ctx)).rejects.toThrow(
      'uses the quality gate "Sonar way" (requested "Strict")',
    );
    expect(requests.mutating()).toEqual([]);
  });

  it('reports an unknown quality gate', async () => {
    server.use(...fakeSonarQube());
    await expect(
      action().handler(testContext({ ...input, qualityGate: 'Nope' }).ctx),
    ).rejects.toThrow(/quality gate "Nope" not found|Nope/);
  });

  it.each([
    [{ projectKey: '12345' }, 'Invalid input "projectKey"'],
    [{ projectKey: 'has space' }, 'Invalid input "projectKey"'],
    [{ name: '' }, 'Invalid input "name"'],
    [
      { instance: 'eu' },
      'Invalid input "instance": no SonarQube instance named "eu" is configured',
    ],
    [
      { jenkinsWebhookUrl: 'ftp://jenkins' },
      'Invalid input "jenkinsWebhookUrl": only http and https URLs are allowed',
    ],
    [
      { jenkinsInstance: 'ci2' },
      'Invalid input "jenkinsInstance": no Jenkins instance named "ci2"',
    ],
    [{ visibility: 'secret' }, 'Invalid input "visibility"'],
  ])('rejects %o before sending anything', async (change, message) => {
    server.use(...fakeSonarQube());
    await expect(
      action().handler(testContext({ ...input, ...change }).ctx),
    ).rejects.toThrow(message);
    expect(requests.all()).toEqual([]);
  });

  it('reports an authentication failure without the token', async () => {
    server.use(...fakeSonarQube({ token: 'other' }));
    const error = await action()
      .handler(testContext(input).ctx)
      .catch(e => e);
    expect(error.message).toMatch(
      /^SonarQube instance "default": authentication failed \(HTTP 401\)/,
    );
    expectNoSecrets([error.message]);
  });

  it('reports a timeout', async () => {
    server.use(...fakeSonarQube({ delayMs: 500 }));
    await expect(action(50).handler(testContext(input).ctx)).rejects.toThrow(
      /^SonarQube instance "default": no answer to .* within/,
    );
  });

  it('sends nothing in a dry run and still sets every output', async () => {
    server.use(...fakeSonarQube());
    const { ctx, outputs } = testContext(input, { isDryRun: true });
    await action().handler(ctx);
    expect(requests.all()).toEqual([]);
    expect(outputs).toEqual({ projectKey: 'payments-api', dashboardUrl });
  });
});
