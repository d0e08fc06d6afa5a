/**
 * The pipeline model (DESIGN §4): one run is one Jenkins build of one commit,
 * followed by the Argo CD deployment of the image it pushed.
 */

/**
 * The stages of the skeleton's Jenkinsfile, in order.
 *
 * @public
 */
export const PIPELINE_STAGE_NAMES = [
  'Checkout',
  'Unit tests',
  'SonarQube analysis',
  'Quality gate',
  'Build image',
  'Trivy scan',
  'Push to ECR',
  'Update Helm values',
  'Push to GitLab',
] as const;

/**
 * The stages Argo CD adds after the Jenkins build, in order.
 *
 * @public
 */
export const DEPLOYMENT_STAGE_NAMES = ['Sync', 'Healthy'] as const;

/**
 * A stage name of the road. Stage names come from Jenkins; names outside
 * {@link PIPELINE_STAGE_NAMES} are kept as they are.
 *
 * @public
 */
export type PipelineStageName =
  | (typeof PIPELINE_STAGE_NAMES)[number]
  | (typeof DEPLOYMENT_STAGE_NAMES)[number]
  | (string & {});

/**
 * The state of a run or a stage.
 *
 * @public
 */
export type PipelineStatus =
  | 'success'
  | 'failed'
  | 'unstable'
  | 'aborted'
  | 'running'
  | 'paused'
  | 'pending'
  | 'not-executed'
  | 'unknown';

/**
 * One stage of a run.
 *
 * @public
 */
export type PipelineStage = {
  name: PipelineStageName;
  status: PipelineStatus;
  /** Which tool reported the stage. */
  source: 'jenkins' | 'argocd';
  /** ISO 8601 timestamp. */
  startedAt?: string;
  durationMs?: number;
};

/**
 * The commit a run built.
 *
 * @public
 */
export type CommitInfo = {
  sha: string;
  shortSha: string;
  branch?: string;
  author?: string;
  message?: string;
  /** Link to the commit in GitLab. */
  url?: string;
};

/**
 * A SonarQube quality gate status.
 *
 * @public
 */
export type QualityGateStatus = 'OK' | 'WARN' | 'ERROR' | 'NONE';

/**
 * A letter rating as SonarQube shows it (1.0 = A … 5.0 = E).
 *
 * @public
 */
export type QualityRating = 'A' | 'B' | 'C' | 'D' | 'E';

/**
 * One condition of a quality gate.
 *
 * @public
 */
export type QualityGateCondition = {
  metric: string;
  status: QualityGateStatus;
  comparator?: string;
  errorThreshold?: string;
  actualValue?: string;
};

/**
 * The measures behind a quality gate.
 *
 * @public
 */
export type QualityMeasures = {
  bugs?: number;
  vulnerabilities?: number;
  securityHotspots?: number;
  codeSmells?: number;
  /** Percent. */
  coverage?: number;
  /** Percent of duplicated lines. */
  duplicatedLinesDensity?: number;
  reliabilityRating?: QualityRating;
  securityRating?: QualityRating;
  maintainabilityRating?: QualityRating;
  securityReviewRating?: QualityRating;
};

/**
 * What SonarQube says about a project.
 *
 * @public
 */
export type QualityReport = {
  projectKey: string;
  status: QualityGateStatus;
  conditions: QualityGateCondition[];
  measures?: QualityMeasures;
  /** Link to the project dashboard. */
  dashboardUrl?: string;
};

/**
 * The image a run pushed.
 *
 * @public
 */
export type ImageInfo = {
  /** e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api`. */
  repositoryUri: string;
  /** The short commit sha. */
  tag: string;
  /** `sha256:…` manifest digest. */
  digest?: string;
  /** ISO 8601 timestamp. */
  pushedAt?: string;
  /** Link to the image in the AWS console. */
  url?: string;
};

/**
 * Vulnerability severities, most severe first.
 *
 * @public
 */
export const VULNERABILITY_SEVERITIES = [
  'CRITICAL',
  'HIGH',
  'MEDIUM',
  'LOW',
  'UNKNOWN',
] as const;

/**
 * A vulnerability severity. Anything a scanner reports outside this list is
 * counted as `UNKNOWN`.
 *
 * @public
 */
export type VulnerabilitySeverity = (typeof VULNERABILITY_SEVERITIES)[number];

/**
 * A count per severity.
 *
 * @public
 */
export type SeverityCounts = Record<VulnerabilitySeverity, number>;

/**
 * One vulnerability in one package of one target.
 *
 * @public
 */
export type VulnerabilityFinding = {
  /** e.g. `CVE-2024-1234` or `GHSA-…`. */
  id: string;
  packageName: string;
  installedVersion?: string;
  /** Absent when no fix exists. */
  fixedVersion?: string;
  severity: VulnerabilitySeverity;
  title?: string;
  url?: string;
  /** The scanned target, e.g. `app/package-lock.json` or `payments-api (alpine 3.20.3)`. */
  target?: string;
  /** e.g. `alpine`, `npm`, `gobinary`. */
  packageType?: string;
};

/**
 * The counts of a vulnerability report, without the findings.
 *
 * @public
 */
export type VulnerabilitySummary = {
  /** Where the report comes from. */
  source: 'trivy' | 'ecr';
  /** The scanned artifact, e.g. `…/payments-api:3f2c1ab`. */
  artifactName?: string;
  /** `sha256:…` digest of the scanned image when known. */
  digest?: string;
  /** ISO 8601 timestamp of the scan when known. */
  scannedAt?: string;
  counts: SeverityCounts;
  /** Findings that have a fixed version, per severity. */
  fixable: SeverityCounts;
  total: number;
};

/**
 * A vulnerability report with its findings.
 *
 * @public
 */
export type VulnerabilityReport = VulnerabilitySummary & {
  findings: VulnerabilityFinding[];
};

/**
 * Whether a run's image is what Argo CD runs.
 *
 * @public
 */
export type DeploymentState = 'deployed' | 'not-yet' | 'superseded' | 'unknown';

/**
 * One Argo CD application of an entity.
 *
 * @public
 */
export type DeploymentInfo = {
  application: string;
  /** The configured Argo CD instance. */
  instance: string;
  appNamespace?: string;
  project?: string;
  /** Destination namespace. */
  namespace?: string;
  /** `Synced`, `OutOfSync`, `Unknown`. */
  syncStatus: string;
  /** `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing`, `Unknown`. */
  healthStatus: string;
  /** The deployed revision (Git sha of the values repository). */
  revision?: string;
  /** The images the application runs. */
  images: string[];
  /** ISO 8601 timestamp of the last deployment. */
  deployedAt?: string;
  /** Link to the application in the Argo CD UI. */
  url?: string;
};

/**
 * One run of the road (DESIGN §4).
 *
 * @public
 */
export type PipelineRun = {
  /** The Jenkins build number, as a string. */
  id: string;
  number: number;
  /** Link to the build in Jenkins. */
  url: string;
  /** The job that ran the build, e.g. `services/payments-api/main`. */
  jobFullName: string;
  status: PipelineStatus;
  /** ISO 8601 timestamp. */
  startedAt: string;
  durationMs?: number;
  commit?: CommitInfo;
  stages: PipelineStage[];
  quality?: { status: QualityGateStatus; dashboardUrl?: string };
  image?: ImageInfo;
  vulnerabilities?: VulnerabilitySummary;
  deployments?: Array<DeploymentInfo & { state: DeploymentState }>;
};
