import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import * as yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Open the onboarding merge request from the branch pushed by an earlier step, or update it on a second run',
    example: yaml.stringify({
      steps: [
        {
          id: 'merge-request',
          action: 'gitlab:mergeRequest:ensure',
          name: 'Open or update the merge request',
          input: {
            repoUrl: 'gitlab.example.com?owner=payments&repo=payments-api',
            sourceBranch: 'slipway/onboard-payments-api',
            title: 'Put payments-api on the road',
            description:
              'Adds the Jenkinsfile, the Helm chart and the delivery annotations.',
            labels: ['slipway-onboarding'],
            removeSourceBranch: true,
          },
        },
      ],
    }),
  },
  {
    description: 'Target a release branch instead of the default branch',
    example: yaml.stringify({
      steps: [
        {
          id: 'merge-request',
          action: 'gitlab:mergeRequest:ensure',
          name: 'Propose the fix for the release',
          input: {
            repoUrl: 'gitlab.example.com?owner=payments&repo=payments-api',
            sourceBranch: 'fix/invoice-rounding',
            targetBranch: 'release/2.4',
            title: 'Round invoice totals half-even',
          },
        },
      ],
    }),
  },
];
