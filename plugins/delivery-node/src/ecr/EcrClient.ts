import {
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImageScanFindingsCommandOutput,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ECRClientConfig,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  ImageDetail,
  PutLifecyclePolicyCommand,
  Repository,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import {
  VulnerabilityFinding,
  VulnerabilityReport,
} from '@slipway/plugin-delivery-common';
import { readEcrConfig } from '../config/readers';
import {
  UpstreamAuthenticationError,
  UpstreamError,
  UpstreamErrorOptions,
  UpstreamNotFoundError,
  UpstreamRejectedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  UpstreamUnexpectedResponseError,
} from '../errors';
import { toSeverity, zeroCounts } from '../trivy/parseTrivyReport';

/**
 * Where a repository lives.
 *
 * @public
 */
export type EcrRepositoryTarget = {
  region: string;
  /** The AWS account; the credentials manager's main account when absent. */
  accountId?: string;
  repositoryName: string;
};

/**
 * An ECR repository.
 *
 * @public
 */
export type EcrRepository = {
  repositoryName: string;
  repositoryArn: string;
  repositoryUri: string;
  registryId: string;
  /** ISO 8601. */
  createdAt?: string;
  imageTagMutability: string;
  scanOnPush: boolean;
  encryption: { type: string; kmsKey?: string };
};

/**
 * An image in a repository.
 *
 * @public
 */
export type EcrImage = {
  digest: string;
  tags: string[];
  /** ISO 8601. */
  pushedAt?: string;
  sizeBytes?: number;
  /**
   * `COMPLETE`, `IN_PROGRESS`, `FAILED` (basic scanning), `ACTIVE`, `PENDING`,
   * … (enhanced scanning).
   */
  scanStatus?: string;
  /** Counts per ECR severity, from the scan summary. */
  findingSeverityCounts?: Record<string, number>;
  /** ISO 8601: when the scan behind `findingSeverityCounts` completed. */
  scanCompletedAt?: string;
};

/**
 * The scan findings of one image, mapped onto the delivery model.
 *
 * @public
 */
export type EcrScanFindings = VulnerabilityReport & {
  source: 'ecr';
  /** `COMPLETE`, `IN_PROGRESS`, `FAILED`, … */
  scanStatus: string;
};

/**
 * Settings of a new repository.
 *
 * @public
 */
export type EcrCreateRepositoryOptions = EcrRepositoryTarget & {
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush: boolean;
  encryption: { type: 'AES256' } | { type: 'KMS'; kmsKey?: string };
  tags?: Record<string, string>;
};

/**
 * Options of {@link EcrClient}.
 *
 * @public
 */
export type EcrClientOptions = {
  credentialsManager: AwsCredentialsManager;
  /** Overrides the ECR endpoint (a simulator, a VPC endpoint). */
  endpoint?: string;
  timeoutMs: number;
};

const MAX_SCAN_PAGES = 50;
/** `describeLatestImage` reads at most this many pages of 1000 images. */
const MAX_IMAGE_PAGES = 10;
// The AWS exception behind a mapped error, so "no lifecycle policy" can be
// told apart from "no repository".
const awsErrorNames = new WeakMap<Error, string>();

/**
 * A typed ECR client on `@aws-sdk/client-ecr`, with credentials per account
 * from `@backstage/integration-aws-node` and an overridable endpoint.
 *
 * @public
 */
export class EcrClient {
  private readonly clients = new Map<string, Promise<ECRClient>>();

  /** Reads `delivery.ecr` and `aws` (credentials) from config. */
  static fromConfig(
    config: Config,
    options: { credentialsManager?: AwsCredentialsManager } = {},
  ): EcrClient {
    const ecr = readEcrConfig(config);
    return new EcrClient({
      credentialsManager:
        options.credentialsManager ??
        DefaultAwsCredentialsManager.fromConfig(config),
      endpoint: ecr.endpoint,
      timeoutMs: ecr.timeoutMs,
    });
  }

  constructor(private readonly options: EcrClientOptions) {}

  /** The repository's page in the AWS console. */
  repositoryConsoleUrl(
    target: EcrRepositoryTarget & { accountId: string },
  ): string {
    return `https://${encodeURIComponent(
      target.region,
    )}.console.aws.amazon.com/ecr/repositories/private/${encodeURIComponent(
      target.accountId,
    )}/${target.repositoryName
      .split('/')
      .map(encodeURIComponent)
      .join('/')}?region=${encodeURIComponent(target.region)}`;
  }

  /**
   * A repository.
   *
   * @throws UpstreamNotFoundError when it does not exist
   */
  async describeRepository(
    target: EcrRepositoryTarget,
  ): Promise<EcrRepository> {
    const output = await this.call(
      target,
      `repository "${target.repositoryName}"`,
      client =>
        client.send(
          new DescribeRepositoriesCommand({
            repositoryNames: [checkRepositoryName(target.repositoryName)],
            ...(target.accountId ? { registryId: target.accountId } : {}),
          }),
        ),
    );
    const repository = output.repositories?.[0];
    if (!repository) {
      throw this.error(
        target,
        UpstreamUnexpectedResponseError,
        'DescribeRepositories returned no repository',
      );
    }
    return this.toRepository(target, repository);
  }

  /** A repository, or undefined when it does not exist. */
  async findRepository(
    target: EcrRepositoryTarget,
  ): Promise<EcrRepository | undefined> {
    return orUndefined(['RepositoryNotFoundException'], () =>
      this.describeRepository(target),
    );
  }

  /**
   * Creates a repository.
   *
   * @throws UpstreamRejectedError when it exists already or a setting is refused
   */
  async createRepository(
    options: EcrCreateRepositoryOptions,
  ): Promise<EcrRepository> {
    const output = await this.call(
      options,
      `repository "${options.repositoryName}"`,
      client =>
        client.send(
          new CreateRepositoryCommand({
            repositoryName: checkRepositoryName(options.repositoryName),
            ...(options.accountId ? { registryId: options.accountId } : {}),
            imageTagMutability: options.imageTagMutability,
            imageScanningConfiguration: { scanOnPush: options.scanOnPush },
            encryptionConfiguration:
              options.encryption.type === 'KMS'
                ? {
                    encryptionType: 'KMS',
                    ...(options.encryption.kmsKey
                      ? { kmsKey: options.encryption.kmsKey }
                      : {}),
                  }
                : { encryptionType: 'AES256' },
            tags: Object.entries(options.tags ?? {}).map(([Key, Value]) => ({
              Key,
              Value,
            })),
          }),
        ),
    );
    if (!output.repository) {
      throw this.error(
        options,
        UpstreamUnexpectedResponseError,
        'CreateRepository returned no repository',
      );
    }
    return this.toRepository(options, output.repository);
  }

  /** The lifecycle policy text, or undefined when the repository has none. */
  async getLifecyclePolicy(
    target: EcrRepositoryTarget,
  ): Promise<string | undefined> {
    return orUndefined(['LifecyclePolicyNotFoundException'], async () => {
      const output = await this.call(
        target,
        `lifecycle policy of "${target.repositoryName}"`,
        client =>
          client.send(new GetLifecyclePolicyCommand(repositoryInput(target))),
      );
      return output.lifecyclePolicyText;
    });
  }

  /** Sets the lifecycle policy (JSON text). */
  async putLifecyclePolicy(
    target: EcrRepositoryTarget,
    policyText: string,
  ): Promise<void> {
    checkJson(policyText, 'lifecycle policy');
    await this.call(target, `repository "${target.repositoryName}"`, client =>
      client.send(
        new PutLifecyclePolicyCommand({
          ...repositoryInput(target),
          lifecyclePolicyText: policyText,
        }),
      ),
    );
  }

  /** The repository policy text, or undefined when the repository has none. */
  async getRepositoryPolicy(
    target: EcrRepositoryTarget,
  ): Promise<string | undefined> {
    return orUndefined(['RepositoryPolicyNotFoundException'], async () => {
      const output = await this.call(
        target,
        `repository policy of "${target.repositoryName}"`,
        client =>
          client.send(new GetRepositoryPolicyCommand(repositoryInput(target))),
      );
      return output.policyText;
    });
  }

  /** Sets the repository policy (JSON text), e.g. pull access for other accounts. */
  async setRepositoryPolicy(
    target: EcrRepositoryTarget,
    policyText: string,
  ): Promise<void> {
    checkJson(policyText, 'repository policy');
    await this.call(target, `repository "${target.repositoryName}"`, client =>
      client.send(
        new SetRepositoryPolicyCommand({
          ...repositoryInput(target),
          policyText,
        }),
      ),
    );
  }

  /** The image with a tag, or undefined when no image has it. */
  async describeImageByTag(
    target: EcrRepositoryTarget,
    tag: string,
  ): Promise<EcrImage | undefined> {
    return orUndefined(['ImageNotFoundException'], async () => {
      const output = await this.call(
        target,
        `image "${target.repositoryName}:${tag}"`,
        client =>
          client.send(
            new DescribeImagesCommand({
              ...repositoryInput(target),
              imageIds: [{ imageTag: tag }],
            }),
          ),
      );
      const image = output.imageDetails?.[0];
      return image ? toImage(image) : undefined;
    });
  }

  /**
   * The most recently pushed tagged image (`DescribeImages` with
   * `tagStatus: TAGGED`, newest `imagePushedAt`), or undefined when the
   * repository has no tagged image. Reads at most 10 pages of 1000 images; in
   * a larger repository the newest of those is returned (keep a lifecycle
   * policy).
   *
   * @throws UpstreamNotFoundError when the repository does not exist
   */
  async describeLatestImage(
    target: EcrRepositoryTarget,
  ): Promise<EcrImage | undefined> {
    let latest: ImageDetail | undefined;
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const token = nextToken;
      const page = await this.call(
        target,
        `the images of "${target.repositoryName}"`,
        client =>
          client.send(
            new DescribeImagesCommand({
              ...repositoryInput(target),
              filter: { tagStatus: 'TAGGED' },
              maxResults: 1000,
              ...(token ? { nextToken: token } : {}),
            }),
          ),
      );
      pages++;
      for (const image of page.imageDetails ?? []) {
        if (!image.imageTags?.length) {
          continue;
        }
        if (!latest || pushedAtMs(image) > pushedAtMs(latest)) {
          latest = image;
        }
      }
      nextToken = page.nextToken;
    } while (nextToken && pages < MAX_IMAGE_PAGES);
    return latest ? toImage(latest) : undefined;
  }

  /**
   * The scan findings of an image (`DescribeImageScanFindings`, every page),
   * basic and enhanced scanning alike; undefined when the image was never scanned.
   *
   * @throws UpstreamNotFoundError when the image does not exist
   */
  async getImageScanFindings(
    target: EcrRepositoryTarget,
    image: { tag: string } | { digest: string },
  ): Promise<EcrScanFindings | undefined> {
    const imageId =
      'tag' in image ? { imageTag: image.tag } : { imageDigest: image.digest };
    const label = 'tag' in image ? image.tag : image.digest;
    const pages: DescribeImageScanFindingsCommandOutput[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const token = nextToken;
        const page = await this.call(
          target,
          `image "${target.repositoryName}:${label}"`,
          client =>
            client.send(
              new DescribeImageScanFindingsCommand({
                ...repositoryInput(target),
                imageId,
                maxResults: 1000,
                ...(token ? { nextToken: token } : {}),
              }),
            ),
        );
        pages.push(page);
        nextToken = page.nextToken;
      } while (nextToken && pages.length < MAX_SCAN_PAGES);
    } catch (error) {
      if (awsErrorNames.get(error as Error) === 'ScanNotFoundException') {
        return undefined;
      }
      throw error;
    }
    const counts = zeroCounts();
    const fixable = zeroCounts();
    const findings: VulnerabilityFinding[] = [];
    for (const page of pages) {
      for (const f of page.imageScanFindings?.findings ?? []) {
        const attributes = Object.fromEntries(
          (f.attributes ?? []).map(a => [a.key, a.value]),
        );
        findings.push(
          clean({
            id: f.name ?? 'unknown',
            packageName: attributes.package_name ?? 'unknown',
            installedVersion: attributes.package_version,
            severity: toSeverity(f.severity),
            title: f.description,
            url: f.uri,
          }),
        );
      }
      for (const f of page.imageScanFindings?.enhancedFindings ?? []) {
        const details = f.packageVulnerabilityDetails;
        const packages = details?.vulnerablePackages?.length
          ? details.vulnerablePackages
          : [{}];
        for (const p of packages) {
          findings.push(
            clean({
              id: details?.vulnerabilityId ?? f.title ?? 'unknown',
              packageName: p.name ?? 'unknown',
              installedVersion: p.version,
              fixedVersion:
                p.fixedInVersion && p.fixedInVersion !== 'NotAvailable'
                  ? p.fixedInVersion
                  : undefined,
              severity: toSeverity(f.severity),
              title: f.title,
              url: details?.sourceUrl,
              target: p.filePath,
              packageType: p.packageManager,
            }),
          );
        }
      }
    }
    for (const finding of findings) {
      counts[finding.severity]++;
      if (finding.fixedVersion) {
        fixable[finding.severity]++;
      }
    }
    const first = pages[0];
    const completedAt = first?.imageScanFindings?.imageScanCompletedAt;
    return clean({
      source: 'ecr' as const,
      scanStatus: String(first?.imageScanStatus?.status ?? 'UNKNOWN'),
      artifactName: `${target.repositoryName}:${label}`,
      digest: first?.imageId?.imageDigest,
      scannedAt: completedAt ? new Date(completedAt).toISOString() : undefined,
      counts,
      fixable,
      total: findings.length,
      findings,
    });
  }

  private toRepository(
    target: EcrRepositoryTarget,
    r: Repository,
  ): EcrRepository {
    if (!r.repositoryArn || !r.repositoryUri || !r.repositoryName) {
      throw this.error(
        target,
        UpstreamUnexpectedResponseError,
        'the repository has no ARN, URI or name',
      );
    }
    return {
      repositoryName: r.repositoryName,
      repositoryArn: r.repositoryArn,
      repositoryUri: r.repositoryUri,
      registryId: r.registryId ?? target.accountId ?? '',
      ...(r.createdAt
        ? { createdAt: new Date(r.createdAt).toISOString() }
        : {}),
      imageTagMutability: r.imageTagMutability ?? 'MUTABLE',
      scanOnPush: r.imageScanningConfiguration?.scanOnPush === true,
      encryption: {
        type: r.encryptionConfiguration?.encryptionType ?? 'AES256',
        ...(r.encryptionConfiguration?.kmsKey
          ? { kmsKey: r.encryptionConfiguration.kmsKey }
          : {}),
      },
    };
  }

  /** Runs one SDK call with the account's credentials, a timeout and error mapping. */
  private async call<T>(
    target: EcrRepositoryTarget,
    what: string,
    fn: (client: ECRClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.client(target);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(
          this.error(
            target,
            UpstreamTimeoutError,
            `no answer about ${what} within ${this.options.timeoutMs} ms; raise delivery.timeouts.ecr if AWS is slow`,
          ),
        );
      }, this.options.timeoutMs);
    });
    try {
      return await Promise.race([fn(client), timeout]);
    } catch (error) {
      throw this.mapError(target, what, error);
    } finally {
      clearTimeout(timer);
    }
  }

  private client(target: EcrRepositoryTarget): Promise<ECRClient> {
    if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(target.region)) {
      throw new InputError(
        `Invalid AWS region "${target.region}", e.g. eu-west-1`,
      );
    }
    if (target.accountId !== undefined && !/^\d{12}$/.test(target.accountId)) {
      throw new InputError(
        `Invalid AWS account ID "${target.accountId}": 12 digits`,
      );
    }
    const key = `${target.accountId ?? ''}/${target.region}`;
    let client = this.clients.get(key);
    if (!client) {
      client = (async () => {
        let provider;
        try {
          provider =
            await this.options.credentialsManager.getCredentialProvider(
              target.accountId ? { accountId: target.accountId } : {},
            );
        } catch (error) {
          this.clients.delete(key);
          throw this.error(
            target,
            UpstreamAuthenticationError,
            `no AWS credentials for this account (${
              (error as Error).message
            }); configure it under aws.accounts or aws.mainAccount`,
          );
        }
        const config: ECRClientConfig = {
          region: target.region,
          credentials: provider.sdkCredentialProvider,
          ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
          maxAttempts: 2,
        };
        return new ECRClient(config);
      })();
      this.clients.set(key, client);
    }
    return client;
  }

  private error<T extends UpstreamError>(
    target: EcrRepositoryTarget,
    ErrorClass: new (options: UpstreamErrorOptions) => T,
    detail: string,
    status?: number,
  ): T {
    return new ErrorClass({
      tool: 'ecr',
      instance: `${target.accountId ?? 'default account'}/${target.region}`,
      detail,
      status,
    });
  }

  private mapError(
    target: EcrRepositoryTarget,
    what: string,
    error: unknown,
  ): Error {
    if (error instanceof UpstreamError || error instanceof InputError) {
      return error;
    }
    const e = error as {
      name?: string;
      message?: string;
      code?: string;
      $metadata?: { httpStatusCode?: number };
    };
    const name = e?.name ?? '';
    const status = e?.$metadata?.httpStatusCode;
    const message =
      typeof e?.message === 'string' ? e.message.slice(0, 300) : '';
    if (/NotFoundException$/.test(name)) {
      const notFound = this.error(
        target,
        UpstreamNotFoundError,
        name === 'RepositoryNotFoundException'
          ? `repository "${target.repositoryName}" not found`
          : `${what} not found`,
        status,
      );
      awsErrorNames.set(notFound, name);
      return notFound;
    }
    if (
      /^(UnrecognizedClientException|InvalidSignatureException|AccessDeniedException|ExpiredToken(Exception)?|InvalidClientTokenId|CredentialsProviderError|UnauthorizedException|SignatureDoesNotMatch)$/.test(
        name,
      ) ||
      status === 401 ||
      status === 403
    ) {
      return this.error(
        target,
        UpstreamAuthenticationError,
        `AWS refused the credentials for ${what} (${name}); check the account's credentials and IAM permissions`,
        status,
      );
    }
    if (name === 'AbortError' || name === 'TimeoutError') {
      return this.error(
        target,
        UpstreamTimeoutError,
        `no answer about ${what} within ${this.options.timeoutMs} ms`,
      );
    }
    if (
      /^(ServerException|ServiceUnavailable|ThrottlingException|InternalFailure|LimitExceededException)$/.test(
        name,
      ) ||
      (status !== undefined && status >= 500) ||
      isConnectionError(e, status) ||
      /ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN/.test(message)
    ) {
      const code = networkErrorCode(e);
      return this.error(
        target,
        UpstreamUnavailableError,
        `ECR is unavailable for ${what} (${
          code ??
          (name === 'TypeError' ? 'connection lost' : name || 'network error')
        }); try again later${
          this.options.endpoint ? ' or check delivery.ecr.endpoint' : ''
        }`,
        status,
      );
    }
    if (
      /Exception$/.test(name) &&
      status !== undefined &&
      status >= 400 &&
      status < 500
    ) {
      return this.error(
        target,
        UpstreamRejectedError,
        `ECR refused the request for ${what}: ${name}: ${message}`,
        status,
      );
    }
    if (
      /^(RepositoryAlreadyExistsException|InvalidParameterException|TooManyTagsException|InvalidTagParameterException|KmsException|ValidationException)$/.test(
        name,
      )
    ) {
      return this.error(
        target,
        UpstreamRejectedError,
        `ECR refused the request for ${what}: ${name}: ${message}`,
        status,
      );
    }
    return this.error(
      target,
      UpstreamUnexpectedResponseError,
      `unexpected answer about ${what} (${name || 'unknown error'})`,
      status,
    );
  }
}

