import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
} from '@aws-sdk/client-ecr';
import { createEcrMock, fakeEcr } from '../__testUtils__/fakeEcr';
import {
  expectNoSecrets,
  testClients,
  testContext,
} from '../__testUtils__/testing';
import {
  createEcrRepositoryCreateAction,
  lifecyclePolicy,
} from './ecrRepositoryCreate';

const input = {
  repositoryName: 'payments-api',
  region: 'eu-west-1',
  accountId: '123456789012',
  tags: { 'backstage-name': 'payments-api', owner: 'payments' },
};
const uri = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api';
const arn = 'arn:aws:ecr:eu-west-1:123456789012:repository/payments-api';

describe('aws:ecr:repository:create', () => {
  const ecrMock = createEcrMock();
  beforeEach(() => ecrMock.reset());
  afterAll(() => ecrMock.restore());

  const action = (timeoutMs?: number) =>
    createEcrRepositoryCreateAction({ ecr: testClients(timeoutMs).ecr });

  it('creates the repository with the defaults and the lifecycle policy', async () => {
    const fake = fakeEcr(ecrMock);
    const { ctx, outputs, logs } = testContext(input);

    await action().handler(ctx);

    expect(fake.mutatingCalls()).toEqual([
      'CreateRepositoryCommand',
      'PutLifecyclePolicyCommand',
    ]);
    expect(
      ecrMock.commandCalls(CreateRepositoryCommand)[0].args[0].input,
    ).toEqual({
      repositoryName: 'payments-api',
      registryId: '123456789012',
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'AES256' },
      tags: [
        { Key: 'backstage-name', Value: 'payments-api' },
        { Key: 'owner', Value: 'payments' },
      ],
    });
    expect(
      JSON.parse(fake.repos.get('payments-api')!.lifecyclePolicy!),
    ).toEqual({
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
        {
          rulePriority: 2,
          description: 'Keep the last 30 tagged images',
          selection: {
            tagStatus: 'tagged',
            tagPatternList: ['*'],
            countType: 'imageCountMoreThan',
            countNumber: 30,
          },
          action: { type: 'expire' },
        },
      ],
    });
    expect(outputs).toEqual({ repositoryUri: uri, repositoryArn: arn });
    expect(logs()).toContain(
      `Created the ECR repository ${arn}: https://eu-west-1.console.aws.amazon.com/ecr/repositories/private/123456789012/payments-api?region=eu-west-1`,
    );
    expectNoSecrets(logs());
  });

  it('creates a KMS-encrypted repository with pull access for other accounts', async () => {
    const fake = fakeEcr(ecrMock);
    const { ctx } = testContext({
      ...input,
      encryptionType: 'KMS',
      kmsKey: 'alias/ecr',
      pullAccountIds: ['210987654321'],
    });

    await action().handler(ctx);

    expect(
      ecrMock.commandCalls(CreateRepositoryCommand)[0].args[0].input
        .encryptionConfiguration,
    ).toEqual({ encryptionType: 'KMS', kmsKey: 'alias/ecr' });
    expect(JSON.parse(fake.repos.get('payments-api')!.policy!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowPullFromOtherAccounts',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::210987654321:root' },
          Action: [
            'ecr:BatchCheckLayerAvailability',
            'ecr:BatchGetImage',
            'ecr:GetDownloadUrlForLayer',
          ],
        },
      ],
    });
  });

  it('reuses the repository and its policies on a second run', async () => {
    const fake = fakeEcr(ecrMock);
    const withPull = { ...input, pullAccountIds: ['210987654321'] };
    await action().handler(testContext(withPull).ctx);
    ecrMock.resetHistory();

    const { ctx, outputs, logs } = testContext(withPull);
    await action().handler(ctx);

    expect(fake.mutatingCalls()).toEqual([]);
    expect(outputs).toEqual({ repositoryUri: uri, repositoryArn: arn });
    expect(logs()).toEqual(
      expect.arrayContaining([
        `Reusing the existing ECR repository ${arn} (same settings): https://eu-west-1.console.aws.amazon.com/ecr/repositories/private/123456789012/payments-api?region=eu-west-1`,
        'The lifecycle policy is already in place',
        'The pull policy is already in place',
      ]),
    );
  });

  it('finishes a repository a failed run created without its lifecycle policy', async () => {
    const fake = fakeEcr(ecrMock);
    await action().handler(testContext(input).ctx);
    fake.repos.get('payments-api')!.lifecyclePolicy = undefined;
    ecrMock.resetHistory();

    await action().handler(testContext(input).ctx);

    expect(fake.mutatingCalls()).toEqual(['PutLifecyclePolicyCommand']);
  });

  it('fails clearly when the repository exists with other settings', async () => {
    const fake = fakeEcr(ecrMock);
    await action().handler(
      testContext({ ...input, imageTagMutability: 'MUTABLE' }).ctx,
    );
    ecrMock.resetHistory();

    await expect(action().handler(testContext(input).ctx)).rejects.toThrow(
      'The ECR repository "payments-api" already exists in 123456789012 in eu-west-1 with other settings: imageTagMutability is MUTABLE (requested IMMUTABLE)',
    );
    expect(fake.mutatingCalls()).toEqual([]);
  });

  it('fails clearly when the repository has another lifecycle policy', async () => {
    const fake = fakeEcr(ecrMock);
    await action().handler(testContext(input).ctx);
    fake.repos.get('payments-api')!.lifecyclePolicy = lifecyclePolicy(5, 1);
    ecrMock.resetHistory();

    await expect(action().handler(testContext(input).ctx)).rejects.toThrow(
      'already has a different lifecycle policy',
    );
    expect(fake.mutatingCalls()).toEqual([]);
  });

  it.each([
    [
      { repositoryName: 'a' },
      'Invalid input "repositoryName": an ECR repository name has 2 to 256 characters, got 1',
    ],
    [
      { repositoryName: 'a'.repeat(257) },
      'Invalid input "repositoryName": an ECR repository name has 2 to 256 characters, got 257',
    ],
    [
      { repositoryName: 'Payments' },
      'Invalid input "repositoryName": "Payments" is not a valid ECR repository name',
    ],
    [{ repositoryName: 'payments--api' }, 'is not a valid ECR repository name'],
    [{ repositoryName: 'team//api' }, 'is not a valid ECR repository name'],
    [
      { region: 'Europe' },
      'Invalid input "region": "Europe" is not an AWS region code',
    ],
    [
      { accountId: '1234' },
      'Invalid input "accountId": "1234" is not an AWS account ID',
    ],
    [{ imageTagMutability: 'SOMETIMES' }, 'Invalid input "imageTagMutability"'],
    [
      { kmsKey: 'alias/ecr', encryptionType: 'AES256' },
      'Invalid input "kmsKey": a KMS key only applies with encryptionType KMS',
    ],
    [
      { keepTaggedImages: 0 },
      'Invalid input "keepTaggedImages": use a whole number from 1 to 1000',
    ],
    [
      { expireUntaggedAfterDays: 1.5 },
      'Invalid input "expireUntaggedAfterDays"',
    ],
    [
      { tags: { 'aws:owner': 'x' } },
      'Invalid input "tags": the key "aws:owner" uses the reserved prefix',
    ],
    [{ pullAccountIds: ['12'] }, 'Invalid input "pullAccountIds[0]"'],
  ])('rejects %o before sending anything', async (change, message) => {
    fakeEcr(ecrMock);
    await expect(
      action().handler(testContext({ ...input, ...change }).ctx),
    ).rejects.toThrow(message);
    expect(ecrMock.calls()).toEqual([]);
  });

  it('reports refused credentials without the secret', async () => {
    ecrMock.on(DescribeRepositoriesCommand).rejects(
      Object.assign(
        new Error('The security token included in the request is invalid.'),
        {
          name: 'UnrecognizedClientException',
          $metadata: { httpStatusCode: 400 },
        },
      ),
    );
    const error = await action()
      .handler(testContext(input).ctx)
      .catch(e => e);
    expect(error.message).toMatch(
      /^ECR instance "123456789012\/eu-west-1": AWS refused the credentials/,
    );
    expectNoSecrets([error.message]);
  });

  it('reports a timeout', async () => {
    ecrMock
      .on(DescribeRepositoriesCommand)
      .callsFake(
        () => new Promise(resolve => setTimeout(() => resolve({}), 500)),
      );
    await expect(action(50).handler(testContext(input).ctx)).rejects.toThrow(
      /^ECR instance "123456789012\/eu-west-1": no answer about repository "payments-api" within 50 ms/,
    );
  });

  it('sends nothing in a dry run and still sets every output', async () => {
    fakeEcr(ecrMock);
    const { ctx, outputs } = testContext(input, { isDryRun: true });
    await action().handler(ctx);
    expect(ecrMock.calls()).toEqual([]);
    expect(outputs).toEqual({ repositoryUri: uri, repositoryArn: arn });
  });
});
