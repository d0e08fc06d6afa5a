import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { UpstreamTool } from '../errors';

/**
 * One Jenkins instance, from `jenkins.instances[]` or the `jenkins.baseUrl`
 * shorthand (the community Jenkins plugin's shape).
 *
 * @public
 */
export type JenkinsInstanceConfig = {
  name: string;
  baseUrl: string;
  username?: string;
  /** API token of `username`. */
  apiKey?: string;
  timeoutMs: number;
};

/**
 * One SonarQube instance, from `sonarqube.instances[]` or the
 * `sonarqube.baseUrl` shorthand (the community SonarQube plugin's shape).
 *
 * @public
 */
export type SonarQubeInstanceConfig = {
  name: string;
  baseUrl: string;
  /** The URL users open, when it differs from `baseUrl`. */
  externalBaseUrl?: string;
  /** A user token. */
  apiKey?: string;
  timeoutMs: number;
};

/**
 * One Argo CD instance, from `argocd.appLocatorMethods[].instances[]` (the
 * Roadie Argo CD plugin's shape) or the `argocd.baseUrl` shorthand.
 *
 * @public
 */
export type ArgoCdInstanceConfig = {
  name: string;
  url: string;
  token?: string;
  username?: string;
  password?: string;
  timeoutMs: number;
};

/**
 * How the ECR client reaches AWS.
 *
 * @public
 */
export type EcrConfig = {
  /** Overrides the ECR endpoint, e.g. a local simulator. */
  endpoint?: string;
  timeoutMs: number;
};

/** The timeout when `delivery.timeouts` says nothing. */
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_INSTANCE = 'default';
const INSTANCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * The per-call timeout of a tool: `delivery.timeouts.<tool>`, else
 * `delivery.timeouts.default`, else 10 seconds. Values are milliseconds, a
 * duration string (`'5s'`, `'PT5S'`) or a duration object (`{ seconds: 5 }`).
 *
 * @public
 */
export function readTimeoutMs(config: Config, tool: UpstreamTool): number {
  for (const key of [
    `delivery.timeouts.${tool}`,
    'delivery.timeouts.default',
  ]) {
    if (!config.has(key)) {
      continue;
    }
    const value = config.get(key);
    let ms: number;
    if (typeof value === 'number') {
      ms = value;
    } else {
      const [parent, child] = splitKey(key);
      try {
        ms = durationToMilliseconds(
          readDurationFromConfig(config.getConfig(parent), { key: child }),
        );
      } catch (error) {
        throw new InputError(
          `Invalid config at '${key}': expected milliseconds, a duration string such as '10s' or an object such as { seconds: 10 }`,
          error,
        );
      }
    }
    if (!Number.isFinite(ms) || ms <= 0) {
      throw new InputError(
        `Invalid config at '${key}': the timeout must be greater than zero`,
      );
    }
    return ms;
  }
  return DEFAULT_TIMEOUT_MS;
}

/**
 * Reads the Jenkins instances. `jenkins.baseUrl` (with `username`, `apiKey`)
 * is the instance named `default`.
 *
 * @public
 */
export function readJenkinsInstances(config: Config): JenkinsInstanceConfig[] {
  const jenkins = config.getOptionalConfig('jenkins');
  if (!jenkins) {
    return [];
  }
  const timeoutMs = readTimeoutMs(config, 'jenkins');
  const instances = (jenkins.getOptionalConfigArray('instances') ?? []).map(
    (c, i) => {
      const key = `jenkins.instances[${i}]`;
      return {
        name: readInstanceName(c, key),
        baseUrl: readBaseUrl(c, 'baseUrl', key),
        username: c.getOptionalString('username'),
        apiKey: c.getOptionalString('apiKey'),
        timeoutMs,
      };
    },
  );
  if (jenkins.has('baseUrl')) {
    instances.unshift({
      name: DEFAULT_INSTANCE,
      baseUrl: readBaseUrl(jenkins, 'baseUrl', 'jenkins'),
      username: jenkins.getOptionalString('username'),
      apiKey: jenkins.getOptionalString('apiKey'),
      timeoutMs,
    });
  }
  for (const [i, instance] of instances.entries()) {
    if (Boolean(instance.username) !== Boolean(instance.apiKey)) {
      throw new InputError(
        `Invalid config at '${instanceKey(
          'jenkins',
          i,
          jenkins,
        )}': username and apiKey go together; set both or neither`,
      );
    }
  }
  return checkUnique(instances, 'jenkins');
}

/**
 * Reads the SonarQube instances. `sonarqube.baseUrl` (with `apiKey`,
 * `externalBaseUrl`) is the instance named `default`.
 *
 * @public
 */
export function readSonarQubeInstances(
  config: Config,
): SonarQubeInstanceConfig[] {
  const sonarqube = config.getOptionalConfig('sonarqube');
  if (!sonarqube) {
    return [];
  }
  const timeoutMs = readTimeoutMs(config, 'sonarqube');
  const read = (c: Config, key: string, name: string) => ({
    name,
    baseUrl: readBaseUrl(c, 'baseUrl', key),
    externalBaseUrl: c.has('externalBaseUrl')
      ? readBaseUrl(c, 'externalBaseUrl', key)
      : undefined,
    apiKey: c.getOptionalString('apiKey'),
    timeoutMs,
  });
  const instances = (sonarqube.getOptionalConfigArray('instances') ?? []).map(
    (c, i) =>
      read(
        c,
        `sonarqube.instances[${i}]`,
        readInstanceName(c, `sonarqube.instances[${i}]`),
      ),
  );
  if (sonarqube.has('baseUrl')) {
    instances.unshift(read(sonarqube, 'sonarqube', DEFAULT_INSTANCE));
  }
  return checkUnique(instances, 'sonarqube');
}