function repositoryInput(target: EcrRepositoryTarget) {
  return {
    repositoryName: checkRepositoryName(target.repositoryName),
    ...(target.accountId ? { registryId: target.accountId } : {}),
  };
}

function checkRepositoryName(name: string): string {
  if (
    name.length < 2 ||
    name.length > 256 ||
    !/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(
      name,
    )
  ) {
    throw new InputError(
      `Invalid ECR repository name "${name}": lowercase letters and digits separated by '.', '_', '-' or '/', 2 to 256 characters`,
    );
  }
  return name;
}

function checkJson(text: string, what: string) {
  try {
    JSON.parse(text);
  } catch {
    throw new InputError(`The ${what} is not valid JSON`);
  }
}

function toImage(image: ImageDetail): EcrImage {
  return clean({
    digest: image.imageDigest ?? '',
    tags: image.imageTags ?? [],
    pushedAt: image.imagePushedAt
      ? new Date(image.imagePushedAt).toISOString()
      : undefined,
    sizeBytes: image.imageSizeInBytes,
    scanStatus: image.imageScanStatus?.status,
    findingSeverityCounts:
      image.imageScanFindingsSummary?.findingSeverityCounts,
    scanCompletedAt: image.imageScanFindingsSummary?.imageScanCompletedAt
      ? new Date(
          image.imageScanFindingsSummary.imageScanCompletedAt,
        ).toISOString()
      : undefined,
  });
}

