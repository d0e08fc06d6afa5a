import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import * as yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Create a project with the "Sonar way" gate and a webhook to the default Jenkins instance',
    example: yaml.stringify({
      steps: [
        {
          id: 'sonarqube',
          action: 'sonarqube:project:create',
          name: 'Create the SonarQube project',
          input: {
            projectKey: 'payments-api',
            name: 'payments-api',
            qualityGate: 'Sonar way',
          },
        },
      ],
    }),
  },
  {
    description:
      'Create a project on a named instance with an explicit Jenkins webhook URL and secret',
    example: yaml.stringify({
      steps: [
        {
          id: 'sonarqube',
          action: 'sonarqube:project:create',
          name: 'Create the SonarQube project',
          input: {
            instance: 'default',
            projectKey: 'payments:payments-api',
            name: 'Payments API',
            qualityGate: 'Strict',
            jenkinsWebhookUrl: 'https://jenkins.example.com/sonarqube-webhook/',
            webhookSecret: '${{ secrets.sonarqubeWebhookSecret }}',
          },
        },
      ],
    }),
  },
];
