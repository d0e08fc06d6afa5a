import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  InstanceClients,
  isUpstreamError,
  JenkinsClient,
  SonarQubeClient,
} from '@slipway/plugin-delivery-node';
import { checkHttpUrl, checkInstance, optional } from '../lib/validation';
import { examples } from './sonarqubeProjectCreate.examples';

const WEBHOOK_NAME = 'Jenkins';

/**
 * Creates the `sonarqube:project:create` action: a SonarQube project, its
 * quality gate and the webhook that tells Jenkins the gate's result.
 *
 * @public
 */
export function createSonarQubeProjectCreateAction(options: {
  sonarqube: InstanceClients<SonarQubeClient>;
  /** To derive the webhook URL when the step gives none. */
  jenkins?: InstanceClients<JenkinsClient>;
}) {
  const { sonarqube, jenkins } = options;

  return createTemplateAction({
    id: 'sonarqube:project:create',
    description:
      'Creates a SonarQube project, assigns its quality gate and adds the webhook that reports the gate to Jenkins (for waitForQualityGate); reuses an existing project with the same name.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        instance: z =>
          z
            .string({
              description:
                'The SonarQube instance, by its name in `sonarqube.instances`; the default instance when empty.',
            })
            .optional(),
        projectKey: z =>
          z.string({
            description:
              "The project key: letters, digits, '-', '_', '.' and ':', with at least one non-digit; e.g. `payments-api`.",
          }),
        name: z => z.string({ description: 'The project display name.' }),
        qualityGate: z =>
          z
            .string({
              description:
                "The quality gate's name, e.g. `Sonar way`; the instance's default gate when empty.",
            })
            .optional(),
        jenkinsWebhookUrl: z =>
          z
            .string({
              description:
                'The Jenkins SonarQube webhook, e.g. `https://jenkins.example.com/sonarqube-webhook/`. When empty, the `sonarqube-webhook/` endpoint of `jenkinsInstance` (or the default Jenkins instance) if one is configured; else no webhook.',
            })
            .optional(),
        jenkinsInstance: z =>
          z
            .string({
              description:
                'The Jenkins instance whose URL the webhook uses when jenkinsWebhookUrl is empty.',
            })
            .optional(),
        webhookSecret: z =>
          z
            .string({
              description:
                "The webhook's secret, as configured in Jenkins' SonarQube server settings; pass it from the task secrets (`${{ secrets.sonarqubeWebhookSecret }}`). Never logged.",
            })
            .optional(),
        visibility: z =>
          z
            .enum(['private', 'public'], {
              description: 'Project visibility. Default `private`.',
            })
            .optional(),
        mainBranch: z =>
          z
            .string({ description: 'The main branch. Default `main`.' })
            .optional(),
      },
      output: {
        projectKey: z =>
          z.string({
            description:
              'The project key (the `sonarqube.org/project-key` annotation).',
          }),
        dashboardUrl: z =>
          z.string({ description: "The project's dashboard in SonarQube." }),
      },
    },
    async handler(ctx) {
      const instance = checkInstance('instance', ctx.input.instance, {
        tool: 'SonarQube',
        configured: sonarqube.names(),
        hasDefault: sonarqube.has(),
        configKey: 'sonarqube.instances (or sonarqube.baseUrl)',
      });
      const projectKey = checkProjectKey(ctx.input.projectKey ?? '');
      const name = optional(ctx.input.name);
      if (!name || name.length > 500) {
        throw new InputError(
          `Invalid input "name": give the project name, 1 to 500 characters`,
        );
      }
      const qualityGate = optional(ctx.input.qualityGate);
      if (qualityGate && qualityGate.length > 100) {
        throw new InputError(
          `Invalid input "qualityGate": a quality gate name has at most 100 characters`,
        );
      }
      const visibility = ctx.input.visibility ?? 'private';
      if (visibility !== 'private' && visibility !== 'public') {
        throw new InputError(
          `Invalid input "visibility": use private or public`,
        );
      }
      const mainBranch = optional(ctx.input.mainBranch) ?? 'main';
      if (!/^[A-Za-z0-9._/-]{1,255}$/.test(mainBranch)) {
        throw new InputError(
          `Invalid input "mainBranch": use a Git branch name (letters, digits, '.', '_', '-', '/')`,
        );
      }
      const webhookUrl = readWebhookUrl(ctx.input, jenkins);
      const webhookSecret = optional(ctx.input.webhookSecret);
      const client = sonarqube.get(instance);
      const dashboardUrl = client.dashboardUrl(projectKey);
      const label = `SonarQube project "${projectKey}" on instance "${client.instanceName}"`;

      if (ctx.isDryRun) {
        ctx.output('projectKey', projectKey);
        ctx.output('dashboardUrl', dashboardUrl);
        ctx.logger.info(
          `Dry run: would create or reuse the ${label}${
            qualityGate ? ` with the quality gate "${qualityGate}"` : ''
          }${
            webhookUrl ? ` and a webhook to ${webhookUrl}` : ''
          }: ${dashboardUrl}; nothing was sent to SonarQube`,
        );
        return;
      }

      const keyBase = `sonarqube.project.${client.instanceName}.${projectKey}`;
      const created = await ctx.checkpoint({
        key: `${keyBase}.create`,
        fn: async () => {
          const existing = await client.findProject(projectKey);
          if (!existing) {
            try {
              await client.createProject({
                projectKey,
                name,
                visibility,
                mainBranch,
              });
              return true;
            } catch (error) {
              if (
                !(
                  isUpstreamError(error, 'rejected') &&
                  /already exists/i.test(error.message)
                )
              ) {
                throw error;
              }
            }
          }
          const project = existing ?? (await client.findProject(projectKey));
          if (project && project.name !== name) {
            throw new ConflictError(
              `The ${label} already exists with the name "${project.name}" (requested "${name}"); change the name input to match, or choose another projectKey`,
            );
          }
          return false;
        },
      });
      ctx.logger.info(
        created
          ? `Created the ${label}: ${dashboardUrl}`
          : `Reusing the existing ${label} (same name): ${dashboardUrl}`,
      );

      if (qualityGate) {
        await ctx.checkpoint({
          key: `${keyBase}.quality-gate`,
          fn: async () => {
            const current = await client.getProjectQualityGate(projectKey);
            if (current.name === qualityGate) {
              ctx.logger.info(
                `The project already uses the quality gate "${qualityGate}"`,
              );
              return;
            }
            // A project on the instance default has no gate of its own yet;
            // one explicitly on another gate was set by someone on purpose.
            if (!created && !current.isDefault) {
              throw new ConflictError(
                `The ${label} uses the quality gate "${current.name}" (requested "${qualityGate}"); change qualityGate to match, or change the gate in SonarQube`,
              );
            }
            await client.selectQualityGate(projectKey, qualityGate);
            ctx.logger.info(`Assigned the quality gate "${qualityGate}"`);
          },
        });
      }

      if (webhookUrl) {
        await ctx.checkpoint({
          key: `${keyBase}.webhook`,
          fn: async () => {
            const hooks = await client.listWebhooks(projectKey);
            const same = hooks.find(hook => sameUrl(hook.url, webhookUrl));
            if (same) {
              ctx.logger.info(
                `Reusing the existing webhook "${same.name}" to ${webhookUrl}${
                  webhookSecret && !same.hasSecret
                    ? ' (it has no secret; set one in SonarQube if Jenkins expects it)'
                    : ''
                }`,
              );
              return;
            }
            await client.createWebhook({
              projectKey,
              name: WEBHOOK_NAME,
              url: webhookUrl,
              ...(webhookSecret ? { secret: webhookSecret } : {}),
            });
            ctx.logger.info(
              `Added the webhook "${WEBHOOK_NAME}" to ${webhookUrl}${
                webhookSecret ? ' with a secret' : ''
              }`,
            );
          },
        });
      } else {
        ctx.logger.warn(
          'No Jenkins webhook: no jenkinsWebhookUrl was given and no Jenkins instance is configured; waitForQualityGate in Jenkins will wait until it times out',
        );
      }

      ctx.output('projectKey', projectKey);
      ctx.output('dashboardUrl', dashboardUrl);
    },
  });
}

