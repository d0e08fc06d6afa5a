import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ArgoCdApplication,
  ArgoCdApplicationManifest,
  ArgoCdClient,
  InstanceClients,
} from '@slipway/plugin-delivery-node';
import {
  checkDnsLabel,
  checkHttpUrl,
  checkInstance,
  optional,
} from '../lib/validation';
import { examples } from './argocdApplicationCreate.examples';

const IN_CLUSTER = 'https://kubernetes.default.svc';
const CREATE_NAMESPACE = 'CreateNamespace=true';
const BACKSTAGE_NAME_LABEL = 'backstage-name';

/**
 * Creates the `argocd:application:create` action: an Argo CD Application
 * with a Helm source, created or updated in place (upsert).
 *
 * @public
 */
export function createArgoCdApplicationCreateAction(options: {
  argocd: InstanceClients<ArgoCdClient>;
}) {
  const { argocd } = options;

  return createTemplateAction({
    id: 'argocd:application:create',
    description:
      'Creates an Argo CD Application for a Helm chart in Git (value files, destination, automated sync with prune and self-heal, CreateNamespace), or updates the existing one to match (upsert).',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        instance: z =>
          z
            .string({
              description:
                'The Argo CD instance, by its name in `argocd.appLocatorMethods[].instances`; the first one when empty.',
            })
            .optional(),
        appName: z =>
          z.string({
            description:
              'The Application name (a DNS-1123 label), e.g. `payments-api-dev`.',
          }),
        project: z =>
          z
            .string({
              description: 'The Argo CD project. Default `default`.',
            })
            .optional(),
        repoUrl: z =>
          z.string({
            description:
              'The Git URL Argo CD clones, e.g. `https://gitlab.example.com/payments/payments-api.git`.',
          }),
        targetRevision: z =>
          z
            .string({
              description:
                'The branch, tag or commit to deploy. Default `HEAD`.',
            })
            .optional(),
        path: z =>
          z.string({
            description:
              'The Helm chart folder in the repository, e.g. `chart`.',
          }),
        valueFiles: z =>
          z
            .array(z.string(), {
              description:
                'Helm value files relative to the chart folder, e.g. `["values-dev.yaml"]`.',
            })
            .optional(),
        destinationServer: z =>
          z
            .string({
              description: `The destination cluster's API URL. Give this or destinationName; \`${IN_CLUSTER}\` when neither is given.`,
            })
            .optional(),
        destinationName: z =>
          z
            .string({
              description:
                'The destination cluster by its name in Argo CD, e.g. `in-cluster`. Give this or destinationServer.',
            })
            .optional(),
        namespace: z =>
          z.string({
            description:
              'The Kubernetes namespace to deploy to (a DNS-1123 label).',
          }),
        automated: z =>
          z
            .boolean({
              description:
                'Sync automatically when Git changes. Default `true`.',
            })
            .optional(),
        prune: z =>
          z
            .boolean({
              description:
                'With automated sync, delete resources removed from Git. Default `true`.',
            })
            .optional(),
        selfHeal: z =>
          z
            .boolean({
              description:
                'With automated sync, revert changes made in the cluster. Default `true`.',
            })
            .optional(),
        createNamespace: z =>
          z
            .boolean({
              description:
                'Add the `CreateNamespace=true` sync option. Default `true`.',
            })
            .optional(),
        labels: z =>
          z
            .record(z.string(), {
              description: `Labels of the Application. \`${BACKSTAGE_NAME_LABEL}\` is always set (to appName unless given), so the \`argocd/app-selector\` annotation finds it.`,
            })
            .optional(),
        appNamespace: z =>
          z
            .string({
              description:
                'The namespace the Application object lives in, for Argo CD "apps in any namespace"; Argo CD\'s own namespace when empty.',
            })
            .optional(),
      },
      output: {
        applicationUrl: z =>
          z.string({
            description: "The Application's page in the Argo CD UI.",
          }),
      },
    },
    async handler(ctx) {
      const instance = checkInstance('instance', ctx.input.instance, {
        tool: 'Argo CD',
        configured: argocd.names(),
        hasDefault: argocd.has(),
        configKey: 'argocd.appLocatorMethods[].instances',
      });
      const manifest = readManifest(ctx.input);
      const client = argocd.get(instance);
      const { name, namespace: appNamespace } = manifest.metadata;
      const applicationUrl = client.applicationUrl(name, { appNamespace });
      const label = `Argo CD application "${name}" on instance "${client.instanceName}"`;

      if (ctx.isDryRun) {
        ctx.output('applicationUrl', applicationUrl);
        ctx.logger.info(
          `Dry run: would create or update the ${label}: ${applicationUrl}; nothing was sent to Argo CD`,
        );
        return;
      }

      const outcome = await ctx.checkpoint({
        key: `argocd.application.${client.instanceName}.${
          appNamespace ?? ''
        }.${name}`,
        fn: async () => {
          const existing = await client.findApplication(name, {
            appNamespace,
          });
          if (existing && matches(existing, manifest)) {
            return 'reused';
          }
          await client.createApplication(manifest, { upsert: true });
          return existing ? 'updated' : 'created';
        },
      });

      ctx.logger.info(
        {
          created: `Created the ${label}: ${applicationUrl}`,
          updated: `Updated the existing ${label} to the requested spec (upsert): ${applicationUrl}`,
          reused: `Reusing the existing ${label} (same spec): ${applicationUrl}`,
        }[outcome],
      );
      ctx.output('applicationUrl', applicationUrl);
    },
  });
}