function pushedAtMs(image: ImageDetail): number {
  return image.imagePushedAt ? new Date(image.imagePushedAt).getTime() : 0;
}

/**
 * The system error code of a failed connection (`ECONNRESET`, …), looked for
 * on the error and its causes: Node's fetch and undici wrap it in a
 * `TypeError` (`fetch failed`), the AWS SDK's HTTP handler does not.
 */
function networkErrorCode(error: unknown): string | undefined {
  let current: any = error;
  for (let i = 0; i < 4 && current; i++) {
    if (
      typeof current.code === 'string' &&
      /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(current.code)
    ) {
      return current.code;
    }
    current = current.cause;
  }
  return undefined;
}

/**
 * Whether an error is a dropped or refused connection rather than an answer:
 * a system error code, or the `TypeError` fetch implementations throw for a
 * network failure (`fetch failed`, `Failed to fetch`, `Network error`,
 * `terminated`) with no HTTP status.
 */
function isConnectionError(
  error: { name?: string; message?: string },
  status: number | undefined,
): boolean {
  if (networkErrorCode(error)) {
    return true;
  }
  return (
    status === undefined &&
    error?.name === 'TypeError' &&
    /^(fetch failed|failed to fetch|network ?error|terminated|socket hang up)$/i.test(
      String(error?.message ?? '').trim(),
    )
  );
}

/** Undefined when the call failed with one of the given AWS "not found" exceptions. */
async function orUndefined<T>(
  absentWhen: string[],
  fn: () => Promise<T | undefined>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    const name = awsErrorNames.get(error as Error);
    if (name && absentWhen.includes(name)) {
      return undefined;
    }
    throw error;
  }
}

function clean<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
