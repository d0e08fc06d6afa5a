import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import * as yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Deploy the chart folder of a repository to the cluster Argo CD runs in, with the dev values, automated sync, prune, self-heal and CreateNamespace',
    example: yaml.stringify({
      steps: [
        {
          id: 'argocd',
          action: 'argocd:application:create',
          name: 'Create the Argo CD application',
          input: {
            appName: 'payments-api-dev',
            project: 'default',
            repoUrl: 'https://gitlab.example.com/payments/payments-api.git',
            targetRevision: 'main',
            path: 'chart',
            valueFiles: ['values-dev.yaml'],
            destinationName: 'in-cluster',
            namespace: 'payments-api',
            labels: { 'backstage-name': 'payments-api' },
          },
        },
      ],
    }),
  },
  {
    description:
      'Create the application on a named instance, in an app namespace, for a remote cluster, with manual sync',
    example: yaml.stringify({
      steps: [
        {
          id: 'argocd',
          action: 'argocd:application:create',
          name: 'Create the Argo CD application',
          input: {
            instance: 'production',
            appName: 'payments-api-production',
            project: 'payments',
            appNamespace: 'payments-apps',
            repoUrl: 'https://gitlab.example.com/payments/payments-api.git',
            targetRevision: 'main',
            path: 'chart',
            valueFiles: ['values.yaml', 'values-production.yaml'],
            destinationServer: 'https://prod-cluster.example.com:6443',
            namespace: 'payments-api',
            automated: false,
            labels: { 'backstage-name': 'payments-api', team: 'payments' },
          },
        },
      ],
    }),
  },
];
