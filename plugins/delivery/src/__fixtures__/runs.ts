import { PipelineRun, PipelineStage } from '@slipway/plugin-delivery-common';

const JENKINS =
  'https://jenkins.example.com/job/services/job/payments-api/job/main';
const IMAGE_REPOSITORY =
  '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api';

function jenkinsStages(
  statuses: PipelineStage['status'][],
  startedAt: string,
): PipelineStage[] {
  const names = [
    'Checkout',
    'Unit tests',
    'SonarQube analysis',
    'Quality gate',
    'Build image',
    'Trivy scan',
    'Push to ECR',
    'Update Helm values',
    'Push to GitLab',
  ];
  return names.map((name, i) => ({
    name,
    status: statuses[i] ?? 'not-executed',
    source: 'jenkins',
    startedAt,
    durationMs:
      statuses[i] && statuses[i] !== 'not-executed'
        ? 4000 + i * 1500
        : undefined,
  }));
}

/** Run 42: every stage passed and Argo CD runs its image. */
export const successfulRun: PipelineRun = {
  id: '42',
  number: 42,
  url: `${JENKINS}/42/`,
  jobFullName: 'services/payments-api/main',
  status: 'success',
  startedAt: '2025-05-12T09:30:00.000Z',
  durationMs: 184000,
  commit: {
    sha: '3f2c1ab9d0e4c5b6a7f8091a2b3c4d5e6f708192',
    shortSha: '3f2c1ab',
    branch: 'main',
    author: 'Ada Lovelace',
    message: 'Capture payments in two steps',
    url: 'https://gitlab.example.com/payments/payments-api/-/commit/3f2c1ab9d0e4c5b6a7f8091a2b3c4d5e6f708192',
  },
  stages: [
    ...jenkinsStages(Array(9).fill('success'), '2025-05-12T09:30:00.000Z'),
    { name: 'Sync', status: 'success', source: 'argocd', durationMs: 12000 },
    { name: 'Healthy', status: 'success', source: 'argocd', durationMs: 30000 },
  ],
  quality: {
    status: 'OK',
    dashboardUrl: 'https://sonarqube.example.com/dashboard?id=payments-api',
  },
  image: {
    repositoryUri: IMAGE_REPOSITORY,
    tag: '3f2c1ab',
    digest:
      'sha256:9b2e5d6c8f1a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c',
    pushedAt: '2025-05-12T09:32:40.000Z',
    url: 'https://console.aws.amazon.com/ecr/repositories/private/123456789012/payments-api?region=eu-west-1',
  },
  vulnerabilities: {
    source: 'trivy',
    artifactName: `${IMAGE_REPOSITORY}:3f2c1ab`,
    counts: { CRITICAL: 0, HIGH: 0, MEDIUM: 2, LOW: 1, UNKNOWN: 0 },
    fixable: { CRITICAL: 0, HIGH: 0, MEDIUM: 1, LOW: 0, UNKNOWN: 0 },
    total: 3,
  },
  deployments: [
    {
      application: 'payments-api-dev',
      instance: 'main',
      namespace: 'payments-api',
      syncStatus: 'Synced',
      healthStatus: 'Healthy',
      revision: '8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d',
      images: [`${IMAGE_REPOSITORY}:3f2c1ab`],
      deployedAt: '2025-05-12T09:34:00.000Z',
      url: 'https://argocd.example.com/applications/argocd/payments-api-dev',
      state: 'deployed',
    },
  ],
};

/** Run 43: the SonarQube quality gate failed, so nothing after it ran. */
export const failedGateRun: PipelineRun = {
  id: '43',
  number: 43,
  url: `${JENKINS}/43/`,
  jobFullName: 'services/payments-api/main',
  status: 'failed',
  startedAt: '2025-05-12T11:05:00.000Z',
  durationMs: 61000,
  commit: {
    sha: '7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b',
    shortSha: '7a8b9c0',
    branch: 'main',
    author: 'Grace Hopper',
    message: 'Retry captures on timeouts',
    url: 'https://gitlab.example.com/payments/payments-api/-/commit/7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b',
  },
  stages: jenkinsStages(
    ['success', 'success', 'success', 'failed'],
    '2025-05-12T11:05:00.000Z',
  ),
  quality: {
    status: 'ERROR',
    dashboardUrl: 'https://sonarqube.example.com/dashboard?id=payments-api',
  },
};

/** Run 44: the Trivy gate found blocking findings. */
export const failedTrivyRun: PipelineRun = {
  ...successfulRun,
  id: '44',
  number: 44,
  url: `${JENKINS}/44/`,
  status: 'failed',
  startedAt: '2025-05-12T13:00:00.000Z',
  stages: jenkinsStages(
    ['success', 'success', 'success', 'success', 'success', 'failed'],
    '2025-05-12T13:00:00.000Z',
  ),
  vulnerabilities: {
    source: 'trivy',
    artifactName: `${IMAGE_REPOSITORY}:3f2c1ab`,
    counts: { CRITICAL: 1, HIGH: 2, MEDIUM: 2, LOW: 1, UNKNOWN: 0 },
    fixable: { CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 0 },
    total: 6,
  },
  deployments: undefined,
};
