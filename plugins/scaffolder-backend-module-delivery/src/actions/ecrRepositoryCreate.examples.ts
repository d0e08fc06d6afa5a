import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import * as yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Create a repository with the defaults: immutable tags, scan on push, AES256, keep 30 tagged images, expire untagged after 14 days',
    example: yaml.stringify({
      steps: [
        {
          id: 'ecr',
          action: 'aws:ecr:repository:create',
          name: 'Create the ECR repository',
          input: {
            repositoryName: 'payments-api',
            region: 'eu-west-1',
            accountId: '123456789012',
            tags: { 'backstage-name': 'payments-api', owner: 'payments' },
          },
        },
      ],
    }),
  },
  {
    description:
      'Create a repository encrypted with a KMS key, with a custom lifecycle and pull access for the production account',
    example: yaml.stringify({
      steps: [
        {
          id: 'ecr',
          action: 'aws:ecr:repository:create',
          name: 'Create the ECR repository',
          input: {
            repositoryName: 'payments/payments-api',
            region: 'eu-west-1',
            accountId: '123456789012',
            encryptionType: 'KMS',
            kmsKey: 'alias/ecr',
            keepTaggedImages: 100,
            expireUntaggedAfterDays: 7,
            pullAccountIds: ['210987654321'],
          },
        },
      ],
    }),
  },
];
