import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import * as yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Create a multibranch pipeline for a GitLab project in the folder "services"',
    example: yaml.stringify({
      steps: [
        {
          id: 'jenkins',
          action: 'jenkins:job:create',
          name: 'Create the Jenkins job',
          input: {
            folder: 'services',
            jobName: 'payments-api',
            repoUrl: 'gitlab.example.com?owner=payments&repo=payments-api',
            credentialsId: 'gitlab-checkout',
          },
        },
      ],
    }),
  },
  {
    description:
      'Create a pipeline job that builds only the main branch, triggered by the GitLab plugin',
    example: yaml.stringify({
      steps: [
        {
          id: 'jenkins',
          action: 'jenkins:job:create',
          name: 'Create the Jenkins job',
          input: {
            instance: 'default',
            folder: 'teams/payments',
            jobName: 'payments-api',
            repoUrl: 'gitlab.example.com?owner=payments&repo=payments-api',
            credentialsId: 'gitlab-checkout',
            kind: 'pipeline',
            branch: 'main',
            gitlabServerName: 'gitlab',
            description: 'Builds payments-api on every push to main',
          },
        },
      ],
    }),
  },
];
