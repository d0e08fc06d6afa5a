import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import { checkRequiredConfig } from './checkRequiredConfig';

const repoRoot = path.resolve(__dirname, '../../../..');

async function loadProductionConfig(env: Record<string, string>) {
  const source = ConfigSources.default({
    rootDir: repoRoot,
    argv: [
      '--config',
      path.join(repoRoot, 'app-config.yaml'),
      '--config',
      path.join(repoRoot, 'app-config.production.yaml'),
    ],
    substitutionFunc: async name => env[name],
    watch: false,
  });
  return ConfigSources.toConfig(source);
}

const completeEnv = {
  APP_BASE_URL: 'https://backstage.example.com',
  POSTGRES_HOST: 'db.internal',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 's3cret-password',
  BACKEND_EXTERNAL_ACCESS_TOKEN: 'a-long-random-token',
  GITLAB_HOST: 'gitlab.example.com',
  GITLAB_TOKEN: 'glpat-example',
  JENKINS_URL: 'https://jenkins.example.com',
  JENKINS_USERNAME: 'backstage',
  JENKINS_API_TOKEN: 'jenkins-token',
  SONARQUBE_URL: 'https://sonarqube.example.com',
  SONARQUBE_TOKEN: 'squ_example',
  ARGOCD_URL: 'https://argocd.example.com',
  ARGOCD_TOKEN: 'argocd-token',
};

/** Every string value of a config, with its key. */
function leaves(value: unknown, key = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[key, value]];
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => leaves(v, `${key}[${i}]`));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      leaves(v, key ? `${key}.${k}` : k),
    );
  }
  return [];
}

describe('checkRequiredConfig', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  it('accepts the production config when every variable is set', async () => {
    process.env.NODE_ENV = 'production';
    const config = await loadProductionConfig(completeEnv);
    expect(() => checkRequiredConfig(config)).not.toThrow();
    expect(config.getString('backend.database.client')).toBe('pg');
  });

  it('names the database host when POSTGRES_HOST is missing', async () => {
    const { POSTGRES_HOST, ...env } = completeEnv;
    const config = await loadProductionConfig(env);
    expect(() => checkRequiredConfig(config)).toThrow(
      "Missing required config value at 'backend.database.connection.host' (set POSTGRES_HOST)",
    );
  });

  it('names every missing key at once, and never prints a secret', async () => {
    const config = await loadProductionConfig({
      POSTGRES_PASSWORD: 's3cret-password',
    });
    let message = '';
    try {
      checkRequiredConfig(config);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("'backend.database.connection.host'");
    expect(message).toContain("'backend.database.connection.user'");
    expect(message).toContain(
      "'backend.auth.externalAccess[0].options.token'",
    );
    expect(message).not.toContain("'backend.database.connection.password'");
    expect(message).not.toContain('s3cret-password');
  });

  it('names a missing tool credential in production', async () => {
    process.env.NODE_ENV = 'production';
    const { JENKINS_API_TOKEN, ARGOCD_TOKEN, ...env } = completeEnv;
    const config = await loadProductionConfig(env);
    expect(() => checkRequiredConfig(config)).toThrow(
      "'jenkins.instances[0].apiKey' (set JENKINS_API_TOKEN), 'argocd.appLocatorMethods[0].instances[0].token' (set ARGOCD_TOKEN)",
    );
  });

  it('keeps nothing of the simulator in the production config', async () => {
    const config = await loadProductionConfig(completeEnv);
    const simulatorValues = leaves(config.get()).filter(([, value]) =>
      /127\.0\.0\.1:71\d\d|simulator/.test(value),
    );
    expect(simulatorValues).toEqual([]);
    expect(config.getOptional('delivery.ecr.endpoint')).toBeUndefined();
    expect(config.getOptional('auth.providers.guest')).toBeUndefined();
    expect(config.getConfigArray('catalog.locations')).toEqual([]);
  });

  it('accepts a PostgreSQL connection string', () => {
    const config = new ConfigReader({
      backend: {
        database: { client: 'pg', connection: 'postgresql://db/backstage' },
      },
    });
    expect(() => checkRequiredConfig(config)).not.toThrow();
  });

  it('asks for nothing on the embedded default', async () => {
    const source = ConfigSources.default({
      rootDir: repoRoot,
      argv: ['--config', path.join(repoRoot, 'app-config.yaml')],
      substitutionFunc: async () => undefined,
      watch: false,
    });
    const config = await ConfigSources.toConfig(source);
    expect(() => checkRequiredConfig(config)).not.toThrow();
  });
});
