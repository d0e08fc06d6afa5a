import {
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ECRServiceException,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  ImageNotFoundException,
  LifecyclePolicyNotFoundException,
  PutLifecyclePolicyCommand,
  RepositoryAlreadyExistsException,
  RepositoryNotFoundException,
  RepositoryPolicyNotFoundException,
  ScanNotFoundException,
  ServerException,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { ConfigReader } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { mockClient } from 'aws-sdk-client-mock';
import { isUpstreamError, UpstreamError, UpstreamErrorKind } from '../errors';
import {
  ACCOUNT,
  basicScanPage1,
  basicScanPage2,
  enhancedScan,
  imageDetail,
  REGION,
  repository,
  taggedImagesPage1,
  taggedImagesPage2,
} from '../__fixtures__/ecr';
import { EcrClient } from './EcrClient';

const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const target = {
  region: REGION,
  accountId: ACCOUNT,
  repositoryName: 'payments-api',
};
const metadata = { httpStatusCode: 400, $fault: 'client' as const };

const config = new ConfigReader({
  aws: {
    accounts: [
      {
        accountId: ACCOUNT,
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: SECRET_KEY,
      },
    ],
  },
  delivery: {
    ecr: { endpoint: 'http://localhost:4566' },
    timeouts: { ecr: 100 },
  },
});

describe('EcrClient', () => {
  const ecr = mockClient(ECRClient);
  let client: EcrClient;
  beforeEach(() => {
    ecr.reset();
    client = EcrClient.fromConfig(config, {
      credentialsManager: DefaultAwsCredentialsManager.fromConfig(config),
    });
  });

  it("describes a repository with the account's credentials at the configured endpoint", async () => {
    ecr
      .on(DescribeRepositoriesCommand, {
        repositoryNames: ['payments-api'],
        registryId: ACCOUNT,
      })
      .resolves({ repositories: [repository] });
    expect(await client.describeRepository(target)).toEqual({
      repositoryName: 'payments-api',
      repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/payments-api`,
      repositoryUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/payments-api`,
      registryId: ACCOUNT,
      createdAt: '2024-05-01T08:00:00.000Z',
      imageTagMutability: 'IMMUTABLE',
      scanOnPush: true,
      encryption: { type: 'AES256' },
    });
    const sdk = ecr.call(0).thisValue as ECRClient;
    const endpoint = await sdk.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe(
      'http://localhost:4566',
    );
    expect(await sdk.config.region()).toBe(REGION);
    const credentials = await sdk.config.credentials();
    expect(credentials.accessKeyId).toBe('AKIAIOSFODNN7EXAMPLE');
  });

  it('finds no repository when ECR says it does not exist', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(
      new RepositoryNotFoundException({
        message: "The repository with name 'payments-api' does not exist",
        $metadata: metadata,
      }),
    );
    expect(await client.findRepository(target)).toBeUndefined();
    await expect(client.describeRepository(target)).rejects.toThrow(
      `ECR instance "${ACCOUNT}/${REGION}": repository "payments-api" not found`,
    );
  });

  it('creates a repository with the requested settings', async () => {
    ecr.on(CreateRepositoryCommand).resolves({ repository });
    const created = await client.createRepository({
      ...target,
      imageTagMutability: 'IMMUTABLE',
      scanOnPush: true,
      encryption: { type: 'KMS', kmsKey: 'alias/ecr' },
      tags: { team: 'payments', 'backstage-name': 'payments-api' },
    });
    expect(created.repositoryUri).toBe(repository.repositoryUri);
    expect(ecr.commandCalls(CreateRepositoryCommand)[0].args[0].input).toEqual({
      repositoryName: 'payments-api',
      registryId: ACCOUNT,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'alias/ecr' },
      tags: [
        { Key: 'team', Value: 'payments' },
        { Key: 'backstage-name', Value: 'payments-api' },
      ],
    });
  });

  it('reports an existing repository as rejected', async () => {
    ecr.on(CreateRepositoryCommand).rejects(
      new RepositoryAlreadyExistsException({
        message: 'The repository already exists',
        $metadata: metadata,
      }),
    );
    const error = await client
      .createRepository({
        ...target,
        imageTagMutability: 'IMMUTABLE',
        scanOnPush: true,
        encryption: { type: 'AES256' },
      })
      .catch(e => e);
    expect(isUpstreamError(error, 'rejected')).toBe(true);
    expect(error.message).toMatch(/RepositoryAlreadyExistsException/);
  });

  it('reads and writes the lifecycle policy', async () => {
    const policy = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: 'Expire untagged images after 14 days',
          selection: {
            tagStatus: 'untagged',
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 14,
          },
          action: { type: 'expire' },
        },
      ],
    });
    ecr
      .on(GetLifecyclePolicyCommand)
      .resolvesOnce({ lifecyclePolicyText: policy })
      .rejects(
        new LifecyclePolicyNotFoundException({
          message: 'none',
          $metadata: metadata,
        }),
      );
    ecr.on(PutLifecyclePolicyCommand).resolves({ lifecyclePolicyText: policy });
    expect(await client.getLifecyclePolicy(target)).toBe(policy);
    expect(await client.getLifecyclePolicy(target)).toBeUndefined();
    await client.putLifecyclePolicy(target, policy);
    expect(
      ecr.commandCalls(PutLifecyclePolicyCommand)[0].args[0].input
        .lifecyclePolicyText,
    ).toBe(policy);
    await expect(client.putLifecyclePolicy(target, '{nope')).rejects.toThrow(
      /lifecycle policy is not valid JSON/,
    );
  });

  it('reads and writes the repository policy', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowPull',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::210987654321:root'] },
          Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        },
      ],
    });
    ecr
      .on(GetRepositoryPolicyCommand)
      .rejectsOnce(
        new RepositoryPolicyNotFoundException({
          message: 'none',
          $metadata: metadata,
        }),
      )
      .resolves({ policyText: policy });
    ecr.on(SetRepositoryPolicyCommand).resolves({ policyText: policy });
    expect(await client.getRepositoryPolicy(target)).toBeUndefined();
    await client.setRepositoryPolicy(target, policy);
    expect(await client.getRepositoryPolicy(target)).toBe(policy);
  });

  it('describes an image by tag, or undefined when no image has it', async () => {
    ecr
      .on(DescribeImagesCommand, { imageIds: [{ imageTag: '3f2c1ab' }] })
      .resolves({ imageDetails: [imageDetail] })
      .on(DescribeImagesCommand, { imageIds: [{ imageTag: 'nope' }] })
      .rejects(
        new ImageNotFoundException({
          message: 'not found',
          $metadata: metadata,
        }),
      );
    expect(await client.describeImageByTag(target, '3f2c1ab')).toEqual({
      digest: imageDetail.imageDigest,
      tags: ['3f2c1ab'],
      pushedAt: '2024-06-10T09:17:02.000Z',
      sizeBytes: 58720256,
      scanStatus: 'COMPLETE',
      findingSeverityCounts: { HIGH: 1, MEDIUM: 1, INFORMATIONAL: 1 },
      scanCompletedAt: '2024-06-10T09:17:40.000Z',
    });
    expect(await client.describeImageByTag(target, 'nope')).toBeUndefined();
  });

  it('finds the most recently pushed tagged image across pages', async () => {
    ecr
      .on(DescribeImagesCommand)
      .callsFake(input =>
        input.nextToken === 'images-page-2-token'
          ? taggedImagesPage2
          : taggedImagesPage1,
      );
    expect(await client.describeLatestImage(target)).toEqual({
      digest: taggedImagesPage2.imageDetails[0].imageDigest,
      tags: ['5b4a3c2d', 'release-1.4.0'],
      pushedAt: '2024-06-11T07:45:30.000Z',
      sizeBytes: 58720256,
      scanStatus: 'IN_PROGRESS',
    });
    const inputs = ecr
      .commandCalls(DescribeImagesCommand)
      .map(c => c.args[0].input);
    expect(inputs).toEqual([
      {
        repositoryName: 'payments-api',
        registryId: ACCOUNT,
        filter: { tagStatus: 'TAGGED' },
        maxResults: 1000,
      },
      {
        repositoryName: 'payments-api',
        registryId: ACCOUNT,
        filter: { tagStatus: 'TAGGED' },
        maxResults: 1000,
        nextToken: 'images-page-2-token',
      },
    ]);
  });

  it('answers undefined for a repository without tagged images', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
    expect(await client.describeLatestImage(target)).toBeUndefined();
  });

  it('stops after 10 pages of images', async () => {
    ecr.on(DescribeImagesCommand).resolves(taggedImagesPage1);
    const latest = await client.describeLatestImage(target);
    expect(latest?.tags).toEqual(['3f2c1ab']);
    expect(ecr.commandCalls(DescribeImagesCommand)).toHaveLength(10);
  });

  it('reads every page of basic scan findings', async () => {
    ecr
      .on(DescribeImageScanFindingsCommand)
      .resolvesOnce(basicScanPage1)
      .resolvesOnce(basicScanPage2);
    const findings = await client.getImageScanFindings(target, {
      tag: '3f2c1ab',
    });
    expect(
      ecr
        .commandCalls(DescribeImageScanFindingsCommand)
        .map(c => c.args[0].input.nextToken),
    ).toEqual([undefined, 'page-2-token']);
    expect(findings).toMatchObject({
      source: 'ecr',
      scanStatus: 'COMPLETE',
      digest: imageDetail.imageDigest,
      scannedAt: '2024-06-10T09:17:40.000Z',
      counts: { CRITICAL: 0, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 1 },
      total: 3,
    });
    expect(findings?.findings[0]).toEqual({
      id: 'CVE-2024-6119',
      packageName: 'openssl',
      installedVersion: '3.0.13-1~deb12u1',
      severity: 'HIGH',
      title:
        'Applications performing certificate name checks might attempt to read an invalid memory address.',
      url: 'https://security-tracker.debian.org/tracker/CVE-2024-6119',
    });
  });

  it('maps enhanced (Inspector) findings with their fixes', async () => {
    ecr.on(DescribeImageScanFindingsCommand).resolves(enhancedScan);
    const findings = await client.getImageScanFindings(target, {
      digest: imageDetail.imageDigest,
    });
    expect(findings?.counts).toEqual({
      CRITICAL: 0,
      HIGH: 1,
      MEDIUM: 0,
      LOW: 0,
      UNKNOWN: 1,
    });
    expect(findings?.fixable).toEqual({
      CRITICAL: 0,
      HIGH: 1,
      MEDIUM: 0,
      LOW: 0,
      UNKNOWN: 0,
    });
    expect(findings?.findings[0]).toMatchObject({
      id: 'CVE-2024-45296',
      packageName: 'path-to-regexp',
      fixedVersion: '0.1.10',
      packageType: 'NODEPKG',
    });
  });

  it('answers undefined for an image that was never scanned', async () => {
    ecr
      .on(DescribeImageScanFindingsCommand)
      .rejects(
        new ScanNotFoundException({ message: 'no scan', $metadata: metadata }),
      );
    expect(
      await client.getImageScanFindings(target, { tag: '3f2c1ab' }),
    ).toBeUndefined();
  });

  it('refuses bad names, regions and accounts before calling AWS', async () => {
    await expect(
      client.describeRepository({ ...target, repositoryName: '../x' }),
    ).rejects.toThrow(/Invalid ECR repository name/);
    await expect(
      client.describeRepository({ ...target, region: 'evil.com' }),
    ).rejects.toThrow(/Invalid AWS region/);
    await expect(
      client.describeRepository({ ...target, accountId: '12' }),
    ).rejects.toThrow(/Invalid AWS account ID/);
    expect(ecr.calls()).toHaveLength(0);
  });

  const authError = new ECRServiceException({
    name: 'UnrecognizedClientException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'The security token included in the request is invalid.',
  });
  const connectionRefused = Object.assign(
    new Error('connect ECONNREFUSED 127.0.0.1:4566'),
    { code: 'ECONNREFUSED' },
  );
  const malformed = Object.assign(
    new SyntaxError('Unexpected token < in JSON'),
    {
      $metadata: { httpStatusCode: 200 },
    },
  );
  const cases: Array<{
    label: string;
    makeError: () => unknown;
    kind: UpstreamErrorKind;
    message: RegExp;
  }> = [
    {
      label: 'rejected credentials',
      makeError: () => authError,
      kind: 'authentication',
      message: /refused the credentials/,
    },
    {
      label: 'a missing repository',
      makeError: () =>
        new RepositoryNotFoundException({ message: 'x', $metadata: metadata }),
      kind: 'not-found',
      message: /repository "payments-api" not found/,
    },
    {
      label: 'a refused connection',
      makeError: () => connectionRefused,
      kind: 'unavailable',
      message: /ECR is unavailable .*delivery\.ecr\.endpoint/,
    },
    {
      label: 'a server error',
      makeError: () =>
        new ServerException({
          message: 'x',
          $metadata: { httpStatusCode: 500 },
        }),
      kind: 'unavailable',
      message: /ServerException/,
    },
    {
      label: 'a dropped connection (fetch TypeError with a cause)',
      makeError: () =>
        Object.assign(new TypeError('fetch failed'), {
          cause: Object.assign(new Error('other side closed'), {
            code: 'UND_ERR_SOCKET',
          }),
        }),
      kind: 'unavailable',
      message: /ECR is unavailable .*\(UND_ERR_SOCKET\)/,
    },
    {
      label: 'a dropped connection (bare network TypeError)',
      makeError: () => new TypeError('Network error'),
      kind: 'unavailable',
      message: /ECR is unavailable .*\(connection lost\)/,
    },
    {
      label: 'a TypeError that is not a network failure',
      makeError: () =>
        new TypeError("Cannot read properties of undefined (reading 'x')"),
      kind: 'unexpected-response',
      message: /unexpected answer .*\(TypeError\)/,
    },
    {
      label: 'a malformed answer',
      makeError: () => malformed,
      kind: 'unexpected-response',
      message: /unexpected answer/,
    },
  ];
  const methods: Array<
    [string, typeof DescribeRepositoriesCommand | any, () => Promise<unknown>]
  > = [
    [
      'describeRepository',
      DescribeRepositoriesCommand,
      () => client.describeRepository(target),
    ],
    [
      'createRepository',
      CreateRepositoryCommand,
      () =>
        client.createRepository({
          ...target,
          imageTagMutability: 'IMMUTABLE',
          scanOnPush: true,
          encryption: { type: 'AES256' },
        }),
    ],
    [
      'putLifecyclePolicy',
      PutLifecyclePolicyCommand,
      () => client.putLifecyclePolicy(target, '{}'),
    ],
    [
      'setRepositoryPolicy',
      SetRepositoryPolicyCommand,
      () => client.setRepositoryPolicy(target, '{}'),
    ],
    [
      'describeImageByTag',
      DescribeImagesCommand,
      () => client.describeImageByTag(target, '3f2c1ab'),
    ],
    [
      'describeLatestImage',
      DescribeImagesCommand,
      () => client.describeLatestImage(target),
    ],
    [
      'getImageScanFindings',
      DescribeImageScanFindingsCommand,
      () => client.getImageScanFindings(target, { tag: '3f2c1ab' }),
    ],
    [
      'getLifecyclePolicy',
      GetLifecyclePolicyCommand,
      () => client.getLifecyclePolicy(target),
    ],
    [
      'getRepositoryPolicy',
      GetRepositoryPolicyCommand,
      () => client.getRepositoryPolicy(target),
    ],
  ];

  describe.each(methods)('%s errors', (_, command, call) => {
    it.each(cases)(
      'turns $label into a $kind error',
      async ({ makeError, kind, message }) => {
        ecr.on(command).rejects(makeError() as Error);
        const error: UpstreamError = await call().then(
          () => {
            throw new Error('expected a failure');
          },
          e => e,
        );
        expect(isUpstreamError(error, kind)).toBe(true);
        expect(error.message).toMatch(
          new RegExp(`^ECR instance "${ACCOUNT}/${REGION}": `),
        );
        expect(error.message).toMatch(message);
        expect(error.message).not.toContain(SECRET_KEY);
      },
    );

    it('times out', async () => {
      ecr.on(command).callsFake(() => new Promise(() => {}));
      const error: any = await call().catch(e => e);
      expect(isUpstreamError(error, 'timeout')).toBe(true);
      expect(error.message).toMatch(/within 100 ms/);
    });
  });
});