type ArgoCdInput = {
  appName: string;
  project?: string;
  repoUrl: string;
  targetRevision?: string;
  path: string;
  valueFiles?: string[];
  destinationServer?: string;
  destinationName?: string;
  namespace: string;
  automated?: boolean;
  prune?: boolean;
  selfHeal?: boolean;
  createNamespace?: boolean;
  labels?: Record<string, string>;
  appNamespace?: string;
};

function readManifest(input: ArgoCdInput): ArgoCdApplicationManifest {
  const name = checkDnsLabel('appName', input.appName ?? '');
  const project = checkDnsLabel(
    'project',
    optional(input.project) ?? 'default',
  );
  const namespace = checkDnsLabel('namespace', input.namespace ?? '');
  const appNamespaceInput = optional(input.appNamespace);
  const appNamespace = appNamespaceInput
    ? checkDnsLabel('appNamespace', appNamespaceInput)
    : undefined;
  const repoURL = checkRepoUrl(input.repoUrl ?? '');
  const targetRevision = optional(input.targetRevision) ?? 'HEAD';
  if (!/^[A-Za-z0-9._/@^~-]{1,255}$/.test(targetRevision)) {
    throw new InputError(
      `Invalid input "targetRevision": use a branch, tag or commit of letters, digits, '.', '_', '/' and '-'`,
    );
  }
  const path = checkRelativePath('path', optional(input.path) ?? '');
  const valueFiles = (input.valueFiles ?? []).map((file, i) =>
    checkRelativePath(`valueFiles[${i}]`, String(file).trim()),
  );

  const server = optional(input.destinationServer);
  const destinationName = optional(input.destinationName);
  if (server && destinationName) {
    throw new InputError(
      `Invalid input "destinationServer": give destinationServer or destinationName, not both`,
    );
  }
  if (server) {
    checkHttpUrl('destinationServer', server);
  }
  if (
    destinationName &&
    !/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(destinationName)
  ) {
    throw new InputError(
      `Invalid input "destinationName": use the cluster's name in Argo CD (letters, digits, '.', '_' and '-')`,
    );
  }

  const labels = checkLabels({
    ...input.labels,
    [BACKSTAGE_NAME_LABEL]: input.labels?.[BACKSTAGE_NAME_LABEL] || name,
  });

  const automated = input.automated ?? true;
  return {
    metadata: {
      name,
      ...(appNamespace ? { namespace: appNamespace } : {}),
      labels,
    },
    spec: {
      project,
      source: {
        repoURL,
        targetRevision,
        path,
        ...(valueFiles.length ? { helm: { valueFiles } } : {}),
      },
      destination: {
        ...(destinationName
          ? { name: destinationName }
          : { server: server ?? IN_CLUSTER }),
        namespace,
      },
      syncPolicy: {
        ...(automated
          ? {
              automated: {
                prune: input.prune ?? true,
                selfHeal: input.selfHeal ?? true,
              },
            }
          : {}),
        ...(input.createNamespace ?? true
          ? { syncOptions: [CREATE_NAMESPACE] }
          : {}),
      },
    },
  };
}

