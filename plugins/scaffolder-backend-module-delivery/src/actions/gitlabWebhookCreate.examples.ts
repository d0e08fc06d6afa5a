import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import * as yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Trigger the Jenkins job created by an earlier step on push and merge request events',
    example: yaml.stringify({
      steps: [
        {
          id: 'webhook',
          action: 'gitlab:webhook:create',
          name: 'Trigger Jenkins on push',
          input: {
            repoUrl: 'gitlab.example.com?owner=payments&repo=payments-api',
            hookUrl: 'https://jenkins.example.com/gitlab-webhook/post',
            events: ['push', 'merge_requests'],
            secretToken: '${{ secrets.gitlabWebhookSecretToken }}',
            enableSslVerification: true,
          },
        },
      ],
    }),
  },
  {
    description: 'Add a hook for tag pushes only, with the defaults otherwise',
    example: yaml.stringify({
      steps: [
        {
          id: 'webhook',
          action: 'gitlab:webhook:create',
          name: 'Notify the release service',
          input: {
            repoUrl: 'gitlab.example.com?owner=payments&repo=payments-api',
            hookUrl: 'https://releases.example.com/hooks/gitlab',
            events: ['tag_push'],
          },
        },
      ],
    }),
  },
];
