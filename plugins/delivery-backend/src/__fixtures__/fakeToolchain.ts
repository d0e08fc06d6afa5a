/**
 * A fake Jenkins, SonarQube, Argo CD and ECR answering the few API calls the
 * delivery backend makes, with payloads shaped like the real APIs' documented
 * responses. Shared by the tests (behind msw) and the benchmark (behind a
 * loopback HTTP server), so both exercise the same upstream behaviour.
 */
import { createHash } from 'node:crypto';
import trivyReport from './trivy-report.json';

export type FakeTool = 'jenkins' | 'sonarqube' | 'argocd' | 'ecr';

export type FakeRequest = {
  method: string;
  /** Absolute URL. */
  url: string;
  headers: Record<string, string | undefined>;
  body?: string;
};

export type FakeResponse = {
  status: number;
  headers: Record<string, string>;
  body: string;
};

export const SECRETS = {
  jenkinsApiKey: 'jenkins-token-Zq9xV3kP',
  sonarToken: 'squ_sonar-token-8fJ2mW4',
  argocdToken: 'argocd-token-Ty6uB1nE',
  awsSecretAccessKey: 'aws-secret-Hk3jD9sLq2',
};

export const JENKINS_USER = 'slipway';
export const AWS_ACCESS_KEY_ID = 'AKIASLIPWAYTEST00001';
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const JOB_PATH = ['services', 'payments-api'];
export const PROJECT_KEY = 'payments-api';
export const REPOSITORY = 'payments-api';

/** The commit sha Jenkins reports for build `n`. */
export function shaOf(n: number): string {
  return createHash('sha1').update(`commit-${n}`).digest('hex');
}

/** The image tag of build `n`: the first 8 characters of its commit. */
export function tagOf(n: number): string {
  return shaOf(n).slice(0, 8);
}