/**
 * Reads the Argo CD instances of every `argocd.appLocatorMethods[]` entry of
 * type `config`. Instances without credentials use `argocd.username` and
 * `argocd.password`. `argocd.baseUrl` with those is the instance `default`
 * when no locator method is configured.
 *
 * @public
 */
export function readArgoCdInstances(config: Config): ArgoCdInstanceConfig[] {
  const argocd = config.getOptionalConfig('argocd');
  if (!argocd) {
    return [];
  }
  const timeoutMs = readTimeoutMs(config, 'argocd');
  const defaultUsername = argocd.getOptionalString('username');
  const defaultPassword = argocd.getOptionalString('password');
  const instances: ArgoCdInstanceConfig[] = [];
  const methods = argocd.getOptionalConfigArray('appLocatorMethods') ?? [];
  methods.forEach((method, m) => {
    const methodKey = `argocd.appLocatorMethods[${m}]`;
    const type = method.getString('type');
    if (type !== 'config') {
      throw new InputError(
        `Invalid config at '${methodKey}.type': only type 'config' is supported, got '${type}'`,
      );
    }
    method.getConfigArray('instances').forEach((c, i) => {
      const key = `${methodKey}.instances[${i}]`;
      const token = c.getOptionalString('token');
      const username = c.getOptionalString('username') ?? defaultUsername;
      const password = c.getOptionalString('password') ?? defaultPassword;
      if (!token && !(username && password)) {
        throw new InputError(
          `Invalid config at '${key}': an Argo CD instance needs a token, or a username and password (here or in argocd.username and argocd.password)`,
        );
      }
      instances.push({
        name: readInstanceName(c, key),
        url: readBaseUrl(c, 'url', key),
        ...(token ? { token } : { username, password }),
        timeoutMs,
      });
    });
  });
  if (methods.length === 0 && argocd.has('baseUrl')) {
    if (!(defaultUsername && defaultPassword)) {
      throw new InputError(
        `Invalid config at 'argocd': argocd.baseUrl needs argocd.username and argocd.password, or use argocd.appLocatorMethods with a token`,
      );
    }
    instances.push({
      name: DEFAULT_INSTANCE,
      url: readBaseUrl(argocd, 'baseUrl', 'argocd'),
      username: defaultUsername,
      password: defaultPassword,
      timeoutMs,
    });
  }
  return checkUnique(instances, 'argocd');
}

/**
 * Reads `delivery.ecr` (endpoint override) and the ECR timeout.
 *
 * @public
 */
export function readEcrConfig(config: Config): EcrConfig {
  const endpoint = config.has('delivery.ecr.endpoint')
    ? readBaseUrl(config.getConfig('delivery.ecr'), 'endpoint', 'delivery.ecr')
    : undefined;
  return {
    ...(endpoint ? { endpoint } : {}),
    timeoutMs: readTimeoutMs(config, 'ecr'),
  };
}

function readInstanceName(c: Config, key: string): string {
  const name = c.getString('name');
  if (!INSTANCE_NAME.test(name)) {
    throw new InputError(
      `Invalid config at '${key}.name': an instance name is 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return name;
}

/**
 * An http(s) URL without credentials, query or fragment. The value is never
 * echoed: it could carry credentials.
 */
function readBaseUrl(c: Config, field: string, key: string): string {
  const value = c.getString(field);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      `Invalid config at '${key}.${field}': not an absolute URL; use the form https://host[:port][/path]`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(
      `Invalid config at '${key}.${field}': only http and https URLs are supported`,
    );
  }
  if (url.username || url.password) {
    throw new InputError(
      `Invalid config at '${key}.${field}': the URL must not contain credentials; use the instance's credential keys`,
    );
  }
  if (url.search || url.hash) {
    throw new InputError(
      `Invalid config at '${key}.${field}': the URL must not contain a query or fragment`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

function checkUnique<T extends { name: string }>(
  instances: T[],
  tool: string,
): T[] {
  const seen = new Set<string>();
  for (const instance of instances) {
    if (seen.has(instance.name)) {
      throw new InputError(
        `Invalid config at '${tool}': the instance name '${
          instance.name
        }' is used twice${
          instance.name === DEFAULT_INSTANCE
            ? ` (${tool}.baseUrl defines the instance 'default')`
            : ''
        }`,
      );
    }
    seen.add(instance.name);
  }
  return instances;
}

function instanceKey(tool: string, index: number, toolConfig: Config): string {
  const hasShorthand = toolConfig.has('baseUrl');
  if (hasShorthand && index === 0) {
    return tool;
  }
  return `${tool}.instances[${hasShorthand ? index - 1 : index}]`;
}

function splitKey(key: string): [string, string] {
  const dot = key.lastIndexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
}
