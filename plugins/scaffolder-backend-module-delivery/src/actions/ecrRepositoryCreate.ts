import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  EcrClient,
  EcrRepository,
  EcrRepositoryTarget,
  isUpstreamError,
} from '@slipway/plugin-delivery-node';
import { samePolicy } from '../lib/policies';
import {
  checkAwsAccountId,
  checkAwsRegion,
  checkEcrRepositoryName,
  optional,
} from '../lib/validation';
import { examples } from './ecrRepositoryCreate.examples';

const DEFAULT_KEEP_TAGGED_IMAGES = 30;
const DEFAULT_EXPIRE_UNTAGGED_AFTER_DAYS = 14;
/** What another account needs to pull images (and nothing more). */
const PULL_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
];

/**
 * Creates the `aws:ecr:repository:create` action: an ECR repository with scan
 * on push, tag immutability, encryption, a lifecycle policy, tags and an
 * optional pull policy for other accounts. An existing repository with the
 * same settings is reused; one with other settings fails the step.
 *
 * @public
 */
export function createEcrRepositoryCreateAction(options: { ecr: EcrClient }) {
  const { ecr } = options;

  return createTemplateAction({
    id: 'aws:ecr:repository:create',
    description:
      'Creates an Amazon ECR repository (scan on push, immutable tags, encryption, lifecycle policy, tags, optional cross-account pull), or reuses an existing one with the same settings.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repositoryName: z =>
          z.string({
            description:
              'The repository name: lowercase letters and digits separated by ".", "_" or "-", with optional "/" namespaces; 2 to 256 characters.',
          }),
        region: z =>
          z.string({ description: 'The AWS region, e.g. `eu-west-1`.' }),
        accountId: z =>
          z
            .string({
              description:
                'The 12-digit AWS account that holds the repository; it needs credentials in the `aws` config (`aws.accounts`, `aws.accountDefaults` or `aws.mainAccount`). The main account when empty.',
            })
            .optional(),
        imageTagMutability: z =>
          z
            .enum(['IMMUTABLE', 'MUTABLE'], {
              description:
                'Whether tags can be overwritten. Default `IMMUTABLE`.',
            })
            .optional(),
        scanOnPush: z =>
          z
            .boolean({
              description:
                'Scan each image for vulnerabilities when it is pushed. Default `true`.',
            })
            .optional(),
        encryptionType: z =>
          z
            .enum(['AES256', 'KMS'], {
              description:
                'How images are encrypted at rest. Default `AES256`, or `KMS` when `kmsKey` is set.',
            })
            .optional(),
        kmsKey: z =>
          z
            .string({
              description:
                'The KMS key (ARN, ID or alias) for `KMS` encryption; the AWS managed key when empty.',
            })
            .optional(),
        keepTaggedImages: z =>
          z
            .number({
              description: `Lifecycle policy: keep this many most recent tagged images. Default ${DEFAULT_KEEP_TAGGED_IMAGES}.`,
            })
            .int()
            .optional(),
        expireUntaggedAfterDays: z =>
          z
            .number({
              description: `Lifecycle policy: expire untagged images this many days after push. Default ${DEFAULT_EXPIRE_UNTAGGED_AFTER_DAYS}.`,
            })
            .int()
            .optional(),
        tags: z =>
          z
            .record(z.string(), {
              description:
                'AWS tags of the repository, e.g. `{ owner: payments }`.',
            })
            .optional(),
        pullAccountIds: z =>
          z
            .array(z.string(), {
              description:
                'Other AWS accounts (12 digits each) allowed to pull images, e.g. the accounts of the clusters.',
            })
            .optional(),
      },
      output: {
        repositoryUri: z =>
          z.string({
            description:
              'The URI to push and pull, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api`.',
          }),
        repositoryArn: z =>
          z.string({
            description:
              'The ARN, e.g. `arn:aws:ecr:eu-west-1:123456789012:repository/payments-api` (the `aws.amazon.com/aws-ecr-repository-arn` annotation).',
          }),
      },
    },
    async handler(ctx) {
      const settings = readSettings(ctx.input);
      const { target } = settings;
      const where = `${target.accountId ?? 'the main account'} in ${
        target.region
      }`;

      if (ctx.isDryRun) {
        const accountId = target.accountId ?? '123456789012';
        ctx.output(
          'repositoryUri',
          `${accountId}.dkr.ecr.${target.region}.amazonaws.com/${target.repositoryName}`,
        );
        ctx.output(
          'repositoryArn',
          `arn:aws:ecr:${target.region}:${accountId}:repository/${target.repositoryName}`,
        );
        ctx.logger.info(
          `Dry run: would create or reuse the ECR repository "${target.repositoryName}" in ${where}; nothing was sent to AWS`,
        );
        return;
      }

      const keyBase = `aws.ecr.repository.${target.accountId ?? 'main'}.${
        target.region
      }.${target.repositoryName}`;

      const { repository, created } = await ctx.checkpoint({
        key: `${keyBase}.create`,
        fn: async () => {
          const existing = await ecr.findRepository(target);
          if (existing) {
            checkSameSettings(existing, settings, where);
            return { repository: existing, created: false };
          }
          try {
            return {
              repository: await ecr.createRepository({
                ...target,
                imageTagMutability: settings.imageTagMutability,
                scanOnPush: settings.scanOnPush,
                encryption: settings.encryption,
                tags: settings.tags,
              }),
              created: true,
            };
          } catch (error) {
            // Created by someone else between our look-up and our create.
            if (
              isUpstreamError(error, 'rejected') &&
              /RepositoryAlreadyExists/.test(error.message)
            ) {
              const raced = await ecr.describeRepository(target);
              checkSameSettings(raced, settings, where);
              return { repository: raced, created: false };
            }
            throw error;
          }
        },
      });

      const located = { ...target, accountId: repository.registryId };
      const consoleUrl = ecr.repositoryConsoleUrl(located);
      ctx.logger.info(
        created
          ? `Created the ECR repository ${repository.repositoryArn}: ${consoleUrl}`
          : `Reusing the existing ECR repository ${repository.repositoryArn} (same settings): ${consoleUrl}`,
      );
      if (!created && settings.tags) {
        ctx.logger.info(
          'Tags of an existing repository are left as they are; change them in AWS if they differ',
        );
      }

      await ctx.checkpoint({
        key: `${keyBase}.lifecycle-policy`,
        fn: async () => {
          const current = created
            ? undefined
            : await ecr.getLifecyclePolicy(located);
          if (current !== undefined) {
            if (!samePolicy(current, settings.lifecyclePolicy)) {
              throw new ConflictError(
                `The ECR repository "${target.repositoryName}" in ${where} already has a different lifecycle policy; remove it, or make keepTaggedImages and expireUntaggedAfterDays match it`,
              );
            }
            ctx.logger.info('The lifecycle policy is already in place');
            return;
          }
          await ecr.putLifecyclePolicy(located, settings.lifecyclePolicy);
          ctx.logger.info(
            `Set the lifecycle policy: keep the last ${settings.keepTaggedImages} tagged images, expire untagged images after ${settings.expireUntaggedAfterDays} days`,
          );
        },
      });

      if (settings.pullPolicy) {
        const wantedPolicy = settings.pullPolicy;
        await ctx.checkpoint({
          key: `${keyBase}.pull-policy`,
          fn: async () => {
            const current = created
              ? undefined
              : await ecr.getRepositoryPolicy(located);
            if (current !== undefined) {
              if (!samePolicy(current, wantedPolicy)) {
                throw new ConflictError(
                  `The ECR repository "${
                    target.repositoryName
                  }" in ${where} already has a different repository policy; merge the pull access for ${settings.pullAccountIds.join(
                    ', ',
                  )} into it by hand, or remove pullAccountIds`,
                );
              }
              ctx.logger.info('The pull policy is already in place');
              return;
            }
            await ecr.setRepositoryPolicy(located, wantedPolicy);
            ctx.logger.info(
              `Allowed the accounts ${settings.pullAccountIds.join(
                ', ',
              )} to pull images`,
            );
          },
        });
      }

      ctx.output('repositoryUri', repository.repositoryUri);
      ctx.output('repositoryArn', repository.repositoryArn);
    },
  });
}

