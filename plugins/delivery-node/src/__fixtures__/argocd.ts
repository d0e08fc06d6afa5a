/** Argo CD API (`/api/v1/…`) responses, as the Argo CD server returns them. */

export const ARGOCD_BASE_URL = 'https://argocd.example.com';

export function application(
  name: string,
  overrides: { image?: string; sync?: string; health?: string } = {},
) {
  return {
    metadata: {
      name,
      namespace: 'argocd',
      uid: '5c9b2f1e-7a3d-4e8b-9f0a-1b2c3d4e5f60',
      resourceVersion: '812345',
      generation: 42,
      creationTimestamp: '2024-05-01T08:00:00Z',
      labels: { 'backstage-name': 'payments-api', env: name.split('-').pop() },
    },
    spec: {
      source: {
        repoURL: 'https://gitlab.example.com/payments/payments-api.git',
        path: 'chart',
        targetRevision: 'main',
        helm: { valueFiles: [`values-${name.split('-').pop()}.yaml`] },
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'payments-prd',
      },
      project: 'payments',
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true'],
      },
    },
    status: {
      resources: [
        {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          namespace: 'payments-prd',
          name: 'payments-api',
          status: 'Synced',
          health: { status: 'Healthy' },
        },
      ],
      sync: {
        status: overrides.sync ?? 'Synced',
        comparedTo: {
          source: {
            repoURL: 'https://gitlab.example.com/payments/payments-api.git',
            path: 'chart',
            targetRevision: 'main',
          },
          destination: {
            server: 'https://kubernetes.default.svc',
            namespace: 'payments-prd',
          },
        },
        revision: 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0',
      },
      health: { status: overrides.health ?? 'Healthy' },
      history: [
        {
          revision: 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9',
          deployedAt: '2024-06-09T10:00:00Z',
          id: 11,
          source: {
            repoURL: 'https://gitlab.example.com/payments/payments-api.git',
            path: 'chart',
            targetRevision: 'main',
          },
          deployStartedAt: '2024-06-09T09:59:50Z',
        },
        {
          revision: 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0',
          deployedAt: '2024-06-10T09:20:00Z',
          id: 12,
          source: {
            repoURL: 'https://gitlab.example.com/payments/payments-api.git',
            path: 'chart',
            targetRevision: 'main',
          },
          deployStartedAt: '2024-06-10T09:19:48Z',
        },
      ],
      reconciledAt: '2024-06-10T09:25:00Z',
      operationState: {
        operation: {
          sync: { revision: 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0' },
        },
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        startedAt: '2024-06-10T09:19:48Z',
        finishedAt: '2024-06-10T09:20:00Z',
      },
      sourceType: 'Helm',
      summary: {
        images: [
          overrides.image ??
            '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:3f2c1ab',
        ],
      },
    },
  };
}

export const applicationList = {
  metadata: { resourceVersion: '812399' },
  items: [
    application('payments-api-stg'),
    application('payments-api-prd', {
      sync: 'OutOfSync',
      health: 'Progressing',
    }),
  ],
};

/** Argo CD sends `items: null`, not `[]`, when nothing matches. */
export const emptyApplicationList = {
  metadata: { resourceVersion: '812399' },
  items: null,
};

export const revisionMetadata = {
  author: 'slipway-bot <slipway-bot@example.com>',
  date: '2024-06-10T09:18:00Z',
  tags: [],
  message: 'chore(payments-api): deploy 3f2c1ab [skip ci]',
};

export const notFound = {
  error: 'applications.argoproj.io "payments-api-dev" not found',
  code: 5,
  message: 'applications.argoproj.io "payments-api-dev" not found',
};

/**
 * What Argo CD answers for an application that does not exist, or that the
 * account may not see: the same 403, so that names cannot be probed.
 */
export const permissionDenied = {
  error: 'permission denied',
  code: 7,
  message: 'permission denied',
};

export const specDiffers = {
  error:
    'existing application spec is different, use upsert flag to force update',
  code: 3,
  message:
    'existing application spec is different, use upsert flag to force update',
};
