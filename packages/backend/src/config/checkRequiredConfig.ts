import { Config } from '@backstage/config';

/**
 * Checks the settings a production backend cannot start without, and names
 * every key that is missing, with the environment variable that usually fills
 * it in app-config.production.yaml.
 *
 * Backstage drops a key whose `${ENV_VAR}` is unset, and several of these keys
 * are only read lazily (the database connection on first query), so without
 * this check a missing value shows up later as a confusing connection error.
 */
export function checkRequiredConfig(config: Config): void {
  const missing: string[] = [];
  const require = (key: string, value: unknown, hint: string) => {
    if (value === undefined || value === null || value === '') {
      missing.push(`'${key}' (${hint})`);
    }
  };

  const database = config.getOptionalConfig('backend.database');
  if (database?.getOptionalString('client') === 'pg') {
    const connection = database.getOptional('connection');
    if (typeof connection !== 'string') {
      // A connection string holds everything; an object must name the server.
      const fields = (connection ?? {}) as Record<string, unknown>;
      require(
        'backend.database.connection.host',
        fields.host,
        'set POSTGRES_HOST',
      );
      require(
        'backend.database.connection.user',
        fields.user,
        'set POSTGRES_USER',
      );
      require(
        'backend.database.connection.password',
        fields.password,
        'set POSTGRES_PASSWORD',
      );
    }
  }

  const externalAccess =
    config.getOptionalConfigArray('backend.auth.externalAccess') ?? [];
  externalAccess.forEach((entry, index) => {
    if (entry.getOptionalString('type') === 'static') {
      require(
        `backend.auth.externalAccess[${index}].options.token`,
        entry.getOptional('options.token'),
        'set BACKEND_EXTERNAL_ACCESS_TOKEN to a random string of at least 8 characters',
      );
    }
  });

  if (process.env.NODE_ENV === 'production') {
    checkToolCredentials(config, require);
  }

  if (missing.length > 0) {
    throw new Error(
      `Missing required config value${
        missing.length > 1 ? 's' : ''
      } at ${missing.join(', ')}. ` +
        'See app-config.production.yaml for the environment variables the production configuration reads.',
    );
  }
}

type Require = (key: string, value: unknown, hint: string) => void;

/**
 * In production every tool of the road needs its URL and credentials: a
 * missing token would otherwise show up as anonymous calls failing on every
 * entity page, long after startup.
 */
function checkToolCredentials(config: Config, require: Require) {
  config.getOptionalConfigArray('integrations.gitlab')?.forEach((c, i) => {
    require(`integrations.gitlab[${i}].host`, c.getOptional('host'), 'set GITLAB_HOST');
    require(`integrations.gitlab[${i}].token`, c.getOptional('token'), 'set GITLAB_TOKEN');
  });
  config.getOptionalConfigArray('jenkins.instances')?.forEach((c, i) => {
    const key = `jenkins.instances[${i}]`;
    require(`${key}.baseUrl`, c.getOptional('baseUrl'), 'set JENKINS_URL');
    require(`${key}.username`, c.getOptional('username'), 'set JENKINS_USERNAME');
    require(`${key}.apiKey`, c.getOptional('apiKey'), 'set JENKINS_API_TOKEN');
  });
  config.getOptionalConfigArray('sonarqube.instances')?.forEach((c, i) => {
    const key = `sonarqube.instances[${i}]`;
    require(`${key}.baseUrl`, c.getOptional('baseUrl'), 'set SONARQUBE_URL');
    require(`${key}.apiKey`, c.getOptional('apiKey'), 'set SONARQUBE_TOKEN');
  });
  config
    .getOptionalConfigArray('argocd.appLocatorMethods')
    ?.forEach((method, m) => {
      method.getOptionalConfigArray('instances')?.forEach((c, i) => {
        const key = `argocd.appLocatorMethods[${m}].instances[${i}]`;
        require(`${key}.url`, c.getOptional('url'), 'set ARGOCD_URL');
        const signsIn =
          c.getOptional('username') ?? config.getOptional('argocd.username');
        if (!signsIn) {
          require(`${key}.token`, c.getOptional('token'), 'set ARGOCD_TOKEN');
        }
      });
    });
}
