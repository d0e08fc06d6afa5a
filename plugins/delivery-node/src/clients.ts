import { Config } from '@backstage/config';
import { AwsCredentialsManager } from '@backstage/integration-aws-node';
import { ArgoCdClient } from './argocd/ArgoCdClient';
import {
  readArgoCdInstances,
  readJenkinsInstances,
  readSonarQubeInstances,
} from './config/readers';
import { EcrClient } from './ecr/EcrClient';
import { InstanceNotConfiguredError, UpstreamTool } from './errors';
import { JenkinsClient } from './jenkins/JenkinsClient';
import { SonarQubeClient } from './sonarqube/SonarQubeClient';

/**
 * The clients of one tool, one per configured instance.
 *
 * @public
 */
export class InstanceClients<TClient> {
  /**
   * @param tool - the tool, for error messages
   * @param clients - the clients by instance name, in config order
   * @param defaultName - the instance used when none is named
   * @param configKey - where instances are configured, for error messages
   */
  constructor(
    private readonly tool: UpstreamTool,
    private readonly clients: Map<string, TClient>,
    private readonly defaultName: string | undefined,
    private readonly configKey: string,
  ) {}

  /** The configured instance names, in config order. */
  names(): string[] {
    return [...this.clients.keys()];
  }

  /** Whether an instance (or, without a name, a default instance) is configured. */
  has(instance?: string): boolean {
    const name = instance ?? this.defaultName;
    return name !== undefined && this.clients.has(name);
  }

  /**
   * The client of a named instance, or of the default instance.
   *
   * @throws InstanceNotConfiguredError when there is no such instance
   */
  get(instance?: string): TClient {
    const name = instance ?? this.defaultName;
    const client = name === undefined ? undefined : this.clients.get(name);
    if (!client) {
      throw new InstanceNotConfiguredError({
        tool: this.tool,
        instance,
        configured: this.names(),
        configKey: this.configKey,
      });
    }
    return client;
  }
}

/**
 * Options shared by the client factories.
 *
 * @public
 */
export type DeliveryClientFactoryOptions = {
  /** For tests and proxies; the global fetch by default. */
  fetch?: typeof fetch;
};

/**
 * Jenkins clients for every configured instance. The default instance is the
 * one named `default` (the `jenkins.baseUrl` shorthand), else the only one.
 *
 * @public
 */
export function createJenkinsClients(
  config: Config,
  options: DeliveryClientFactoryOptions = {},
): InstanceClients<JenkinsClient> {
  const instances = readJenkinsInstances(config);
  return new InstanceClients(
    'jenkins',
    new Map(
      instances.map(i => [
        i.name,
        new JenkinsClient({ instance: i, fetch: options.fetch }),
      ]),
    ),
    defaultOf(instances),
    'jenkins.instances (or jenkins.baseUrl)',
  );
}

/**
 * SonarQube clients for every configured instance. The default instance is
 * the one named `default` (the `sonarqube.baseUrl` shorthand), else the only one.
 *
 * @public
 */
export function createSonarQubeClients(
  config: Config,
  options: DeliveryClientFactoryOptions = {},
): InstanceClients<SonarQubeClient> {
  const instances = readSonarQubeInstances(config);
  return new InstanceClients(
    'sonarqube',
    new Map(
      instances.map(i => [
        i.name,
        new SonarQubeClient({ instance: i, fetch: options.fetch }),
      ]),
    ),
    defaultOf(instances),
    'sonarqube.instances (or sonarqube.baseUrl)',
  );
}

/**
 * Argo CD clients for every configured instance. Like the Roadie plugin, the
 * default instance is the first one.
 *
 * @public
 */
export function createArgoCdClients(
  config: Config,
  options: DeliveryClientFactoryOptions = {},
): InstanceClients<ArgoCdClient> {
  const instances = readArgoCdInstances(config);
  return new InstanceClients(
    'argocd',
    new Map(
      instances.map(i => [
        i.name,
        new ArgoCdClient({ instance: i, fetch: options.fetch }),
      ]),
    ),
    instances[0]?.name,
    'argocd.appLocatorMethods[].instances',
  );
}

/**
 * Every delivery client, read from config once.
 *
 * @public
 */
export type DeliveryClients = {
  jenkins: InstanceClients<JenkinsClient>;
  sonarqube: InstanceClients<SonarQubeClient>;
  argocd: InstanceClients<ArgoCdClient>;
  ecr: EcrClient;
};

/**
 * Reads the config of every tool and creates its clients.
 *
 * @public
 */
export function createDeliveryClients(
  config: Config,
  options: DeliveryClientFactoryOptions & {
    credentialsManager?: AwsCredentialsManager;
  } = {},
): DeliveryClients {
  return {
    jenkins: createJenkinsClients(config, options),
    sonarqube: createSonarQubeClients(config, options),
    argocd: createArgoCdClients(config, options),
    ecr: EcrClient.fromConfig(config, {
      credentialsManager: options.credentialsManager,
    }),
  };
}

function defaultOf(instances: Array<{ name: string }>): string | undefined {
  if (instances.some(i => i.name === 'default')) {
    return 'default';
  }
  return instances.length === 1 ? instances[0].name : undefined;
}
