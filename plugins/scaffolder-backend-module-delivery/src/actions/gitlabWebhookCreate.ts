import { ConflictError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GitLabHooksClient } from '../lib/GitLabHooksClient';
import { readGitLabRepo } from '../lib/gitlabRepo';
import { checkHttpUrl, optional, readChoices } from '../lib/validation';
import { examples } from './gitlabWebhookCreate.examples';

/** The hook events GitLab knows, as the API's `<event>_events` fields. */
const EVENTS = [
  'push',
  'tag_push',
  'merge_requests',
  'note',
  'issues',
  'confidential_issues',
  'confidential_note',
  'job',
  'pipeline',
  'wiki_page',
  'deployment',
  'releases',
] as const;
type GitLabHookEvent = (typeof EVENTS)[number];
const DEFAULT_EVENTS: GitLabHookEvent[] = ['push', 'merge_requests'];
/** The task secret used when the step gives no secretToken. */
export const SECRET_TOKEN_SECRET = 'gitlabWebhookSecretToken';
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Creates the `gitlab:webhook:create` action: a project hook (push and merge
 * request events by default) with a secret token, e.g. to trigger Jenkins.
 * `@backstage/plugin-scaffolder-backend-module-gitlab` has no hook action, so
 * this one fills the gap.
 *
 * @public
 */
export function createGitLabWebhookCreateAction(options: {
  integrations: ScmIntegrationRegistry;
  /** Per-call timeout; 10 seconds by default. */
  timeoutMs?: number;
}) {
  const { integrations } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return createTemplateAction({
    id: 'gitlab:webhook:create',
    description:
      'Adds a webhook to a GitLab project (push and merge request events by default) with a secret token; reuses an existing hook with the same URL and events.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoUrl: z =>
          z.string({
            description:
              'The GitLab repository, as `publish:gitlab` takes it: `gitlab.example.com?owner=group&repo=project`.',
          }),
        hookUrl: z =>
          z.string({
            description:
              'The URL GitLab calls, e.g. the `webhookUrl` output of `jenkins:job:create`.',
          }),
        events: z =>
          z
            .array(z.enum(EVENTS), {
              description: `The events that trigger the hook. Default \`${JSON.stringify(
                DEFAULT_EVENTS,
              )}\`.`,
            })
            .optional(),
        secretToken: z =>
          z
            .string({
              description: `The secret GitLab sends in \`X-Gitlab-Token\`; pass it from the task secrets. When empty, the task secret \`${SECRET_TOKEN_SECRET}\` is used if set. Never logged.`,
            })
            .optional(),
        enableSslVerification: z =>
          z
            .boolean({
              description:
                "Verify the hook URL's TLS certificate. Default `true`.",
            })
            .optional(),
        token: z =>
          z
            .string({
              description:
                "A GitLab token to use instead of the integration's (e.g. the user's, from a RepoUrlPicker with requestUserCredentials).",
            })
            .optional(),
      },
      output: {
        hookId: z =>
          z.number({
            description: 'The id of the hook in GitLab (0 in a dry run).',
          }),
        hooksUrl: z =>
          z.string({
            description: "The project's webhook settings page.",
          }),
      },
    },
    async handler(ctx) {
      const { host, projectPath, config } = readGitLabRepo(
        ctx.input.repoUrl,
        integrations,
      );
      const hookUrl = checkHttpUrl(
        'hookUrl',
        optional(ctx.input.hookUrl) ?? '',
      ).href;
      const events = readChoices('events', ctx.input.events, {
        known: EVENTS,
        defaults: DEFAULT_EVENTS,
        noun: 'event',
      });
      const enableSslVerification = ctx.input.enableSslVerification ?? true;
      const secretToken =
        optional(ctx.input.secretToken) ??
        optional(ctx.secrets?.[SECRET_TOKEN_SECRET]);
      const client = new GitLabHooksClient({
        config,
        token: optional(ctx.input.token),
        timeoutMs,
      });
      const hooksUrl = `${client.projectUrl(projectPath)}/-/hooks`;
      const label = `webhook to ${hookUrl} on the GitLab project "${projectPath}"`;

      if (ctx.isDryRun) {
        ctx.output('hookId', 0);
        ctx.output('hooksUrl', hooksUrl);
        ctx.logger.info(
          `Dry run: would create or reuse the ${label} (events: ${events.join(
            ', ',
          )}): ${hooksUrl}; nothing was sent to GitLab`,
        );
        return;
      }

      const wanted = Object.fromEntries(
        EVENTS.map(event => [`${event}_events`, events.includes(event)]),
      );
      const outcome = await ctx.checkpoint({
        key: `gitlab.webhook.${host}.${projectPath}.${hookUrl}`,
        fn: async () => {
          const hooks = await client.listHooks(projectPath);
          const existing = hooks.find(hook => sameUrl(hook.url, hookUrl));
          if (existing) {
            const differences = [
              ...EVENTS.filter(
                event =>
                  Boolean(existing[`${event}_events`]) !==
                  events.includes(event),
              ).map(
                event =>
                  `${event} events are ${
                    existing[`${event}_events`] ? 'on' : 'off'
                  }`,
              ),
              ...(Boolean(existing.enable_ssl_verification) !==
              enableSslVerification
                ? [
                    `SSL verification is ${
                      existing.enable_ssl_verification ? 'on' : 'off'
                    }`,
                  ]
                : []),
            ];
            if (differences.length) {
              throw new ConflictError(
                `The project "${projectPath}" already has a webhook to ${hookUrl} with other settings: ${differences.join(
                  '; ',
                )}. Change events or enableSslVerification to match, or edit the hook at ${hooksUrl}`,
              );
            }
            return { id: existing.id, created: false };
          }
          const hook = await client.createHook(projectPath, {
            url: hookUrl,
            token: secretToken,
            enable_ssl_verification: enableSslVerification,
            events: wanted,
          });
          return { id: Number(hook.id), created: true };
        },
      });

      ctx.logger.info(
        outcome.created
          ? `Created the ${label} (events: ${events.join(', ')}${
              secretToken ? ', with a secret token' : ''
            }): ${hooksUrl}`
          : `Reusing the existing ${label} (same events; its secret token is not readable and was left as it is): ${hooksUrl}`,
      );
      if (!secretToken) {
        ctx.logger.warn(
          `The webhook has no secret token; set secretToken or the task secret ${SECRET_TOKEN_SECRET} so Jenkins can verify GitLab's calls`,
        );
      }
      ctx.output('hookId', outcome.id);
      ctx.output('hooksUrl', hooksUrl);
    },
  });
}

function sameUrl(a: string, b: string): boolean {
  const strip = (u: string) => u.trim().replace(/\/+$/, '');
  return strip(a) === strip(b);
}
