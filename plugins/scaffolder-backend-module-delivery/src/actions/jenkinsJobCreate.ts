import { ConflictError, InputError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  InstanceClients,
  isUpstreamError,
  JenkinsClient,
} from '@slipway/plugin-delivery-node';
import {
  buildJobConfigXml,
  differences,
  JenkinsJobSpec,
  readJobSpec,
} from '../lib/jenkinsConfigXml';
import { readGitLabRepo } from '../lib/gitlabRepo';
import {
  checkInstance,
  checkJenkinsItemName,
  optional,
  parseJenkinsFolder,
} from '../lib/validation';
import { examples } from './jenkinsJobCreate.examples';

const DEFAULT_GITLAB_SERVER = 'gitlab';

/**
 * Creates the `jenkins:job:create` action: a multibranch pipeline (GitLab
 * Branch Source plugin) or a single-branch pipeline job (GitLab plugin
 * trigger) that reads the repository's Jenkinsfile, inside a folder.
 *
 * @public
 */
export function createJenkinsJobCreateAction(options: {
  jenkins: InstanceClients<JenkinsClient>;
  integrations: ScmIntegrationRegistry;
}) {
  const { jenkins, integrations } = options;

  return createTemplateAction({
    id: 'jenkins:job:create',
    description:
      'Creates a Jenkins job that builds a GitLab repository with its Jenkinsfile: a multibranch pipeline (GitLab Branch Source plugin) by default, or a pipeline for one branch (GitLab plugin). Creates missing folders; reuses an existing job with the same settings.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        instance: z =>
          z
            .string({
              description:
                'The Jenkins instance, by its name in `jenkins.instances`; the default instance when empty.',
            })
            .optional(),
        folder: z =>
          z
            .string({
              description:
                'The folder path, e.g. `services` or `teams/payments`; missing folders are created. The Jenkins root when empty.',
            })
            .optional(),
        jobName: z =>
          z.string({
            description:
              'The job name, without "/" or "..", e.g. `payments-api`.',
          }),
        repoUrl: z =>
          z.string({
            description:
              'The GitLab repository, as `publish:gitlab` takes it: `gitlab.example.com?owner=group&repo=project`.',
          }),
        credentialsId: z =>
          z.string({
            description:
              'The ID of the Jenkins credentials that check out the repository.',
          }),
        kind: z =>
          z
            .enum(['multibranch', 'pipeline'], {
              description:
                '`multibranch` (default): one job per branch and merge request; `pipeline`: one job for `branch`.',
            })
            .optional(),
        branch: z =>
          z
            .string({
              description:
                'The branch a `pipeline` job builds. Default `main`.',
            })
            .optional(),
        scriptPath: z =>
          z
            .string({
              description:
                'The Jenkinsfile path in the repository. Default `Jenkinsfile`.',
            })
            .optional(),
        gitlabServerName: z =>
          z
            .string({
              description: `The GitLab server's name in Jenkins: the GitLab Branch Source server (multibranch) or the GitLab plugin connection (pipeline). Default \`${DEFAULT_GITLAB_SERVER}\`.`,
            })
            .optional(),
        description: z =>
          z
            .string({ description: "The job's description in Jenkins." })
            .optional(),
      },
      output: {
        jobUrl: z => z.string({ description: "The job's page in Jenkins." }),
        jobFullName: z =>
          z.string({
            description:
              'The full job name, e.g. `services/payments-api` (the `jenkins.io/job-full-name` annotation).',
          }),
        webhookUrl: z =>
          z.string({
            description:
              'The URL GitLab calls on push and merge request events for this job: `/gitlab-webhook/post` (multibranch) or `/project/<job>` (pipeline).',
          }),
      },
    },
    async handler(ctx) {
      const instance = checkInstance('instance', ctx.input.instance, {
        tool: 'Jenkins',
        configured: jenkins.names(),
        hasDefault: jenkins.has(),
        configKey: 'jenkins.instances (or jenkins.baseUrl)',
      });
      const folder = parseJenkinsFolder('folder', ctx.input.folder);
      const jobName = checkJenkinsItemName('jobName', ctx.input.jobName ?? '');
      const spec = readSpec(ctx.input, integrations);
      const client = jenkins.get(instance);
      const jobPath = [...folder, jobName];
      const jobFullName = jobPath.join('/');
      const jobUrl = client.jobUrl(jobPath);
      const webhookUrl = webhookUrlOf(client, spec.kind, jobPath);
      const label = `Jenkins job "${jobFullName}" on instance "${client.instanceName}"`;

      if (ctx.isDryRun) {
        ctx.output('jobUrl', jobUrl);
        ctx.output('jobFullName', jobFullName);
        ctx.output('webhookUrl', webhookUrl);
        ctx.logger.info(
          `Dry run: would create or reuse the ${spec.kind} ${label}: ${jobUrl}; nothing was sent to Jenkins`,
        );
        return;
      }

      const keyBase = `jenkins.job.${client.instanceName}`;
      for (let depth = 1; depth <= folder.length; depth++) {
        const folderPath = folder.slice(0, depth);
        await ctx.checkpoint({
          key: `${keyBase}.folder.${folderPath.join('/')}`,
          fn: async () => {
            const existing = await client.findJob(folderPath);
            if (existing) {
              if (existing.kind !== 'folder') {
                throw new ConflictError(
                  `Jenkins item "${folderPath.join(
                    '/',
                  )}" exists but is not a folder (it is ${
                    existing.className
                  }); choose another folder`,
                );
              }
              return;
            }
            await createTolerant(() =>
              client.createFolder({
                parent: folderPath.slice(0, -1),
                name: folderPath[folderPath.length - 1],
              }),
            );
            ctx.logger.info(
              `Created the Jenkins folder "${folderPath.join(
                '/',
              )}": ${client.jobUrl(folderPath)}`,
            );
          },
        });
      }

      const created = await ctx.checkpoint({
        key: `${keyBase}.job.${jobFullName}`,
        fn: async () => {
          const existing = await client.findJob(jobPath);
          if (!existing) {
            const outcome = await createTolerant(() =>
              client.createJob({
                folder,
                name: jobName,
                configXml: buildJobConfigXml(spec),
              }),
            );
            if (outcome === 'created') {
              return true;
            }
          }
          const found = differences(
            readJobSpec(await client.getJobConfig(jobPath)),
            spec,
          );
          if (found.length) {
            throw new ConflictError(
              `The ${label} already exists with other settings: ${found.join(
                '; ',
              )}. Change the inputs to match, or choose another jobName or folder`,
            );
          }
          return false;
        },
      });

      ctx.logger.info(
        created
          ? `Created the ${spec.kind} ${label}: ${jobUrl}`
          : `Reusing the existing ${label} (same settings): ${jobUrl}`,
      );
      ctx.output('jobUrl', jobUrl);
      ctx.output('jobFullName', jobFullName);
      ctx.output('webhookUrl', webhookUrl);
    },
  });
}

