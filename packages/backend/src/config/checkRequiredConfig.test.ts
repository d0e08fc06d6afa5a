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
};

describe('checkRequiredConfig', () => {
  it('accepts the production config when every variable is set', async () => {
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
