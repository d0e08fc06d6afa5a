import {
  DeploymentInfo,
  ImageInfo,
  PipelineRun,
  QualityReport,
  VulnerabilityReport,
  VulnerabilitySummary,
} from './model';

/**
 * The sources of a delivery summary.
 *
 * @public
 */
export const DELIVERY_SOURCES = [
  'jenkins',
  'sonarqube',
  'trivy',
  'argocd',
  'ecr',
] as const;

/**
 * One source of a delivery summary.
 *
 * @public
 */
export type DeliverySource = (typeof DELIVERY_SOURCES)[number];

/**
 * The result of one source: one source down never hides the others.
 *
 * @public
 */
export type SourceResult<T> =
  | { status: 'ok'; data: T }
  | {
      status: 'not-configured';
      /** Which annotation or config is missing, e.g. "add the annotation `jenkins.io/job-full-name`". */
      reason: string;
    }
  | {
      status: 'error';
      /** `name` is the error class, e.g. `UpstreamTimeoutError`; `message` is safe to show. */
      error: { name: string; message: string };
    };

/**
 * `jenkins` data of a summary.
 *
 * @public
 */
export type JenkinsSourceData = {
  instance: string;
  jobFullName: string;
  /** Link to the job in Jenkins. */
  jobUrl: string;
  latestRun?: PipelineRun;
};

/**
 * `sonarqube` data of a summary.
 *
 * @public
 */
export type SonarQubeSourceData = QualityReport & { instance: string };

/**
 * `trivy` data of a summary: the latest run's report counts.
 *
 * @public
 */
export type TrivySourceData = VulnerabilitySummary & {
  /** The Jenkins run the report belongs to. */
  runId?: string;
};

/**
 * `argocd` data of a summary.
 *
 * @public
 */
export type ArgoCdSourceData = {
  instance: string;
  applications: DeploymentInfo[];
};

/**
 * `ecr` data of a summary.
 *
 * @public
 */
export type EcrSourceData = {
  repositoryName: string;
  repositoryUri: string;
  repositoryArn: string;
  /** Link to the repository in the AWS console. */
  url?: string;
  latestImage?: ImageInfo & { scan?: VulnerabilitySummary };
};

/**
 * `GET /api/delivery/v1/entities/:namespace/:kind/:name/summary`.
 *
 * @public
 */
export type DeliverySummaryResponse = {
  entityRef: string;
  jenkins: SourceResult<JenkinsSourceData>;
  sonarqube: SourceResult<SonarQubeSourceData>;
  trivy: SourceResult<TrivySourceData>;
  argocd: SourceResult<ArgoCdSourceData>;
  ecr: SourceResult<EcrSourceData>;
};

/**
 * `GET /api/delivery/v1/entities/:namespace/:kind/:name/runs?limit=`.
 *
 * @public
 */
export type DeliveryRunsResponse = {
  entityRef: string;
  runs: PipelineRun[];
};

/**
 * `GET /api/delivery/v1/entities/:namespace/:kind/:name/vulnerabilities?run=`.
 *
 * @public
 */
export type DeliveryVulnerabilitiesResponse = {
  entityRef: string;
  runId: string;
  /** Findings sorted by severity, then fixable first. */
  report: VulnerabilityReport;
};
