import { InputError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GitLabMergeRequestsClient } from '../lib/GitLabMergeRequestsClient';
import { readGitLabRepo } from '../lib/gitlabRepo';
import { optional } from '../lib/validation';
import { examples } from './gitlabMergeRequestEnsure.examples';

const DEFAULT_TIMEOUT_MS = 10_000;
// GitLab's limits: 255 characters of title, 1,048,576 of description.
const MAX_TITLE = 255;
const MAX_DESCRIPTION = 1_048_576;

/**
 * Creates the `gitlab:mergeRequest:ensure` action: the one open merge request
 * from a branch. The first run opens it; a later run for the same branch
 * updates its title, description and target instead of failing the way
 * `publish:gitlab:merge-request` does ("Another open merge request already
 * exists for this source branch"). The branch itself is pushed by an earlier
 * step (`gitlab:repo:push`).
 *
 * @public
 */
export function createGitLabMergeRequestEnsureAction(options: {
  integrations: ScmIntegrationRegistry;
  /** Per-call timeout; 10 seconds by default. */
  timeoutMs?: number;
}) {
  const { integrations } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return createTemplateAction({
    id: 'gitlab:mergeRequest:ensure',
    description:
      'Opens a merge request from a branch that an earlier step pushed, or updates the title, description and target of the one already open from that branch.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoUrl: z =>
          z.string({
            description:
              'The GitLab repository, as `publish:gitlab` takes it: `gitlab.example.com?owner=group&repo=project`.',
          }),
        sourceBranch: z =>
          z.string({
            description:
              'The branch with the changes; it must exist (push it first with `gitlab:repo:push`).',
          }),
        targetBranch: z =>
          z
            .string({
              description:
                "The branch to merge into. Default: the project's default branch.",
            })
            .optional(),
        title: z =>
          z.string({
            description: `The merge request's title (at most ${MAX_TITLE} characters).`,
          }),
        description: z =>
          z
            .string({
              description:
                "The merge request's description (Markdown). An open merge request gets this description again on every run.",
            })
            .optional(),
        labels: z =>
          z
            .array(z.string(), {
              description:
                'Labels to put on the merge request; labels added since by reviewers are kept.',
            })
            .optional(),
        removeSourceBranch: z =>
          z
            .boolean({
              description:
                'Delete the source branch when the merge request is merged. Default `true`.',
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
        mergeRequestUrl: z =>
          z.string({
            description:
              "The merge request's page (in a dry run, the project's merge requests).",
          }),
        mergeRequestIid: z =>
          z.number({
            description:
              'The number of the merge request in the project (0 in a dry run).',
          }),
        created: z =>
          z.boolean({
            description:
              'True when this run opened the merge request, false when it updated the open one.',
          }),
        targetBranch: z =>
          z.string({
            description: 'The branch the merge request merges into.',
          }),
      },
    },
    async handler(ctx) {
      const { host, projectPath, config } = readGitLabRepo(
        ctx.input.repoUrl,
        integrations,
      );
      const sourceBranch = checkBranch('sourceBranch', ctx.input.sourceBranch);
      const wantedTarget =
        ctx.input.targetBranch === undefined ||
        optional(ctx.input.targetBranch) === undefined
          ? undefined
          : checkBranch('targetBranch', ctx.input.targetBranch);
      if (wantedTarget === sourceBranch) {
        throw new InputError(
          `Invalid input "targetBranch": "${wantedTarget}" is also the source branch; merge into another branch`,
        );
      }
      const title = checkTitle(ctx.input.title);
      const description = ctx.input.description ?? '';
      if (description.length > MAX_DESCRIPTION) {
        throw new InputError(
          `Invalid input "description": GitLab takes at most ${MAX_DESCRIPTION} characters, got ${description.length}`,
        );
      }
      const labels = checkLabels(ctx.input.labels);
      const removeSourceBranch = ctx.input.removeSourceBranch ?? true;

      const client = new GitLabMergeRequestsClient({
        config,
        token: optional(ctx.input.token),
        timeoutMs,
      });
      const label = `merge request from "${sourceBranch}" on the GitLab project "${projectPath}"`;

      if (ctx.isDryRun) {
        const mergeRequestsUrl = `${client.projectUrl(
          projectPath,
        )}/-/merge_requests`;
        ctx.output('mergeRequestUrl', mergeRequestsUrl);
        ctx.output('mergeRequestIid', 0);
        ctx.output('created', true);
        ctx.output('targetBranch', wantedTarget ?? 'main');
        ctx.logger.info(
          `Dry run: would open or update the ${label} into ${
            wantedTarget ? `"${wantedTarget}"` : 'the default branch'
          }, titled "${title}": ${mergeRequestsUrl}; nothing was sent to GitLab`,
        );
        return;
      }

      const outcome = await ctx.checkpoint({
        key: `gitlab.mergeRequest.${host}.${projectPath}.${sourceBranch}`,
        fn: async () => {
          const targetBranch =
            wantedTarget ?? (await client.getDefaultBranch(projectPath));
          if (targetBranch === sourceBranch) {
            throw new InputError(
              `Invalid input "sourceBranch": "${sourceBranch}" is the default branch of "${projectPath}"; push the changes to another branch`,
            );
          }
          const fields = {
            target_branch: targetBranch,
            title,
            description,
            labels,
            remove_source_branch: removeSourceBranch,
          };
          const [open] = await client.listOpenFromBranch(
            projectPath,
            sourceBranch,
          );
          const mergeRequest = open
            ? await client.update(projectPath, open.iid, fields)
            : await client.create(projectPath, sourceBranch, fields);
          return {
            iid: Number(mergeRequest.iid),
            url: String(mergeRequest.web_url),
            targetBranch,
            created: !open,
          };
        },
      });

      ctx.logger.info(
        outcome.created
          ? `Opened the ${label} into "${outcome.targetBranch}": ${outcome.url}`
          : `Updated the open ${label} (!${outcome.iid}) into "${outcome.targetBranch}" instead of opening another: ${outcome.url}`,
      );
      ctx.output('mergeRequestUrl', outcome.url);
      ctx.output('mergeRequestIid', outcome.iid);
      ctx.output('created', outcome.created);
      ctx.output('targetBranch', outcome.targetBranch);
    },
  });
}