/** Whether an existing Application already has everything this step asks for. */
function matches(
  existing: ArgoCdApplication,
  manifest: ArgoCdApplicationManifest,
): boolean {
  const want = manifest.spec;
  const have = existing.spec;
  const wantSource = want.source!;
  const haveSource = have.source;
  const same = (a: unknown, b: unknown) =>
    JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const wantAutomated = want.syncPolicy?.automated;
  const haveAutomated = have.syncPolicy?.automated;
  return (
    have.project === want.project &&
    !have.sources &&
    haveSource?.repoURL === wantSource.repoURL &&
    (haveSource?.targetRevision ?? 'HEAD') === wantSource.targetRevision &&
    haveSource?.path === wantSource.path &&
    !haveSource?.chart &&
    same(
      haveSource?.helm?.valueFiles ?? [],
      wantSource.helm?.valueFiles ?? [],
    ) &&
    (have.destination.server ?? undefined) === want.destination.server &&
    (have.destination.name ?? undefined) === want.destination.name &&
    have.destination.namespace === want.destination.namespace &&
    Boolean(haveAutomated) === Boolean(wantAutomated) &&
    Boolean(haveAutomated?.prune) === Boolean(wantAutomated?.prune) &&
    Boolean(haveAutomated?.selfHeal) === Boolean(wantAutomated?.selfHeal) &&
    (have.syncPolicy?.syncOptions ?? []).includes(CREATE_NAMESPACE) ===
      (want.syncPolicy?.syncOptions ?? []).includes(CREATE_NAMESPACE) &&
    Object.entries(manifest.metadata.labels ?? {}).every(
      ([key, value]) => existing.labels[key] === value,
    )
  );
}

function checkRepoUrl(value: string): string {
  const trimmed = value.trim();
  if (/^(ssh:\/\/|git@)[^\s]+$/.test(trimmed)) {
    return trimmed;
  }
  if (!trimmed) {
    throw new InputError(
      `Invalid input "repoUrl": give the Git URL Argo CD clones, e.g. https://gitlab.example.com/group/project.git`,
    );
  }
  checkHttpUrl('repoUrl', trimmed);
  return trimmed;
}

function checkRelativePath(field: string, value: string): string {
  if (
    !value ||
    value.startsWith('/') ||
    value.split('/').some(segment => segment === '..') ||
    !/^[A-Za-z0-9._/-]+$/.test(value)
  ) {
    throw new InputError(
      `Invalid input "${field}": use a path inside the repository such as "chart" or "values-dev.yaml" (letters, digits, '.', '_', '-', '/'; no leading '/', no '..')`,
    );
  }
  return value;
}

// Kubernetes label rules: an optional DNS subdomain prefix and a name of at
// most 63 characters; values of at most 63 characters, alphanumeric at the ends.
function checkLabels(labels: Record<string, string>): Record<string, string> {
  const name = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
  const prefix =
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  const result: Record<string, string> = {};
  for (const [key, raw] of Object.entries(labels)) {
    const value = raw === undefined || raw === null ? '' : String(raw);
    const slash = key.lastIndexOf('/');
    const keyName = slash >= 0 ? key.slice(slash + 1) : key;
    const keyPrefix = slash >= 0 ? key.slice(0, slash) : undefined;
    if (
      !name.test(keyName) ||
      (keyPrefix !== undefined &&
        (keyPrefix.length > 253 || !prefix.test(keyPrefix)))
    ) {
      throw new InputError(
        `Invalid input "labels": "${key.slice(
          0,
          80,
        )}" is not a valid Kubernetes label key; use an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.'`,
      );
    }
    if (value !== '' && !name.test(value)) {
      throw new InputError(
        `Invalid input "labels": the value of "${key}" is not a valid Kubernetes label value; use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
      );
    }
    result[key] = value;
  }
  return result;
}
