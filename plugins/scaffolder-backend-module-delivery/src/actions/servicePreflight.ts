import { ConflictError, InputError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { GitLabProjectsClient } from '../lib/GitLabProjectsClient';
import { readGitLabRepo } from '../lib/gitlabRepo';
import { optional, readChoices } from '../lib/validation';
import { examples } from './servicePreflight.examples';

const CHECKS = ['catalog', 'gitlab'] as const;
const DEFAULT_TIMEOUT_MS = 10_000;
// The catalog's rules for metadata.name and metadata.namespace
// (@backstage/catalog-model's default validators).
const ENTITY_NAME = /^[a-z0-9A-Z]+([-_.][a-z0-9A-Z]+)*$/;
const NAMESPACE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const KIND = /^[a-zA-Z][a-z0-9A-Z]*$/;

/**
 * Creates the `slipway:service:preflight` action: before a template creates
 * anything, checks that the new service's name is free, in the catalog (no
 * `component:<namespace>/<name>`, looked up with the credentials of the user
 * who started the task) and in GitLab (no project at the `repoUrl` path, looked
 * up with the integration's token). A taken name fails the task with one
 * message that names what exists and what to do instead, so a second run of
 * the template stops before its first side effect rather than at GitLab's
 * "has already been taken".
 *
 * It only reads, so it runs in a dry run too. A retried task does not run it
 * again: with scaffolder task recovery the completed step is skipped, and its
 * check is a checkpoint, so a retry after a later failure does not trip over
 * the project the first attempt created.
 *
 * @public
 */
export function createServicePreflightAction(options: {
  integrations: ScmIntegrationRegistry;
  catalog: CatalogService;
  /** Per-call timeout of the GitLab lookup; 10 seconds by default. */
  timeoutMs?: number;
}) {
  const { integrations, catalog } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return createTemplateAction({
    id: 'slipway:service:preflight',
    description:
      'Checks, before anything is created, that a new service’s name is free: no catalog entity and no GitLab project with that name. Fails with a message that says what exists and what to do instead.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string({
            description:
              'The name of the new service: the `metadata.name` its catalog entity will have.',
          }),
        namespace: z =>
          z
            .string({
              description:
                'The catalog namespace of the entity. Default `default`.',
            })
            .optional(),
        kind: z =>
          z
            .string({
              description: 'The kind of the entity. Default `component`.',
            })
            .optional(),
        repoUrl: z =>
          z
            .string({
              description:
                'The GitLab repository the template will publish, as `publish:gitlab` takes it: `gitlab.example.com?owner=group&repo=project`. Needed for the `gitlab` check.',
            })
            .optional(),
        checks: z =>
          z
            .array(z.enum(CHECKS), {
              description: `The checks to run. Default \`${JSON.stringify(
                CHECKS,
              )}\`; leave one out to skip it.`,
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
        entityRef: z =>
          z.string({
            description:
              'The entity reference that was checked, e.g. `component:default/payments-api`.',
          }),
        projectPath: z =>
          z.string({
            description:
              'The GitLab project path that was checked, e.g. `payments/payments-api` (empty when the gitlab check is skipped).',
          }),
      },
    },
    async handler(ctx) {
      const checks = readChoices('checks', ctx.input.checks, {
        known: CHECKS,
        defaults: CHECKS,
        noun: 'check',
        emptyHint: ', or leave it out to run both',
      });
      const name = readName(ctx.input.name);
      const namespace = readPattern(
        'namespace',
        optional(ctx.input.namespace)?.toLocaleLowerCase('en-US') ?? 'default',
        NAMESPACE,
        'use lowercase letters, digits and single hyphens (at most 63), e.g. default',
      );
      const kind = readPattern(
        'kind',
        optional(ctx.input.kind)?.toLocaleLowerCase('en-US') ?? 'component',
        KIND,
        'use an entity kind such as component',
      );
      const entityRef = `${kind}:${namespace}/${name}`;
      const repo = checks.includes('gitlab')
        ? readGitLabRepo(ctx.input.repoUrl ?? '', integrations)
        : undefined;
      const client = repo
        ? new GitLabProjectsClient({
            config: repo.config,
            token: optional(ctx.input.token),
            timeoutMs,
          })
        : undefined;

      // Read-only, so it runs in a dry run as well. The checkpoint keeps a
      // retried task (recovery off, or the step not recorded as completed)
      // from failing on what its own first attempt created.
      const check = async () => {
        const [entity, project] = await Promise.all([
          checks.includes('catalog')
            ? catalog.getEntityByRef(entityRef, {
                credentials: await ctx.getInitiatorCredentials(),
              })
            : undefined,
          repo && client ? client.findProject(repo.projectPath) : undefined,
        ]);
        const taken = [
          ...(entity
            ? [
                `${entityRef} in the catalog${
                  typeof entity.spec?.owner === 'string'
                    ? ` (owner ${entity.spec.owner})`
                    : ''
                }`,
              ]
            : []),
          ...(project
            ? [
                `the GitLab project ${project.path_with_namespace} (${project.web_url})`,
              ]
            : []),
        ];
        if (taken.length) {
          throw new ConflictError(
            `A service named \`${name}\` already exists: ${taken.join(
              ' and ',
            )}. Choose another name, or put the existing service on the road with the "Put an existing service on the road" template.`,
          );
        }
        return { entityRef };
      };
      if (ctx.isDryRun) {
        await check();
      } else {
        await ctx.checkpoint({
          key: `slipway.preflight.${entityRef}.${repo?.host ?? ''}.${
            repo?.projectPath ?? ''
          }`,
          fn: check,
        });
      }

      ctx.logger.info(
        `The name "${name}" is free: ${[
          checks.includes('catalog') ? `no ${entityRef} in the catalog` : '',
          repo ? `no GitLab project ${repo.projectPath} on ${repo.host}` : '',
        ]
          .filter(Boolean)
          .join(', ')}${
          ctx.isDryRun ? ' (dry run: checked, nothing created)' : ''
        }`,
      );
      ctx.output('entityRef', entityRef);
      ctx.output('projectPath', repo?.projectPath ?? '');
    },
  });
}

function readName(value: string | undefined): string {
  const name = optional(value);
  if (!name) {
    throw new InputError(
      'Invalid input "name": give the name of the new service, e.g. payments-api',
    );
  }
  if (name.length > 63 || !ENTITY_NAME.test(name)) {
    throw new InputError(
      `Invalid input "name": "${clip(
        name,
      )}" is not a valid entity name; use at most 63 letters and digits, separated by single '-', '_' or '.'`,
    );
  }
  return name;
}

function readPattern(
  field: string,
  value: string,
  pattern: RegExp,
  hint: string,
): string {
  if (value.length > 63 || !pattern.test(value)) {
    throw new InputError(
      `Invalid input "${field}": "${clip(value)}" is not valid; ${hint}`,
    );
  }
  return value;
}

function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