type EcrSettings = {
  target: EcrRepositoryTarget;
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush: boolean;
  encryption: { type: 'AES256' } | { type: 'KMS'; kmsKey?: string };
  tags?: Record<string, string>;
  keepTaggedImages: number;
  expireUntaggedAfterDays: number;
  lifecyclePolicy: string;
  pullAccountIds: string[];
  pullPolicy?: string;
};

function readSettings(input: {
  repositoryName: string;
  region: string;
  accountId?: string;
  imageTagMutability?: 'IMMUTABLE' | 'MUTABLE';
  scanOnPush?: boolean;
  encryptionType?: 'AES256' | 'KMS';
  kmsKey?: string;
  keepTaggedImages?: number;
  expireUntaggedAfterDays?: number;
  tags?: Record<string, string>;
  pullAccountIds?: string[];
}): EcrSettings {
  const repositoryName = checkEcrRepositoryName(
    'repositoryName',
    input.repositoryName ?? '',
  );
  const region = checkAwsRegion('region', input.region ?? '');
  const accountIdInput = optional(input.accountId);
  const accountId = accountIdInput
    ? checkAwsAccountId('accountId', accountIdInput)
    : undefined;

  const imageTagMutability = input.imageTagMutability ?? 'IMMUTABLE';
  if (!['IMMUTABLE', 'MUTABLE'].includes(imageTagMutability)) {
    throw new InputError(
      `Invalid input "imageTagMutability": use IMMUTABLE or MUTABLE`,
    );
  }

  const kmsKey = optional(input.kmsKey);
  const encryptionType = input.encryptionType ?? (kmsKey ? 'KMS' : 'AES256');
  if (encryptionType !== 'AES256' && encryptionType !== 'KMS') {
    throw new InputError(`Invalid input "encryptionType": use AES256 or KMS`);
  }
  if (kmsKey && encryptionType !== 'KMS') {
    throw new InputError(
      `Invalid input "kmsKey": a KMS key only applies with encryptionType KMS; remove kmsKey or set encryptionType to KMS`,
    );
  }
  if (kmsKey && !/^[A-Za-z0-9:/_+=,.@-]{1,2048}$/.test(kmsKey)) {
    throw new InputError(
      `Invalid input "kmsKey": use a KMS key ARN, key ID or alias (alias/...)`,
    );
  }

  const keepTaggedImages = checkCount(
    'keepTaggedImages',
    input.keepTaggedImages ?? DEFAULT_KEEP_TAGGED_IMAGES,
    1000,
  );
  const expireUntaggedAfterDays = checkCount(
    'expireUntaggedAfterDays',
    input.expireUntaggedAfterDays ?? DEFAULT_EXPIRE_UNTAGGED_AFTER_DAYS,
    3650,
  );

  const tags = input.tags ? checkTags(input.tags) : undefined;

  const pullAccountIds = [
    ...new Set(
      (input.pullAccountIds ?? []).map((id, i) =>
        checkAwsAccountId(`pullAccountIds[${i}]`, String(id).trim()),
      ),
    ),
  ].sort();

  return {
    target: { region, repositoryName, ...(accountId ? { accountId } : {}) },
    imageTagMutability,
    scanOnPush: input.scanOnPush ?? true,
    encryption:
      encryptionType === 'KMS'
        ? { type: 'KMS', ...(kmsKey ? { kmsKey } : {}) }
        : { type: 'AES256' },
    tags,
    keepTaggedImages,
    expireUntaggedAfterDays,
    lifecyclePolicy: lifecyclePolicy(keepTaggedImages, expireUntaggedAfterDays),
    pullAccountIds,
    pullPolicy: pullAccountIds.length ? pullPolicy(pullAccountIds) : undefined,
  };
}