function readSpec(
  input: {
    repoUrl: string;
    credentialsId: string;
    kind?: 'multibranch' | 'pipeline';
    branch?: string;
    scriptPath?: string;
    gitlabServerName?: string;
    description?: string;
  },
  integrations: ScmIntegrationRegistry,
): JenkinsJobSpec {
  const kind = input.kind ?? 'multibranch';
  if (kind !== 'multibranch' && kind !== 'pipeline') {
    throw new InputError(`Invalid input "kind": use multibranch or pipeline`);
  }
  const credentialsId = optional(input.credentialsId);
  if (!credentialsId || !/^[A-Za-z0-9._:@-]{1,255}$/.test(credentialsId)) {
    throw new InputError(
      `Invalid input "credentialsId": give the ID of Jenkins credentials (letters, digits, '.', '_', ':', '@', '-')`,
    );
  }
  const scriptPath = optional(input.scriptPath) ?? 'Jenkinsfile';
  if (
    scriptPath.startsWith('/') ||
    scriptPath.split('/').includes('..') ||
    !/^[A-Za-z0-9._/-]+$/.test(scriptPath)
  ) {
    throw new InputError(
      `Invalid input "scriptPath": use a path inside the repository, e.g. Jenkinsfile or ci/Jenkinsfile`,
    );
  }
  const serverName = optional(input.gitlabServerName) ?? DEFAULT_GITLAB_SERVER;
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/.test(serverName)) {
    throw new InputError(
      `Invalid input "gitlabServerName": use the GitLab server's name as configured in Jenkins (letters, digits, spaces, '.', '_', '-')`,
    );
  }
  const { projectPath, cloneUrl } = readJenkinsGitLabRepo(
    input.repoUrl,
    integrations,
  );
  const description = optional(input.description);

  if (kind === 'multibranch') {
    if (optional(input.branch)) {
      throw new InputError(
        `Invalid input "branch": a multibranch job builds every branch; remove branch, or set kind to pipeline`,
      );
    }
    return {
      kind,
      serverName,
      projectPath,
      credentialsId,
      scriptPath,
      ...(description ? { description } : {}),
    };
  }
  const branch = optional(input.branch) ?? 'main';
  if (
    !/^[A-Za-z0-9._/-]{1,255}$/.test(branch) ||
    branch.includes('..') ||
    branch.startsWith('/') ||
    branch.endsWith('/')
  ) {
    throw new InputError(
      `Invalid input "branch": "${branch.slice(
        0,
        80,
      )}" is not a Git branch name; use letters, digits, '.', '_', '-' and '/'`,
    );
  }
  return {
    kind,
    connectionName: serverName,
    cloneUrl,
    credentialsId,
    branch,
    scriptPath,
    ...(description ? { description } : {}),
  };
}

