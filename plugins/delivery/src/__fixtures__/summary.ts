import {
  DeliverySummaryResponse,
  PipelineRun,
} from '@slipway/plugin-delivery-common';
import { successfulRun } from './runs';

/** `GET /summary` for a service whose every source answered. */
export function summaryFor(latestRun?: PipelineRun): DeliverySummaryResponse {
  return {
    entityRef: 'component:default/payments-api',
    jenkins: {
      status: 'ok',
      data: {
        instance: 'default',
        jobFullName: 'services/payments-api',
        jobUrl: 'https://jenkins.example.com/job/services/job/payments-api/',
        latestRun,
      },
    },
    sonarqube: {
      status: 'ok',
      data: {
        instance: 'default',
        projectKey: 'payments-api',
        status: latestRun?.quality?.status === 'ERROR' ? 'ERROR' : 'OK',
        conditions:
          latestRun?.quality?.status === 'ERROR'
            ? [
                {
                  metric: 'new_coverage',
                  status: 'ERROR',
                  comparator: 'LT',
                  errorThreshold: '80',
                  actualValue: '61.5',
                },
                {
                  metric: 'new_reliability_rating',
                  status: 'OK',
                  comparator: 'GT',
                  errorThreshold: '1',
                  actualValue: '1',
                },
              ]
            : [
                {
                  metric: 'new_coverage',
                  status: 'OK',
                  comparator: 'LT',
                  errorThreshold: '80',
                  actualValue: '87.2',
                },
              ],
        measures: {
          bugs: 0,
          vulnerabilities: 1,
          securityHotspots: 2,
          codeSmells: 14,
          coverage: 87.2,
          duplicatedLinesDensity: 1.4,
          reliabilityRating: 'A',
          securityRating: 'B',
          maintainabilityRating: 'A',
          securityReviewRating: 'C',
        },
        dashboardUrl: 'https://sonarqube.example.com/dashboard?id=payments-api',
      },
    },
    trivy: latestRun?.vulnerabilities
      ? {
          status: 'ok',
          data: { ...latestRun.vulnerabilities, runId: latestRun.id },
        }
      : {
          status: 'ok',
          data: {
            source: 'trivy',
            counts: { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 },
            fixable: { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 },
            total: 0,
          },
        },
    argocd: {
      status: 'ok',
      data: {
        instance: 'main',
        applications: (successfulRun.deployments ?? []).map(
          ({ state: _state, ...app }) => app,
        ),
      },
    },
    ecr: {
      status: 'ok',
      data: {
        repositoryName: 'payments-api',
        repositoryUri:
          '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api',
        repositoryArn:
          'arn:aws:ecr:eu-west-1:123456789012:repository/payments-api',
        latestImage: successfulRun.image,
      },
    },
  };
}

export const summaryWithSuccessfulRun = summaryFor(successfulRun);

/** `GET /summary` when Jenkins timed out and SonarQube is not set up. */
export const summaryWithSourceErrors: DeliverySummaryResponse = {
  ...summaryWithSuccessfulRun,
  jenkins: {
    status: 'error',
    error: {
      name: 'UpstreamTimeoutError',
      message: 'Jenkins instance "default" did not answer within 10 seconds',
    },
  },
  sonarqube: {
    status: 'not-configured',
    reason:
      'No SonarQube instance named "sonar2" is configured; add it under sonarqube.instances',
  },
  trivy: {
    status: 'error',
    error: {
      name: 'NotFoundError',
      message: 'Run 42 archived no trivy-report.json',
    },
  },
};
