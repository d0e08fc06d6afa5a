import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import * as yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Check, before anything is created, that no component and no GitLab project has the new service’s name',
    example: yaml.stringify({
      steps: [
        {
          id: 'preflight',
          action: 'slipway:service:preflight',
          name: 'Check the name is free',
          input: {
            name: 'payments-api',
            repoUrl: 'gitlab.example.com?owner=payments&repo=payments-api',
          },
        },
      ],
    }),
  },
  {
    description:
      'Check only the catalog, for a template that does not create the repository',
    example: yaml.stringify({
      steps: [
        {
          id: 'preflight',
          action: 'slipway:service:preflight',
          name: 'Check the name is free in the catalog',
          input: {
            name: 'payments-worker',
            namespace: 'default',
            checks: ['catalog'],
          },
        },
      ],
    }),
  },
];
