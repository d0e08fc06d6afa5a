import { Entity } from '@backstage/catalog-model';

/** An example service on the road, annotated as the template writes it. */
export const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: {
      'gitlab.com/project-slug': 'payments/payments-api',
      'jenkins.io/job-full-name': 'services/payments-api',
      'sonarqube.org/project-key': 'payments-api',
      'argocd/app-selector': 'backstage-name=payments-api',
      'aws.amazon.com/aws-ecr-repository-arn':
        'arn:aws:ecr:eu-west-1:123456789012:repository/payments-api',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
};

/** A service that is not on the road yet: no delivery annotations. */
export const legacyBilling: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'legacy-billing', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
};