const STAGES = [
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
const START = Date.parse('2024-06-10T08:00:00Z');

/**
 * The toolchain's state: one job with `builds` builds (the newest is
 * `builds`), every build pushed an image and archived a Trivy report, except
 * build `failedBuild` whose quality gate failed. Argo CD runs the image of
 * `deployedBuild`.
 */
export class FakeToolchain {
  builds = 3;
  failedBuild?: number = undefined;
  /** A build that archived no Trivy report (its image has an ECR scan). */
  reportlessBuild?: number = undefined;
  deployedBuild = 2;
  /**
   * The build Jenkins' `lastBuild` permalink resolves to; the newest by
   * default. Another number plays a build starting between two calls.
   */
  lastBuild?: number = undefined;
  /** A build whose image was pushed last (e.g. re-pushed); else the newest. */
  lastPushedBuild?: number = undefined;
  /** Every request seen, for assertions. */
  readonly requests: Array<{
    tool: FakeTool;
    method: string;
    url: string;
    /**
     * `jenkins GET /job/…/3/wfapi/describe`; for ECR, the operation and what
     * it asks for: `ecr DescribeImages TAGGED`, `ecr DescribeImages <tag>`.
     */
    operation: string;
  }> = [];
  /** Bytes of the response bodies served, per tool. */
  readonly bytesServed: Record<FakeTool, number> = {
    jenkins: 0,
    sonarqube: 0,
    argocd: 0,
    ecr: 0,
  };

  constructor(readonly baseUrls: Record<FakeTool, string>) {}

  handle(tool: FakeTool, request: FakeRequest): FakeResponse {
    this.requests.push({
      tool,
      method: request.method,
      url: request.url,
      operation: operationOf(tool, request),
    });
    const response = this.route(tool, request);
    this.bytesServed[tool] += Buffer.byteLength(response.body);
    return response;
  }

  private route(tool: FakeTool, request: FakeRequest): FakeResponse {
    const url = new URL(request.url);
    switch (tool) {
      case 'jenkins':
        return this.jenkins(url, request);
      case 'sonarqube':
        return this.sonarqube(url, request);
      case 'argocd':
        return this.argocd(url, request);
      default:
        return this.ecr(request);
    }
  }

  // -------------------------------------------------------------- Jenkins

  private jenkins(url: URL, request: FakeRequest): FakeResponse {
    const expected = `Basic ${Buffer.from(
      `${JENKINS_USER}:${SECRETS.jenkinsApiKey}`,
    ).toString('base64')}`;
    if (request.headers.authorization !== expected) {
      return text(401, 'Unauthorized', 'text/html');
    }
    const base = new URL(this.baseUrls.jenkins).pathname.replace(/\/$/, '');
    const path = url.pathname.slice(base.length);
    const jobPrefix = `/job/${JOB_PATH.join('/job/')}`;
    if (!path.startsWith(`${jobPrefix}/`)) {
      return text(404, 'Not Found', 'text/html');
    }
    const rest = path.slice(jobPrefix.length);
    if (rest === '/api/json') {
      const tree = url.searchParams.get('tree') ?? '';
      const limit = Number(/\{0,(\d+)\}/.exec(tree)?.[1] ?? this.builds);
      const numbers = [];
      for (let n = this.builds; n >= 1 && numbers.length < limit; n--) {
        numbers.push(n);
      }
      return json({
        _class: 'org.jenkinsci.plugins.workflow.job.WorkflowJob',
        builds: numbers.map(n => this.build(n)),
      });
    }
    const match =
      /^\/(\d+|lastBuild)\/(api\/json|wfapi\/describe|artifact\/(.+))$/.exec(
        rest,
      );
    const n =
      match?.[1] === 'lastBuild'
        ? this.lastBuild ?? this.builds
        : Number(match?.[1]);
    if (match?.[1] === 'lastBuild' && n === this.builds + 1) {
      // A build that started after the build list was read: running, no
      // artifacts yet.
      return match[2] === 'wfapi/describe'
        ? json({ ...this.describe(n), status: 'IN_PROGRESS' })
        : text(404, 'Not Found', 'text/html');
    }
    if (!match || n < 1 || n > this.builds) {
      return text(404, 'Not Found', 'text/html');
    }
    if (match[2] === 'api/json') {
      return json(this.build(n));
    }
    if (match[2] === 'wfapi/describe') {
      return json(this.describe(n));
    }
    if (
      match[3] === 'trivy-report.json' &&
      n !== this.failedBuild &&
      n !== this.reportlessBuild
    ) {
      return json(this.trivy(n));
    }
    return text(404, 'Not Found', 'text/html');
  }

  private build(n: number) {
    const sha = shaOf(n);
    const failed = n === this.failedBuild;
    return {
      _class: 'org.jenkinsci.plugins.workflow.job.WorkflowRun',
      actions: [
        { _class: 'hudson.model.CauseAction' },
        {
          _class: 'hudson.plugins.git.util.BuildData',
          lastBuiltRevision: {
            SHA1: sha,
            branch: [{ SHA1: sha, name: 'refs/remotes/origin/main' }],
          },
        },
        {},
      ],
      artifacts:
        failed || n === this.reportlessBuild
          ? []
          : [
              {
                fileName: 'trivy-report.json',
                relativePath: 'trivy-report.json',
              },
            ],
      building: false,
      displayName: `#${n}`,
      duration: 254123,
      number: n,
      result: failed ? 'FAILURE' : 'SUCCESS',
      timestamp: START + n * 600_000,
      url: `${this.baseUrls.jenkins}/job/${JOB_PATH.join('/job/')}/${n}/`,
      changeSets: [
        {
          _class: 'hudson.plugins.git.GitChangeSetList',
          items: [
            {
              _class: 'hudson.plugins.git.GitChangeSet',
              commitId: sha,
              msg: `Change number ${n}`,
              author: { fullName: 'Ada Lovelace' },
            },
          ],
        },
      ],
    };
  }

  private describe(n: number) {
    const failed = n === this.failedBuild;
    const gate = STAGES.indexOf('Quality gate');
    return {
      _links: {
        self: { href: `/job/services/job/payments-api/${n}/wfapi/describe` },
      },
      id: String(n),
      name: `#${n}`,
      status: failed ? 'FAILED' : 'SUCCESS',
      startTimeMillis: START + n * 600_000,
      endTimeMillis: START + n * 600_000 + 254123,
      durationMillis: 254123,
      queueDurationMillis: 12,
      pauseDurationMillis: 0,
      stages: STAGES.map((name, i) => {
        let status = 'SUCCESS';
        if (failed && i === gate) status = 'FAILED';
        if (failed && i > gate) status = 'NOT_EXECUTED';
        return {
          _links: {
            self: {
              href: `/job/services/job/payments-api/${n}/execution/node/${
                i + 6
              }/wfapi/describe`,
            },
          },
          id: String(i + 6),
          name,
          execNode: '',
          status,
          startTimeMillis:
            status === 'NOT_EXECUTED' ? 0 : START + n * 600_000 + i * 1000,
          durationMillis: status === 'NOT_EXECUTED' ? 0 : 20_000 + i * 1000,
          pauseDurationMillis: 0,
        };
      }),
    };
  }

  private trivy(n: number) {
    const image = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${REPOSITORY}:${tagOf(
      n,
    )}`;
    return {
      ...trivyReport,
      ArtifactName: image,
      Results: trivyReport.Results.map((r, i) =>
        i === 0 ? { ...r, Target: `${image} (alpine 3.20.3)` } : r,
      ),
    };
  }

  // ------------------------------------------------------------ SonarQube

  private sonarqube(url: URL, request: FakeRequest): FakeResponse {
    const expected = `Basic ${Buffer.from(`${SECRETS.sonarToken}:`).toString(
      'base64',
    )}`;
    if (request.headers.authorization !== expected) {
      return json({ errors: [{ msg: 'Authentication required' }] }, 401);
    }
    const key =
      url.searchParams.get('projectKey') ?? url.searchParams.get('component');
    if (key !== PROJECT_KEY) {
      return json(
        { errors: [{ msg: `Component key '${key}' not found` }] },
        404,
      );
    }
    if (url.pathname.endsWith('/api/qualitygates/project_status')) {
      return json({
        projectStatus: {
          status: 'OK',
          conditions: [
            {
              status: 'OK',
              metricKey: 'new_coverage',
              comparator: 'LT',
              errorThreshold: '80',
              actualValue: '84.2',
            },
          ],
          ignoredConditions: false,
          caycStatus: 'compliant',
        },
      });
    }
    if (url.pathname.endsWith('/api/measures/component')) {
      return json({
        component: {
          key: PROJECT_KEY,
          name: 'payments-api',
          qualifier: 'TRK',
          measures: [
            { metric: 'bugs', value: '2', bestValue: false },
            { metric: 'vulnerabilities', value: '0', bestValue: true },
            { metric: 'security_hotspots', value: '3', bestValue: false },
            { metric: 'code_smells', value: '17', bestValue: false },
            { metric: 'coverage', value: '81.3' },
            {
              metric: 'duplicated_lines_density',
              value: '1.2',
              bestValue: false,
            },
            { metric: 'reliability_rating', value: '3.0', bestValue: false },
            { metric: 'security_rating', value: '1.0', bestValue: true },
            { metric: 'sqale_rating', value: '1.0', bestValue: true },
          ],
        },
      });
    }
    return json({ errors: [{ msg: 'Unknown url' }] }, 404);
  }

  // -------------------------------------------------------------- Argo CD

  private argocd(url: URL, request: FakeRequest): FakeResponse {
    if (request.headers.authorization !== `Bearer ${SECRETS.argocdToken}`) {
      return json(
        { error: 'invalid session', code: 16, message: 'invalid session' },
        401,
      );
    }
    if (!url.pathname.endsWith('/api/v1/applications')) {
      return json({ error: 'not found', code: 5, message: 'not found' }, 404);
    }
    const selector = url.searchParams.get('selector');
    const items =
      selector === 'backstage-name=payments-api'
        ? [this.application('payments-api-prd')]
        : null;
    return json({ metadata: { resourceVersion: '812399' }, items });
  }

  private application(name: string) {
    const image = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${REPOSITORY}:${tagOf(
      this.deployedBuild,
    )}`;
    return {
      metadata: {
        name,
        namespace: 'argocd',
        uid: '5c9b2f1e-7a3d-4e8b-9f0a-1b2c3d4e5f60',
        labels: { 'backstage-name': 'payments-api', env: 'prd' },
      },
      spec: {
        source: {
          repoURL: 'https://gitlab.example.com/payments/payments-api.git',
          path: 'chart',
          targetRevision: 'main',
          helm: { valueFiles: ['values-prd.yaml'] },
        },
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: 'payments-prd',
        },
        project: 'payments',
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
      status: {
        sync: {
          status: 'Synced',
          revision: 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0',
        },
        health: { status: 'Healthy' },
        history: [
          {
            revision: 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0',
            deployedAt: new Date(
              START + this.deployedBuild * 600_000 + 300_000,
            ).toISOString(),
            id: 12,
            deployStartedAt: new Date(
              START + this.deployedBuild * 600_000 + 290_000,
            ).toISOString(),
          },
        ],
        reconciledAt: '2024-06-10T09:25:00Z',
        operationState: { phase: 'Succeeded' },
        sourceType: 'Helm',
        summary: { images: [image] },
      },
    };
  }

  // ------------------------------------------------------------------ ECR

  private ecr(request: FakeRequest): FakeResponse {
    const auth = request.headers.authorization ?? '';
    if (!auth.includes(`Credential=${AWS_ACCESS_KEY_ID}/`)) {
      return ecrError(
        403,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    }
    const target = request.headers['x-amz-target'] ?? '';
    const input = JSON.parse(request.body || '{}');
    if (
      input.repositoryName !== undefined &&
      input.repositoryName !== REPOSITORY
    ) {
      return ecrError(
        400,
        'RepositoryNotFoundException',
        `The repository with name '${input.repositoryName}' does not exist in the registry with id '${ACCOUNT}'`,
      );
    }
    const repositoryUri = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${REPOSITORY}`;
    if (target.endsWith('.DescribeRepositories')) {
      return amzJson({
        repositories: [
          {
            repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${REPOSITORY}`,
            registryId: ACCOUNT,
            repositoryName: REPOSITORY,
            repositoryUri,
            createdAt: Date.parse('2024-05-01T08:00:00Z') / 1000,
            imageTagMutability: 'IMMUTABLE',
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfiguration: { encryptionType: 'AES256' },
          },
        ],
      });
    }
    if (
      target.endsWith('.DescribeImages') &&
      !input.imageIds &&
      input.filter?.tagStatus === 'TAGGED'
    ) {
      const images = [];
      for (let n = 1; n <= this.builds; n++) {
        if (n !== this.failedBuild) {
          images.push(this.imageDetail(n));
        }
      }
      return amzJson({ imageDetails: images });
    }
    const tag = input.imageId?.imageTag ?? input.imageIds?.[0]?.imageTag;
    const n = this.buildOfTag(tag);
    if (n === undefined) {
      return ecrError(
        400,
        'ImageNotFoundException',
        `The image with imageId {imageDigest:'null', imageTag:'${tag}'} does not exist within the repository with name '${REPOSITORY}' in the registry with id '${ACCOUNT}'`,
      );
    }
    const digest = `sha256:${createHash('sha256')
      .update(`image-${n}`)
      .digest('hex')}`;
    if (target.endsWith('.DescribeImages')) {
      return amzJson({ imageDetails: [this.imageDetail(n)] });
    }
    if (target.endsWith('.DescribeImageScanFindings')) {
      return amzJson({
        registryId: ACCOUNT,
        repositoryName: REPOSITORY,
        imageId: { imageDigest: digest, imageTag: tag },
        imageScanStatus: {
          status: 'COMPLETE',
          description: 'The scan was completed successfully.',
        },
        imageScanFindings: {
          imageScanCompletedAt: (START + n * 600_000 + 240_000) / 1000,
          findingSeverityCounts: { HIGH: 1, MEDIUM: 1 },
          findings: [
            {
              name: 'CVE-2023-50495',
              uri: 'https://security-tracker.debian.org/tracker/CVE-2023-50495',
              severity: 'MEDIUM',
              attributes: [
                { key: 'package_version', value: '6.4-4' },
                { key: 'package_name', value: 'ncurses' },
              ],
            },
            {
              name: 'CVE-2024-6119',
              description:
                'Applications performing certificate name checks might attempt to read an invalid memory address.',
              uri: 'https://security-tracker.debian.org/tracker/CVE-2024-6119',
              severity: 'HIGH',
              attributes: [
                { key: 'package_version', value: '3.0.13-1~deb12u1' },
                { key: 'package_name', value: 'openssl' },
              ],
            },
          ],
        },
      });
    }
    return ecrError(
      400,
      'UnknownOperationException',
      `Unknown operation ${target}`,
    );
  }

  private imageDetail(n: number) {
    const pushedAt =
      n === this.lastPushedBuild
        ? START + (this.builds + 1) * 600_000
        : START + n * 600_000 + 200_000;
    return {
      registryId: ACCOUNT,
      repositoryName: REPOSITORY,
      imageDigest: `sha256:${createHash('sha256')
        .update(`image-${n}`)
        .digest('hex')}`,
      imageTags: [tagOf(n)],
      imageSizeInBytes: 58720256,
      imagePushedAt: pushedAt / 1000,
      imageScanStatus: {
        status: 'COMPLETE',
        description: 'The scan was completed successfully.',
      },
      imageScanFindingsSummary: {
        imageScanCompletedAt: (START + n * 600_000 + 240_000) / 1000,
        findingSeverityCounts: { HIGH: 1, MEDIUM: 1 },
      },
    };
  }

  private buildOfTag(tag: unknown): number | undefined {
    for (let n = 1; n <= this.builds; n++) {
      if (tagOf(n) === tag && n !== this.failedBuild) {
        return n;
      }
    }
    return undefined;
  }
}