/**
 * The repository as the shared `readGitLabRepo` reads it, held to the
 * stricter path Jenkins' GitLab plugins accept: at least group/project, each
 * part of letters, digits, '_', '.' and '-', not starting with '-'.
 */
function readJenkinsGitLabRepo(
  repoUrl: string,
  integrations: ScmIntegrationRegistry,
): { projectPath: string; cloneUrl: string } {
  const { projectPath, cloneUrl } = readGitLabRepo(repoUrl, integrations);
  if (
    !/^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+$/.test(
      projectPath,
    )
  ) {
    throw new InputError(
      `Invalid input "repoUrl": "${projectPath}" is not a GitLab project path`,
    );
  }
  return { projectPath, cloneUrl };
}

/** Where the GitLab plugins listen for this job's events. */
function webhookUrlOf(
  client: JenkinsClient,
  kind: JenkinsJobSpec['kind'],
  jobPath: string[],
): string {
  const base = client.baseUrl.endsWith('/')
    ? client.baseUrl
    : `${client.baseUrl}/`;
  if (kind === 'multibranch') {
    // GitLab Branch Source: one endpoint; it matches the project by its path.
    return `${base}gitlab-webhook/post`;
  }
  // GitLab plugin: one endpoint per job, by its full name.
  return `${base}project/${jobPath.map(encodeURIComponent).join('/')}`;
}

/**
 * Runs a create call; when Jenkins says the name is taken (someone created
 * it between our look-up and our create), reports that instead of failing.
 */
async function createTolerant(
  create: () => Promise<unknown>,
): Promise<'created' | 'exists'> {
  try {
    await create();
    return 'created';
  } catch (error) {
    if (
      isUpstreamError(error, 'rejected') &&
      /already exists/i.test(error.message)
    ) {
      return 'exists';
    }
    throw error;
  }
}