/** Keep the last N tagged images; expire untagged images after D days. */
export function lifecyclePolicy(
  keepTaggedImages: number,
  expireUntaggedAfterDays: number,
): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${expireUntaggedAfterDays} days`,
        selection: {
          tagStatus: 'untagged',
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: expireUntaggedAfterDays,
        },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: `Keep the last ${keepTaggedImages} tagged images`,
        selection: {
          tagStatus: 'tagged',
          tagPatternList: ['*'],
          countType: 'imageCountMoreThan',
          countNumber: keepTaggedImages,
        },
        action: { type: 'expire' },
      },
    ],
  });
}

/** Lets other accounts pull, and nothing else. */
export function pullPolicy(accountIds: string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowPullFromOtherAccounts',
        Effect: 'Allow',
        Principal: {
          AWS: accountIds.map(id => `arn:aws:iam::${id}:root`),
        },
        Action: PULL_ACTIONS,
      },
    ],
  });
}

function checkSameSettings(
  existing: EcrRepository,
  wanted: EcrSettings,
  where: string,
) {
  const differences: string[] = [];
  if (existing.imageTagMutability !== wanted.imageTagMutability) {
    differences.push(
      `imageTagMutability is ${existing.imageTagMutability} (requested ${wanted.imageTagMutability})`,
    );
  }
  if (existing.scanOnPush !== wanted.scanOnPush) {
    differences.push(
      `scanOnPush is ${existing.scanOnPush} (requested ${wanted.scanOnPush})`,
    );
  }
  if (existing.encryption.type !== wanted.encryption.type) {
    differences.push(
      `encryption is ${existing.encryption.type} (requested ${wanted.encryption.type})`,
    );
  } else if (
    wanted.encryption.type === 'KMS' &&
    wanted.encryption.kmsKey &&
    existing.encryption.kmsKey !== wanted.encryption.kmsKey &&
    !existing.encryption.kmsKey?.endsWith(`/${wanted.encryption.kmsKey}`)
  ) {
    differences.push('the KMS key differs from kmsKey');
  }
  if (differences.length) {
    throw new ConflictError(
      `The ECR repository "${
        existing.repositoryName
      }" already exists in ${where} with other settings: ${differences.join(
        '; ',
      )}. Change the inputs to match, or choose another repositoryName`,
    );
  }
}

function checkCount(field: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InputError(
      `Invalid input "${field}": use a whole number from 1 to ${max}, got ${value}`,
    );
  }
  return value;
}

// AWS tag rules: at most 50 tags, keys 1-128 and values 0-256 characters,
// letters, digits, spaces and + - = . _ : / @, no `aws:` prefix.
function checkTags(tags: Record<string, string>): Record<string, string> {
  const entries = Object.entries(tags);
  if (entries.length > 50) {
    throw new InputError(
      `Invalid input "tags": at most 50 tags, got ${entries.length}`,
    );
  }
  const allowed = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
  for (const [key, raw] of entries) {
    const value = raw === undefined || raw === null ? '' : String(raw);
    if (key.length < 1 || key.length > 128 || !allowed.test(key)) {
      throw new InputError(
        `Invalid input "tags": the key "${key.slice(
          0,
          40,
        )}" must have 1 to 128 letters, digits, spaces or + - = . _ : / @`,
      );
    }
    if (/^aws:/i.test(key)) {
      throw new InputError(
        `Invalid input "tags": the key "${key}" uses the reserved prefix "aws:"`,
      );
    }
    if (value.length > 256 || !allowed.test(value)) {
      throw new InputError(
        `Invalid input "tags": the value of "${key}" must have at most 256 letters, digits, spaces or + - = . _ : / @`,
      );
    }
  }
  return Object.fromEntries(
    entries.map(([k, v]) => [
      k,
      v === undefined || v === null ? '' : String(v),
    ]),
  );
}
