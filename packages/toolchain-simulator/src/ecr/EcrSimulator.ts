/*
 * Amazon ECR control plane over the AWS JSON 1.1 protocol
 * (`X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>`),
 * with SigV4 verification and the service's error shapes.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Router, SimRequest, sendJson } from '../http';
import { verifySigV4 } from './sigv4';

export interface EcrFinding {
  name: string;
  description: string;
  uri: string;
  severity:
    | 'CRITICAL'
    | 'HIGH'
    | 'MEDIUM'
    | 'LOW'
    | 'INFORMATIONAL'
    | 'UNDEFINED';
  attributes: { key: string; value: string }[];
}

export interface EcrImage {
  imageDigest: string;
  imageTags: string[];
  imageSizeInBytes: number;
  imagePushedAt: number;
  scan?: { completedAt: number; findings: EcrFinding[] };
}

export interface EcrRepository {
  repositoryName: string;
  createdAt: number;
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush: boolean;
  encryption: { encryptionType: 'AES256' | 'KMS'; kmsKey?: string };
  tags: { Key: string; Value: string }[];
  lifecyclePolicyText?: string;
  policyText?: string;
  images: EcrImage[];
}

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';
const NAME =
  /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

class EcrError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

export class EcrSimulator {
  readonly router = new Router();
  baseUrl = '';
  readonly repositories = new Map<string, EcrRepository>();

  constructor(
    private readonly aws: {
      accessKeyId: string;
      secretAccessKey: string;
      accountId: string;
      region: string;
    },
    private readonly log: (message: string) => void,
  ) {
    this.router.otherwise((req, res) => this.handle(req, res));
  }

  get registryId() {
    return this.aws.accountId;
  }

  repositoryUri(name: string) {
    return `${this.aws.accountId}.dkr.ecr.${this.aws.region}.amazonaws.com/${name}`;
  }

  repositoryArn(name: string) {
    return `arn:aws:ecr:${this.aws.region}:${this.aws.accountId}:repository/${name}`;
  }

  createRepository(
    name: string,
    options: Partial<Omit<EcrRepository, 'repositoryName' | 'images'>> = {},
  ) {
    const repo: EcrRepository = {
      repositoryName: name,
      createdAt: options.createdAt ?? Date.now(),
      imageTagMutability: options.imageTagMutability ?? 'MUTABLE',
      scanOnPush: options.scanOnPush ?? false,
      encryption: options.encryption ?? { encryptionType: 'AES256' },
      tags: options.tags ?? [],
      lifecyclePolicyText: options.lifecyclePolicyText,
      policyText: options.policyText,
      images: [],
    };
    this.repositories.set(name, repo);
    this.log(`ecr: created repository ${name}`);
    return repo;
  }

  /** Records a pushed image (as `docker push` would) and its scan on push. */
  pushImage(name: string, image: EcrImage) {
    const repo = this.repositories.get(name);
    if (!repo)
      throw new EcrError('RepositoryNotFoundException', this.repoMissing(name));
    for (const tag of image.imageTags) {
      const holder = repo.images.find(i => i.imageTags.includes(tag));
      if (holder && holder.imageDigest !== image.imageDigest) {
        if (repo.imageTagMutability === 'IMMUTABLE') {
          throw new EcrError(
            'ImageTagAlreadyExistsException',
            `The image tag '${tag}' already exists in the '${name}' repository and cannot be overwritten because the repository is immutable.`,
          );
        }
        holder.imageTags = holder.imageTags.filter(t => t !== tag);
      }
    }
    const existing = repo.images.find(i => i.imageDigest === image.imageDigest);
    if (existing) {
      existing.imageTags = [
        ...new Set([...existing.imageTags, ...image.imageTags]),
      ];
      return existing;
    }
    repo.images.unshift(image);
    this.log(`ecr: pushed ${name}:${image.imageTags.join(',')}`);
    return image;
  }

  private async handle(req: SimRequest, res: http.ServerResponse) {
    const requestId = randomUUID();
    const fail = (error: EcrError) =>
      sendJson(
        res,
        error.status,
        { __type: error.type, message: error.message },
        {
          'Content-Type': 'application/x-amz-json-1.1',
          'x-amzn-RequestId': requestId,
        },
      );
    if (req.method !== 'POST') {
      fail(new EcrError('UnknownOperationException', '', 404));
      return;
    }
    const body = await req.body();
    const auth = verifySigV4(req, body, id =>
      id === this.aws.accessKeyId ? this.aws.secretAccessKey : undefined,
    );
    if (!auth.ok) {
      fail(new EcrError(auth.type, auth.message, auth.status));
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!target.startsWith(TARGET_PREFIX)) {
      fail(new EcrError('UnknownOperationException', ''));
      return;
    }
    const operation = target.slice(TARGET_PREFIX.length);
    const handler = this.operations[operation];
    if (!handler) {
      fail(new EcrError('UnknownOperationException', ''));
      return;
    }
    let input: any;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      fail(
        new EcrError(
          'SerializationException',
          'Start of structure or map found where not expected.',
        ),
      );
      return;
    }
    try {
      const output = handler(input);
      sendJson(res, 200, output, {
        'Content-Type': 'application/x-amz-json-1.1',
        'x-amzn-RequestId': requestId,
      });
    } catch (error) {
      if (error instanceof EcrError) {
        fail(error);
        return;
      }
      throw error;
    }
  }

  private readonly operations: Record<string, (input: any) => unknown> = {
    CreateRepository: input => {
      const name = this.validName(input.repositoryName);
      if (this.repositories.has(name)) {
        throw new EcrError(
          'RepositoryAlreadyExistsException',
          `The repository with name '${name}' already exists in the registry with id '${this.registryId}'`,
        );
      }
      const mutability = input.imageTagMutability ?? 'MUTABLE';
      if (
        ![
          'MUTABLE',
          'IMMUTABLE',
          'IMMUTABLE_WITH_EXCLUSION',
          'MUTABLE_WITH_EXCLUSION',
        ].includes(mutability)
      ) {
        throw new EcrError(
          'ValidationException',
          `1 validation error detected: Value '${mutability}' at 'imageTagMutability' failed to satisfy constraint: Member must satisfy enum value set: [MUTABLE, IMMUTABLE]`,
        );
      }
      const encryptionType =
        input.encryptionConfiguration?.encryptionType ?? 'AES256';
      if (!['AES256', 'KMS', 'KMS_DSSE'].includes(encryptionType)) {
        throw new EcrError(
          'ValidationException',
          `1 validation error detected: Value '${encryptionType}' at 'encryptionConfiguration.encryptionType' failed to satisfy constraint: Member must satisfy enum value set: [KMS, AES256, KMS_DSSE]`,
        );
      }
      const tags = this.validTags(input.tags ?? []);
      const repo = this.createRepository(name, {
        imageTagMutability: mutability.startsWith('IMMUTABLE')
          ? 'IMMUTABLE'
          : 'MUTABLE',
        scanOnPush: !!input.imageScanningConfiguration?.scanOnPush,
        encryption: {
          encryptionType,
          ...(encryptionType !== 'AES256'
            ? {
                kmsKey:
                  input.encryptionConfiguration?.kmsKey ??
                  `arn:aws:kms:${this.aws.region}:${this.aws.accountId}:key/aws/ecr`,
              }
            : {}),
        },
        tags,
      });
      return { repository: this.repositoryJson(repo) };
    },
    DescribeRepositories: input => {
      const names: string[] | undefined = input.repositoryNames;
      let repos: EcrRepository[];
      if (names?.length) {
        repos = names.map(n => this.repo(n));
      } else {
        repos = [...this.repositories.values()].sort((a, b) =>
          a.repositoryName.localeCompare(b.repositoryName),
        );
      }
      return this.page(
        repos.map(r => this.repositoryJson(r)),
        input,
        'repositories',
        1000,
      );
    },
    DeleteRepository: input => {
      const repo = this.repo(input.repositoryName);
      if (repo.images.length && !input.force) {
        throw new EcrError(
          'RepositoryNotEmptyException',
          `The repository with name '${repo.repositoryName}' in registry with id '${this.registryId}' cannot be deleted because it still contains images`,
        );
      }
      this.repositories.delete(repo.repositoryName);
      return { repository: this.repositoryJson(repo) };
    },
    PutLifecyclePolicy: input => {
      const repo = this.repo(input.repositoryName);
      const text = input.lifecyclePolicyText;
      validateLifecyclePolicy(text);
      repo.lifecyclePolicyText = text;
      return {
        registryId: this.registryId,
        repositoryName: repo.repositoryName,
        lifecyclePolicyText: text,
      };
    },
    GetLifecyclePolicy: input => {
      const repo = this.repo(input.repositoryName);
      if (!repo.lifecyclePolicyText) {
        throw new EcrError(
          'LifecyclePolicyNotFoundException',
          `Lifecycle policy does not exist for the repository with name '${repo.repositoryName}' in the registry with id '${this.registryId}'`,
        );
      }
      return {
        registryId: this.registryId,
        repositoryName: repo.repositoryName,
        lifecyclePolicyText: repo.lifecyclePolicyText,
        lastEvaluatedAt: repo.createdAt / 1000,
      };
    },
    SetRepositoryPolicy: input => {
      const repo = this.repo(input.repositoryName);
      const text = input.policyText;
      let policy: any;
      try {
        policy = JSON.parse(text);
      } catch {
        throw new EcrError(
          'InvalidParameterException',
          "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'",
        );
      }
      if (!Array.isArray(policy?.Statement)) {
        throw new EcrError(
          'InvalidParameterException',
          "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'",
        );
      }
      repo.policyText = text;
      return {
        registryId: this.registryId,
        repositoryName: repo.repositoryName,
        policyText: text,
      };
    },
    GetRepositoryPolicy: input => {
      const repo = this.repo(input.repositoryName);
      if (!repo.policyText) {
        throw new EcrError(
          'RepositoryPolicyNotFoundException',
          `Repository policy does not exist for the repository with name '${repo.repositoryName}' in the registry with id '${this.registryId}'`,
        );
      }
      return {
        registryId: this.registryId,
        repositoryName: repo.repositoryName,
        policyText: repo.policyText,
      };
    },
    PutImageScanningConfiguration: input => {
      const repo = this.repo(input.repositoryName);
      repo.scanOnPush = !!input.imageScanningConfiguration?.scanOnPush;
      return {
        registryId: this.registryId,
        repositoryName: repo.repositoryName,
        imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
      };
    },
    PutImageTagMutability: input => {
      const repo = this.repo(input.repositoryName);
      repo.imageTagMutability =
        input.imageTagMutability === 'IMMUTABLE' ? 'IMMUTABLE' : 'MUTABLE';
      return {
        registryId: this.registryId,
        repositoryName: repo.repositoryName,
        imageTagMutability: repo.imageTagMutability,
      };
    },
    ListTagsForResource: input => ({
      tags: this.repoByArn(input.resourceArn).tags,
    }),
    TagResource: input => {
      const repo = this.repoByArn(input.resourceArn);
      for (const tag of this.validTags(input.tags ?? [])) {
        repo.tags = [...repo.tags.filter(t => t.Key !== tag.Key), tag];
      }
      return {};
    },
    DescribeImages: input => {
      const repo = this.repo(input.repositoryName);
      let images = repo.images;
      if (input.imageIds?.length) {
        images = (
          input.imageIds as { imageTag?: string; imageDigest?: string }[]
        ).map(id => {
          const found = repo.images.find(i =>
            id.imageDigest
              ? i.imageDigest === id.imageDigest
              : i.imageTags.includes(id.imageTag ?? ''),
          );
          if (!found) throw this.imageMissing(repo, id);
          return found;
        });
      }
      const status = input.filter?.tagStatus;
      if (status === 'TAGGED') images = images.filter(i => i.imageTags.length);
      if (status === 'UNTAGGED')
        images = images.filter(i => !i.imageTags.length);
      return this.page(
        images.map(i => this.imageJson(repo, i)),
        input,
        'imageDetails',
        1000,
      );
    },
    DescribeImageScanFindings: input => {
      const repo = this.repo(input.repositoryName);
      const id = input.imageId ?? {};
      if (!id.imageTag && !id.imageDigest) {
        throw new EcrError(
          'InvalidParameterException',
          "Invalid parameter at 'imageId' failed to satisfy constraint: 'Either imageTag or imageDigest must be specified'",
        );
      }
      const image = repo.images.find(i =>
        id.imageDigest
          ? i.imageDigest === id.imageDigest
          : i.imageTags.includes(id.imageTag),
      );
      if (!image) throw this.imageMissing(repo, id);
      if (!image.scan) {
        throw new EcrError(
          'ScanNotFoundException',
          `Image scan does not exist for the image with '{imageDigest:'${
            image.imageDigest
          }', imageTag:'${
            id.imageTag ?? 'null'
          }'}' in the repository with name '${
            repo.repositoryName
          }' in the registry with id '${this.registryId}'`,
        );
      }
      const page = this.page(image.scan.findings, input, 'findings', 1000) as {
        findings: EcrFinding[];
        nextToken?: string;
      };
      return {
        registryId: this.registryId,
        repositoryName: repo.repositoryName,
        imageId: {
          imageDigest: image.imageDigest,
          ...(id.imageTag ? { imageTag: id.imageTag } : {}),
        },
        imageScanStatus: {
          status: 'COMPLETE',
          description: 'The scan was completed successfully.',
        },
        imageScanFindings: {
          imageScanCompletedAt: image.scan.completedAt / 1000,
          vulnerabilitySourceUpdatedAt:
            (image.scan.completedAt - 6 * 3600000) / 1000,
          findingSeverityCounts: severityCounts(image.scan.findings),
          findings: page.findings,
        },
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
    },
  };

  private page(items: unknown[], input: any, key: string, max: number) {
    const limit = Math.min(Number(input.maxResults ?? max), max);
    if (
      input.maxResults !== undefined &&
      (limit < 1 || !Number.isInteger(limit))
    ) {
      throw new EcrError(
        'InvalidParameterException',
        "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value greater than or equal to 1'",
      );
    }
    const start = input.nextToken
      ? Number(Buffer.from(input.nextToken, 'base64').toString())
      : 0;
    if (!Number.isInteger(start) || start < 0) {
      throw new EcrError(
        'InvalidParameterException',
        "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid pagination token'",
      );
    }
    const slice = items.slice(start, start + limit);
    const next =
      start + limit < items.length
        ? Buffer.from(String(start + limit)).toString('base64')
        : undefined;
    return { [key]: slice, ...(next ? { nextToken: next } : {}) };
  }

  private validName(name: unknown): string {
    if (
      typeof name !== 'string' ||
      name.length < 2 ||
      name.length > 256 ||
      !NAME.test(name)
    ) {
      throw new EcrError(
        'InvalidParameterException',
        `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`,
      );
    }
    return name;
  }

  private validTags(tags: { Key?: string; Value?: string }[]) {
    for (const tag of tags) {
      if (!tag.Key || tag.Value === undefined) {
        throw new EcrError(
          'InvalidTagParameterException',
          'Tag keys and values are required',
        );
      }
    }
    return tags as { Key: string; Value: string }[];
  }

  private repo(name: string): EcrRepository {
    const repo = this.repositories.get(name);
    if (!repo)
      throw new EcrError('RepositoryNotFoundException', this.repoMissing(name));
    return repo;
  }

  private repoByArn(arn: string): EcrRepository {
    const prefix = `arn:aws:ecr:${this.aws.region}:${this.aws.accountId}:repository/`;
    if (typeof arn !== 'string' || !arn.startsWith(prefix)) {
      throw new EcrError(
        'InvalidParameterException',
        `Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN ${arn}'`,
      );
    }
    return this.repo(arn.slice(prefix.length));
  }

  private repoMissing(name: string) {
    return `The repository with name '${name}' does not exist in the registry with id '${this.registryId}'`;
  }

  private imageMissing(
    repo: EcrRepository,
    id: { imageTag?: string; imageDigest?: string },
  ) {
    return new EcrError(
      'ImageNotFoundException',
      `The image with imageId {imageDigest:'${
        id.imageDigest ?? 'null'
      }', imageTag:'${
        id.imageTag ?? 'null'
      }'} does not exist within the repository with name '${
        repo.repositoryName
      }' in the registry with id '${this.registryId}'`,
    );
  }

  private repositoryJson(repo: EcrRepository) {
    return {
      repositoryArn: this.repositoryArn(repo.repositoryName),
      registryId: this.registryId,
      repositoryName: repo.repositoryName,
      repositoryUri: this.repositoryUri(repo.repositoryName),
      createdAt: repo.createdAt / 1000,
      imageTagMutability: repo.imageTagMutability,
      imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
      encryptionConfiguration: repo.encryption,
    };
  }

  private imageJson(repo: EcrRepository, image: EcrImage) {
    return {
      registryId: this.registryId,
      repositoryName: repo.repositoryName,
      imageDigest: image.imageDigest,
      ...(image.imageTags.length ? { imageTags: image.imageTags } : {}),
      imageSizeInBytes: image.imageSizeInBytes,
      imagePushedAt: image.imagePushedAt / 1000,
      imageManifestMediaType:
        'application/vnd.docker.distribution.manifest.v2+json',
      artifactMediaType: 'application/vnd.docker.container.image.v1+json',
      ...(image.scan
        ? {
            imageScanStatus: {
              status: 'COMPLETE',
              description: 'The scan was completed successfully.',
            },
            imageScanFindingsSummary: {
              imageScanCompletedAt: image.scan.completedAt / 1000,
              vulnerabilitySourceUpdatedAt:
                (image.scan.completedAt - 6 * 3600000) / 1000,
              findingSeverityCounts: severityCounts(image.scan.findings),
            },
          }
        : {}),
    };
  }
}

export function severityCounts(findings: { severity: string }[]) {
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}

function validateLifecyclePolicy(text: unknown) {
  const invalid = (why: string) =>
    new EcrError(
      'InvalidParameterException',
      `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: '${why}'`,
    );
  if (typeof text !== 'string' || !text)
    throw invalid('Member must not be null');
  if (text.length > 30720)
    throw invalid('Member must have length less than or equal to 30720');
  let policy: any;
  try {
    policy = JSON.parse(text as string);
  } catch {
    throw invalid('Lifecycle policy validation failure: could not parse JSON');
  }
  if (!Array.isArray(policy?.rules) || policy.rules.length === 0) {
    throw invalid(
      'Lifecycle policy validation failure: object has missing required properties (["rules"])',
    );
  }
  for (const rule of policy.rules) {
    if (
      typeof rule.rulePriority !== 'number' ||
      !rule.selection ||
      !rule.action
    ) {
      throw invalid(
        'Lifecycle policy validation failure: object has missing required properties (["action","rulePriority","selection"])',
      );
    }
  }
}