function checkProjectKey(value: string): string {
  const key = value.trim();
  if (!/^[A-Za-z0-9_.:-]{1,400}$/.test(key) || /^\d+$/.test(key)) {
    throw new InputError(
      `Invalid input "projectKey": "${key.slice(
        0,
        80,
      )}" is not a SonarQube project key; use 1 to 400 letters, digits, '-', '_', '.' and ':', with at least one non-digit`,
    );
  }
  return key;
}

function readWebhookUrl(
  input: { jenkinsWebhookUrl?: string; jenkinsInstance?: string },
  jenkins?: InstanceClients<JenkinsClient>,
): string | undefined {
  const given = optional(input.jenkinsWebhookUrl);
  if (given) {
    return checkHttpUrl('jenkinsWebhookUrl', given).href;
  }
  const named = optional(input.jenkinsInstance);
  if (!jenkins || (!named && !jenkins.has())) {
    if (named) {
      throw new InputError(
        `Invalid input "jenkinsInstance": no Jenkins instance is configured; give jenkinsWebhookUrl instead`,
      );
    }
    return undefined;
  }
  const instance = checkInstance('jenkinsInstance', named, {
    tool: 'Jenkins',
    configured: jenkins.names(),
    hasDefault: jenkins.has(),
    configKey: 'jenkins.instances (or jenkins.baseUrl)',
  });
  const base = jenkins.get(instance).baseUrl;
  return `${base.endsWith('/') ? base : `${base}/`}sonarqube-webhook/`;
}

function sameUrl(a: string, b: string): boolean {
  const strip = (u: string) => u.trim().replace(/\/+$/, '');
  return strip(a) === strip(b);
}