// The rules of git check-ref-format that a template can break.
function checkBranch(field: string, value: string | undefined): string {
  const branch = optional(value);
  if (!branch) {
    throw new InputError(`Invalid input "${field}": give a branch name`);
  }
  if (
    branch.length > 244 ||
    /[\s~^:?*[\\]/.test(branch) ||
    hasControlCharacter(branch) ||
    branch.includes('..') ||
    branch.includes('@{') ||
    branch.includes('//') ||
    /^[-/.]|[/.]$|\.lock$|\/\./.test(branch)
  ) {
    throw new InputError(
      `Invalid input "${field}": "${branch.slice(
        0,
        80,
      )}" is not a valid branch name; use letters, digits, '-', '_', '.' and '/' (no spaces, '..', or a trailing '/' or '.lock')`,
    );
  }
  return branch;
}

function hasControlCharacter(value: string): boolean {
  return [...value].some(c => c.charCodeAt(0) < 0x20 || c === '\x7f');
}

function checkTitle(value: string | undefined): string {
  const title = optional(value);
  if (!title) {
    throw new InputError(
      `Invalid input "title": give the merge request a title`,
    );
  }
  if (title.length > MAX_TITLE) {
    throw new InputError(
      `Invalid input "title": GitLab takes at most ${MAX_TITLE} characters, got ${title.length}`,
    );
  }
  return title;
}

function checkLabels(labels: string[] | undefined): string[] | undefined {
  if (labels === undefined) {
    return undefined;
  }
  if (!Array.isArray(labels)) {
    throw new InputError(`Invalid input "labels": give a list of label names`);
  }
  const names = labels.map(l => String(l).trim()).filter(Boolean);
  const bad = names.find(name => name.includes(','));
  if (bad) {
    throw new InputError(
      `Invalid input "labels": "${bad.slice(
        0,
        80,
      )}" contains a comma; give each label as its own list item`,
    );
  }
  return [...new Set(names)];
}
