import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

// A minimal backend for working on this plugin alone: `yarn start` here, with
// the tools configured in app-config.yaml (or the toolchain simulator), then
//
//   curl http://localhost:7007/api/delivery/v1/entities/default/component/sample/summary

const backend = createBackend();

// Mock auth lets you call the API without signing in.
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());

backend.add(
  catalogServiceMock.factory({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'sample',
          annotations: {
            'jenkins.io/job-full-name': 'services/payments-api',
            'sonarqube.org/project-key': 'payments-api',
            'argocd/app-selector': 'backstage-name=payments-api',
            'aws.amazon.com/aws-ecr-repository-arn':
              'arn:aws:ecr:eu-west-1:123456789012:repository/payments-api',
          },
        },
        spec: { type: 'service', owner: 'guests', lifecycle: 'experimental' },
      },
    ],
  }),
);

backend.add(import('../src'));

backend.start();
