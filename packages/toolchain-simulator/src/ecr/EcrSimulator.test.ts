import {
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  PutLifecyclePolicyCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { RunningSimulator } from '../startSimulator';
import { startTestSimulator } from '../testUtils';

jest.setTimeout(60000);

describe('ECR simulator with the AWS SDK', () => {
  let sim: RunningSimulator;
  let ecr: ECRClient;

  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'slipway' });
    ecr = client(
      sim.credentials.aws.accessKeyId,
      sim.credentials.aws.secretAccessKey,
    );
  });
  afterAll(() => sim.stop());

  function client(accessKeyId: string, secretAccessKey: string) {
    return new ECRClient({
      region: 'eu-west-1',
      endpoint: sim.urls.ecr,
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    });
  }

  it('creates and describes a repository with lifecycle and pull policies', async () => {
    const created = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'checkout-api',
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: { encryptionType: 'AES256' },
        tags: [{ Key: 'backstage-name', Value: 'checkout-api' }],
      }),
    );
    expect(created.repository).toMatchObject({
      repositoryName: 'checkout-api',
      repositoryArn:
        'arn:aws:ecr:eu-west-1:123456789012:repository/checkout-api',
      repositoryUri:
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout-api',
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
    });
    expect(created.repository?.createdAt).toBeInstanceOf(Date);

    const policy = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          selection: {
            tagStatus: 'any',
            countType: 'imageCountMoreThan',
            countNumber: 30,
          },
          action: { type: 'expire' },
        },
      ],
    });
    await ecr.send(
      new PutLifecyclePolicyCommand({
        repositoryName: 'checkout-api',
        lifecyclePolicyText: policy,
      }),
    );
    const lifecycle = await ecr.send(
      new GetLifecyclePolicyCommand({ repositoryName: 'checkout-api' }),
    );
    expect(JSON.parse(lifecycle.lifecyclePolicyText!)).toEqual(
      JSON.parse(policy),
    );

    const pull = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'pull',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::210987654321:root' },
          Action: ['ecr:BatchGetImage'],
        },
      ],
    });
    await ecr.send(
      new SetRepositoryPolicyCommand({
        repositoryName: 'checkout-api',
        policyText: pull,
      }),
    );
    const got = await ecr.send(
      new GetRepositoryPolicyCommand({ repositoryName: 'checkout-api' }),
    );
    expect(got.policyText).toBe(pull);

    const described = await ecr.send(
      new DescribeRepositoriesCommand({ repositoryNames: ['checkout-api'] }),
    );
    expect(described.repositories?.map(r => r.repositoryName)).toEqual([
      'checkout-api',
    ]);
  });

  it('answers with the AWS error types', async () => {
    await expect(
      ecr.send(new CreateRepositoryCommand({ repositoryName: 'payments-api' })),
    ).rejects.toMatchObject({
      name: 'RepositoryAlreadyExistsException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })),
    ).rejects.toMatchObject({
      name: 'RepositoryNotFoundException',
      message:
        "The repository with name 'nope' does not exist in the registry with id '123456789012'",
    });
    await expect(
      ecr
        .send(
          new GetLifecyclePolicyCommand({ repositoryName: 'orders-service' }),
        )
        .then(() =>
          ecr.send(
            new GetRepositoryPolicyCommand({
              repositoryName: 'orders-service',
            }),
          ),
        ),
    ).rejects.toMatchObject({ name: 'RepositoryPolicyNotFoundException' });
    await expect(
      ecr.send(new CreateRepositoryCommand({ repositoryName: 'Bad Name' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('lists seeded images with scan findings', async () => {
    const images = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'payments-api' }),
    );
    expect(images.imageDetails!.length).toBeGreaterThanOrEqual(5);
    const latest = images.imageDetails![0];
    expect(latest.imageTags![0]).toMatch(/^[0-9a-f]{8}$/);
    expect(latest.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(latest.imageScanStatus?.status).toBe('COMPLETE');

    const findings = await ecr.send(
      new DescribeImageScanFindingsCommand({
        repositoryName: 'payments-api',
        imageId: { imageTag: latest.imageTags![0] },
      }),
    );
    const counts = findings.imageScanFindings!.findingSeverityCounts ?? {};
    expect(Object.values(counts).reduce((a, b) => a + (b ?? 0), 0)).toBe(
      findings.imageScanFindings!.findings!.length,
    );
    await expect(
      ecr.send(
        new DescribeImageScanFindingsCommand({
          repositoryName: 'payments-api',
          imageId: { imageTag: 'missing' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ImageNotFoundException' });
  });

  it('refuses wrong keys, wrong signatures and unsigned requests like AWS', async () => {
    await expect(
      client('AKIAWRONGWRONGWRONG0', 'x').send(
        new DescribeRepositoriesCommand({}),
      ),
    ).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      client(sim.credentials.aws.accessKeyId, 'not-the-secret').send(
        new DescribeRepositoriesCommand({}),
      ),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException' });

    const response = await fetch(sim.urls.ecr, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target':
          'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });
});