function operationOf(tool: FakeTool, request: FakeRequest): string {
  if (tool !== 'ecr') {
    return `${tool} ${request.method} ${new URL(request.url).pathname}`;
  }
  const name = (request.headers['x-amz-target'] ?? '').split('.').pop();
  let input: any = {};
  try {
    input = JSON.parse(request.body || '{}');
  } catch {
    // The operation name is enough.
  }
  const what =
    input.imageIds?.[0]?.imageTag ??
    input.imageId?.imageTag ??
    input.filter?.tagStatus;
  return `ecr ${name}${what ? ` ${what}` : ''}`;
}

function json(value: unknown, status = 200): FakeResponse {
  return {
    status,
    headers: { 'content-type': 'application/json;charset=utf-8' },
    body: JSON.stringify(value),
  };
}

function text(status: number, body: string, contentType: string): FakeResponse {
  return { status, headers: { 'content-type': contentType }, body };
}

function amzJson(value: unknown): FakeResponse {
  return {
    status: 200,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': '7f4c1d2e-0000-4000-8000-000000000000',
    },
    body: JSON.stringify(value),
  };
}

function ecrError(status: number, type: string, message: string): FakeResponse {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-errortype': `${type}:`,
      'x-amzn-requestid': '7f4c1d2e-0000-4000-8000-000000000001',
    },
    body: JSON.stringify({ __type: type, message }),
  };
}
