import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/**
 * What the delivery backend reads from `delivery.*` beyond the tool configs.
 */
export type DeliveryBackendConfig = {
  /** How long upstream answers are cached; 0 turns caching off. */
  cacheTtlMs: number;
  /**
   * How long a serialised summary is reused in this process: the upstream
   * TTL, at most 5 s, so the summary is never much older than its answers.
   */
  summaryTtlMs: number;
  /** The GitLab web URL for commit links, from `integrations.gitlab`. */
  gitlabBaseUrl?: string;
};

const DEFAULT_TTL_SECONDS = 30;
const MAX_SUMMARY_TTL_MS = 5000;

/** Reads `delivery.cache.ttlSeconds` and the GitLab integration's web URL. */
export function readDeliveryBackendConfig(
  config: Config,
): DeliveryBackendConfig {
  const key = 'delivery.cache.ttlSeconds';
  const ttlSeconds = config.getOptionalNumber(key) ?? DEFAULT_TTL_SECONDS;
  if (!Number.isFinite(ttlSeconds) || ttlSeconds < 0) {
    throw new InputError(
      `Invalid config at '${key}': use a number of seconds, 0 or more (0 turns caching off)`,
    );
  }
  const cacheTtlMs = Math.round(ttlSeconds * 1000);
  return {
    cacheTtlMs,
    summaryTtlMs: Math.min(cacheTtlMs, MAX_SUMMARY_TTL_MS),
    gitlabBaseUrl: readGitLabBaseUrl(config),
  };
}

/**
 * Every configured secret, so that no response, log line or error message can
 * carry one even if an upstream echoes it back.
 */
export function readConfiguredSecrets(config: Config): string[] {
  const secrets: string[] = [];
  const add = (c: Config | undefined, ...keys: string[]) => {
    for (const key of keys) {
      const value = c?.getOptionalString(key);
      if (value && value.length >= 4) {
        secrets.push(value);
      }
    }
  };
  const jenkins = config.getOptionalConfig('jenkins');
  add(jenkins, 'apiKey');
  jenkins?.getOptionalConfigArray('instances')?.forEach(c => add(c, 'apiKey'));
  const sonarqube = config.getOptionalConfig('sonarqube');
  add(sonarqube, 'apiKey');
  sonarqube
    ?.getOptionalConfigArray('instances')
    ?.forEach(c => add(c, 'apiKey'));
  const argocd = config.getOptionalConfig('argocd');
  add(argocd, 'password', 'token');
  argocd
    ?.getOptionalConfigArray('appLocatorMethods')
    ?.forEach(m =>
      m
        .getOptionalConfigArray('instances')
        ?.forEach(c => add(c, 'token', 'password')),
    );
  const aws = config.getOptionalConfig('aws');
  add(aws?.getOptionalConfig('mainAccount'), 'secretAccessKey');
  add(aws?.getOptionalConfig('accountDefaults'), 'secretAccessKey');
  aws
    ?.getOptionalConfigArray('accounts')
    ?.forEach(c => add(c, 'secretAccessKey'));
  config
    .getOptionalConfigArray('integrations.gitlab')
    ?.forEach(c => add(c, 'token'));
  // Longest first, so a secret that contains another is removed whole.
  return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}

/** A function that replaces every configured secret in a text with `***`. */
export function createRedactor(secrets: string[]): (text: string) => string {
  return text => {
    let result = text;
    for (const secret of secrets) {
      if (result.includes(secret)) {
        result = result.split(secret).join('***');
      }
    }
    return result;
  };
}

function readGitLabBaseUrl(config: Config): string | undefined {
  const integrations = config.getOptionalConfigArray('integrations.gitlab');
  const first = integrations?.[0];
  if (!first) {
    return undefined;
  }
  const baseUrl = first.getOptionalString('baseUrl');
  const host = first.getOptionalString('host');
  const url = baseUrl ?? (host ? `https://${host}` : undefined);
  if (!url || !/^https?:\/\//.test(url)) {
    return undefined;
  }
  return url.replace(/\/+$/, '');
}
