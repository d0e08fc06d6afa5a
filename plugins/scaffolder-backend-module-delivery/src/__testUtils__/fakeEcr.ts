import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  LifecyclePolicyNotFoundException,
  PutLifecyclePolicyCommand,
  Repository,
  RepositoryAlreadyExistsException,
  RepositoryNotFoundException,
  RepositoryPolicyNotFoundException,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';

const READS = [
  'DescribeRepositoriesCommand',
  'GetLifecyclePolicyCommand',
  'GetRepositoryPolicyCommand',
];

type State = {
  repository: Repository;
  lifecyclePolicy?: string;
  policy?: string;
};

/**
 * A stateful stand-in for the ECR API at the SDK edge: answers shaped like
 * ECR's (ARN, URI, registry id, the service's own exceptions).
 */
export function fakeEcr(ecr: AwsClientStub<ECRClient>, existing: State[] = []) {
  const repos = new Map(
    existing.map(s => [s.repository.repositoryName!, structuredClone(s)]),
  );
  const meta = {
    httpStatusCode: 400,
    requestId: 'a1b2c3d4',
    attempts: 1,
    totalRetryDelay: 0,
  };
  const notFound = (name: string, registryId: string) =>
    new RepositoryNotFoundException({
      message: `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
      $metadata: meta,
    });

  ecr.on(DescribeRepositoriesCommand).callsFake(input => {
    const name = input.repositoryNames[0];
    const state = repos.get(name);
    if (!state) throw notFound(name, input.registryId ?? '123456789012');
    return { repositories: [state.repository] };
  });
  ecr.on(CreateRepositoryCommand).callsFake(input => {
    const registryId = input.registryId ?? '123456789012';
    if (repos.has(input.repositoryName)) {
      throw new RepositoryAlreadyExistsException({
        message: `The repository with name '${input.repositoryName}' already exists in the registry with id '${registryId}'`,
        $metadata: meta,
      });
    }
    const repository: Repository = {
      repositoryArn: `arn:aws:ecr:eu-west-1:${registryId}:repository/${input.repositoryName}`,
      registryId,
      repositoryName: input.repositoryName,
      repositoryUri: `${registryId}.dkr.ecr.eu-west-1.amazonaws.com/${input.repositoryName}`,
      createdAt: new Date('2024-05-02T10:00:00Z'),
      imageTagMutability: input.imageTagMutability ?? 'MUTABLE',
      imageScanningConfiguration: {
        scanOnPush: input.imageScanningConfiguration?.scanOnPush ?? false,
      },
      encryptionConfiguration:
        input.encryptionConfiguration?.encryptionType === 'KMS'
          ? {
              encryptionType: 'KMS',
              kmsKey: `arn:aws:kms:eu-west-1:${registryId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
            }
          : { encryptionType: 'AES256' },
    };
    repos.set(input.repositoryName, { repository });
    return { repository };
  });
  ecr.on(GetLifecyclePolicyCommand).callsFake(input => {
    const state = repos.get(input.repositoryName);
    if (!state) throw notFound(input.repositoryName, input.registryId ?? '');
    if (!state.lifecyclePolicy) {
      throw new LifecyclePolicyNotFoundException({
        message: `Lifecycle policy does not exist for the repository with name '${input.repositoryName}' in the registry with id '${state.repository.registryId}'`,
        $metadata: meta,
      });
    }
    return {
      registryId: state.repository.registryId,
      repositoryName: input.repositoryName,
      lifecyclePolicyText: state.lifecyclePolicy,
      lastEvaluatedAt: new Date('2024-05-02T10:00:00Z'),
    };
  });
  ecr.on(PutLifecyclePolicyCommand).callsFake(input => {
    // ECR stores the policy normalised: reformatted with other whitespace.
    repos.get(input.repositoryName)!.lifecyclePolicy = JSON.stringify(
      JSON.parse(input.lifecyclePolicyText),
      null,
      2,
    );
    return {
      registryId: input.registryId,
      repositoryName: input.repositoryName,
      lifecyclePolicyText: input.lifecyclePolicyText,
    };
  });
  ecr.on(GetRepositoryPolicyCommand).callsFake(input => {
    const state = repos.get(input.repositoryName);
    if (!state) throw notFound(input.repositoryName, input.registryId ?? '');
    if (!state.policy) {
      throw new RepositoryPolicyNotFoundException({
        message: `Repository policy does not exist for the repository with name '${input.repositoryName}' in the registry with id '${state.repository.registryId}'`,
        $metadata: meta,
      });
    }
    return { repositoryName: input.repositoryName, policyText: state.policy };
  });
  ecr.on(SetRepositoryPolicyCommand).callsFake(input => {
    // ECR collapses one-element lists and pretty-prints stored policies.
    const policy = JSON.parse(input.policyText);
    for (const statement of policy.Statement) {
      if (
        Array.isArray(statement.Principal?.AWS) &&
        statement.Principal.AWS.length === 1
      ) {
        statement.Principal.AWS = statement.Principal.AWS[0];
      }
    }
    repos.get(input.repositoryName)!.policy = JSON.stringify(policy, null, 2);
    return {
      repositoryName: input.repositoryName,
      policyText: input.policyText,
    };
  });

  return {
    repos,
    mutatingCalls: () =>
      ecr
        .calls()
        .map(call => (call.args[0] as any).constructor.name as string)
        .filter(name => !READS.includes(name)),
  };
}

export function createEcrMock() {
  return mockClient(ECRClient);
}
