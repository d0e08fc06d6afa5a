import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createDeliveryClients } from '@slipway/plugin-delivery-node';
import { SetupServer } from 'msw/node';

/** Secrets in the test config: none may show up in a log line or an error. */
export const SECRETS = [
  'jenkins-api-token-s3cr3t',
  'sonar-token-s3cr3t',
  'argocd-token-s3cr3t',
  'glpat-s3cr3t',
  'aws-secret-key-s3cr3t',
  'hook-token-s3cr3t',
  'sonar-hook-s3cr3t',
];

export const JENKINS_URL = 'https://jenkins.example.com';
export const SONARQUBE_URL = 'https://sonarqube.example.com';
export const ARGOCD_URL = 'https://argocd.example.com';
export const GITLAB_API = 'https://gitlab.example.com/api/v4';

/** The config of a portal with one instance of every tool. */
export function testConfig(timeoutMs = 500) {
  return new ConfigReader({
    integrations: {
      gitlab: [
        {
          host: 'gitlab.example.com',
          apiBaseUrl: 'https://gitlab.example.com/api/v4',
          token: 'glpat-s3cr3t',
        },
      ],
    },
    jenkins: {
      instances: [
        {
          name: 'default',
          baseUrl: JENKINS_URL,
          username: 'backstage',
          apiKey: 'jenkins-api-token-s3cr3t',
        },
      ],
    },
    sonarqube: {
      instances: [
        {
          name: 'default',
          baseUrl: SONARQUBE_URL,
          apiKey: 'sonar-token-s3cr3t',
        },
      ],
    },
    argocd: {
      appLocatorMethods: [
        {
          type: 'config',
          instances: [
            { name: 'main', url: ARGOCD_URL, token: 'argocd-token-s3cr3t' },
            {
              name: 'production',
              url: 'https://argocd.prod.example.com',
              token: 'argocd-token-s3cr3t',
            },
          ],
        },
      ],
    },
    aws: {
      accounts: [
        {
          accountId: '123456789012',
          accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
          secretAccessKey: 'aws-secret-key-s3cr3t',
        },
      ],
    },
    delivery: { timeouts: { default: timeoutMs } },
  });
}

export function testClients(timeoutMs?: number) {
  const config = testConfig(timeoutMs);
  return {
    ...createDeliveryClients(config),
    integrations: ScmIntegrations.fromConfig(config),
  };
}

/** An action context whose log lines can be read back. */
export function testContext<T extends Record<string, any>>(
  input: T,
  options: { isDryRun?: boolean; secrets?: Record<string, string> } = {},
) {
  const logger = mockServices.logger.mock();
  const ctx = createMockActionContext<any>({
    input,
    logger,
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  const outputs: Record<string, unknown> = {};
  ctx.output = (name, value) => {
    outputs[name as string] = value;
  };
  return {
    ctx: { ...ctx, isDryRun: options.isDryRun ?? false },
    outputs,
    logs(): string[] {
      return (['info', 'warn', 'error', 'debug'] as const).flatMap(level =>
        (logger[level] as jest.Mock).mock.calls.map(call =>
          call.map(String).join(' '),
        ),
      );
    },
  };
}

/** Records every request msw sees, as `METHOD url`. */
export function recordRequests(server: SetupServer) {
  const seen: string[] = [];
  server.events.on('request:start', ({ request }) => {
    seen.push(`${request.method} ${request.url}`);
  });
  return {
    all: () => [...seen],
    mutating: () => seen.filter(r => !r.startsWith('GET ')),
    clear: () => seen.splice(0, seen.length),
  };
}

/** Fails when a secret shows up in any log line or in the message of an error. */
export function expectNoSecrets(texts: string[]) {
  for (const text of texts) {
    for (const secret of SECRETS) {
      expect(text).not.toContain(secret);
    }
  }
}
