import { InputError } from '@backstage/errors';
import { PipelineStatus } from '@slipway/plugin-delivery-common';
import { JenkinsInstanceConfig } from '../config/readers';
import { isUpstreamError, UpstreamUnexpectedResponseError } from '../errors';
import { UpstreamHttp, UpstreamRequest } from '../http/UpstreamHttp';
import { parseTrivyReport, TrivyReport } from '../trivy/parseTrivyReport';

/**
 * What kind of item a Jenkins job is.
 *
 * @public
 */
export type JenkinsJobKind =
  | 'pipeline'
  | 'multibranch'
  | 'folder'
  | 'freestyle'
  | 'other';

/**
 * A Jenkins job or folder.
 *
 * @public
 */
export type JenkinsJob = {
  name: string;
  fullName: string;
  /** The job's page in Jenkins. */
  url: string;
  /** The Jenkins class, e.g. `org.jenkinsci.plugins.workflow.job.WorkflowJob`. */
  className: string;
  kind: JenkinsJobKind;
  /** Child items of folders and multibranch jobs (branch jobs). */
  children: Array<{ name: string; className: string; kind: JenkinsJobKind }>;
};

/**
 * One build of a job, with only the fields the pipeline model needs.
 *
 * @public
 */
export type JenkinsBuild = {
  /** The job that ran the build (a branch job for multibranch jobs). */
  jobPath: string[];
  number: number;
  url: string;
  displayName?: string;
  status: PipelineStatus;
  /** Jenkins' own result: `SUCCESS`, `FAILURE`, … or null while building. */
  result: string | null;
  building: boolean;
  /** ISO 8601. */
  startedAt: string;
  durationMs?: number;
  commit?: {
    sha: string;
    branch?: string;
    author?: string;
    message?: string;
  };
  artifacts: Array<{ fileName: string; relativePath: string }>;
};

/**
 * The recent builds of a job.
 *
 * @public
 */
export type JenkinsBuildList = {
  /** The job the builds belong to: the annotated job, or for a multibranch job the chosen branch job. */
  jobPath: string[];
  builds: JenkinsBuild[];
};

/**
 * A stage of a Pipeline run, from `wfapi/describe`.
 *
 * @public
 */
export type JenkinsStage = {
  id: string;
  name: string;
  status: PipelineStatus;
  /** ISO 8601. */
  startedAt?: string;
  durationMs?: number;
};

/**
 * A Pipeline run with its stages, from `wfapi/describe`.
 *
 * @public
 */
export type JenkinsRunStages = {
  id: string;
  name: string;
  status: PipelineStatus;
  startedAt?: string;
  durationMs?: number;
  stages: JenkinsStage[];
};

/**
 * Which build of a job: its number, or the `lastBuild` permalink (the newest
 * build, running or finished). Reading a permalink saves the round trip that
 * would first learn the number; its answer carries the number it resolved to
 * (`JenkinsRunStages.id`), so a caller can check it against a build list.
 *
 * @public
 */
export type JenkinsBuildSelector = number | 'lastBuild';

/**
 * Options of {@link JenkinsClient}.
 *
 * @public
 */
export type JenkinsClientOptions = {
  instance: JenkinsInstanceConfig;
  /** For tests and proxies; the global fetch by default. */
  fetch?: typeof fetch;
};

// Only what the model uses; `{0,N}` keeps Jenkins from serialising every build.
const BUILD_TREE = [
  'number',
  'url',
  'displayName',
  'result',
  'building',
  'timestamp',
  'duration',
  'actions[_class,lastBuiltRevision[SHA1,branch[name]]]',
  'changeSets[items[commitId,msg,author[fullName]]]',
  'artifacts[fileName,relativePath]',
].join(',');
const JOB_TREE = '_class,name,fullName,url,jobs[name,_class]';
const MULTIBRANCH_CLASSES = [
  'org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject',
  'jenkins.branch.OrganizationFolder',
];
const DEFAULT_BRANCHES = ['main', 'master'];

/**
 * A typed client for one Jenkins instance: Basic auth with user and API token,
 * `tree=` queries that fetch only what the model needs, CSRF crumbs only when
 * the server asks for one.
 *
 * @public
 */
export class JenkinsClient {
  readonly instanceName: string;
  readonly baseUrl: string;
  private readonly http: UpstreamHttp;
  private readonly authorization?: string;

  constructor(options: JenkinsClientOptions) {
    const { instance } = options;
    this.instanceName = instance.name;
    this.http = new UpstreamHttp({
      tool: 'jenkins',
      instance: instance.name,
      baseUrl: instance.baseUrl,
      timeoutMs: instance.timeoutMs,
      credentialsHint: `username and apiKey of the Jenkins instance "${instance.name}" (jenkins config)`,
      secrets: [instance.apiKey],
      fetch: options.fetch,
    });
    this.baseUrl = this.http.baseUrl.href;
    if (instance.username && instance.apiKey) {
      this.authorization = `Basic ${Buffer.from(
        `${instance.username}:${instance.apiKey}`,
      ).toString('base64')}`;
    }
  }

  /** The job's page, e.g. `https://jenkins/job/services/job/payments-api/`. */
  jobUrl(jobPath: string[]): string {
    return `${this.http.url(jobSegments(jobPath)).href}/`;
  }

  /** A build's page. */
  buildUrl(jobPath: string[], number: number): string {
    return `${this.http.url([...jobSegments(jobPath), String(number)]).href}/`;
  }

  /**
   * A job or folder.
   *
   * @throws UpstreamNotFoundError when it does not exist
   */
  async getJob(jobPath: string[]): Promise<JenkinsJob> {
    const request = this.request({
      path: [...jobSegments(jobPath), 'api', 'json'],
      query: { tree: JOB_TREE },
      what: `job "${jobPath.join('/')}"`,
    });
    return toJob(
      this.checkShape(await this.json(request), request, isJobShape),
    );
  }

  /** A job or folder, or undefined when it does not exist. */
  async findJob(jobPath: string[]): Promise<JenkinsJob | undefined> {
    return this.orUndefined(() => this.getJob(jobPath));
  }

  /**
   * The most recent builds of a job, newest first. For a multibranch job the
   * builds of one branch job: `branch`, else `main`, else `master`, else the
   * first branch.
   */
  async listBuilds(
    jobPath: string[],
    options: { limit?: number; branch?: string } = {},
  ): Promise<JenkinsBuildList> {
    const limit = clampLimit(options.limit);
    const request = this.request({
      path: [...jobSegments(jobPath), 'api', 'json'],
      query: {
        tree: `_class,jobs[name,_class],builds[${BUILD_TREE}]{0,${limit}}`,
      },
      what: `job "${jobPath.join('/')}"`,
    });
    const body = await this.json<any>(request);
    if (typeof body?._class !== 'string') {
      throw this.http.shapeError(request, '_class is missing');
    }
    if (MULTIBRANCH_CLASSES.includes(body._class)) {
      const names: string[] = (Array.isArray(body.jobs) ? body.jobs : [])
        .map((j: any) => j?.name)
        .filter((n: unknown): n is string => typeof n === 'string');
      const branch = options.branch
        ? names.find(n => n === options.branch)
        : DEFAULT_BRANCHES.find(b => names.includes(b)) ?? names[0];
      if (!branch) {
        if (options.branch) {
          throw this.http.error(UpstreamUnexpectedResponseError, {
            detail: `multibranch job "${jobPath.join('/')}" has no branch "${
              options.branch
            }"`,
          });
        }
        return { jobPath, builds: [] };
      }
      return this.listBuilds([...jobPath, branch], { limit });
    }
    if (body.builds !== undefined && !Array.isArray(body.builds)) {
      throw this.http.shapeError(request, 'builds is not an array');
    }
    return {
      jobPath,
      builds: (body.builds ?? []).map((b: unknown) =>
        toBuild(jobPath, this.checkShape(b, request, isBuildShape)),
      ),
    };
  }

  /**
   * One build.
   *
   * @throws UpstreamNotFoundError when the job or build does not exist
   */
  async getBuild(jobPath: string[], number: number): Promise<JenkinsBuild> {
    const request = this.request({
      path: [...jobSegments(jobPath), buildNumber(number), 'api', 'json'],
      query: { tree: BUILD_TREE },
      what: `build #${number} of job "${jobPath.join('/')}"`,
    });
    return toBuild(
      jobPath,
      this.checkShape(await this.json(request), request, isBuildShape),
    );
  }

  /**
   * The stages of a Pipeline run (`wfapi/describe`), in order. With
   * `'lastBuild'`, those of the newest build; `id` is its number.
   *
   * @throws UpstreamNotFoundError when the job or build does not exist (for
   * `'lastBuild'`: the job has no build), or the job is not a Pipeline
   */
  async getRunStages(
    jobPath: string[],
    run: JenkinsBuildSelector,
  ): Promise<JenkinsRunStages> {
    const request = this.request({
      path: [...jobSegments(jobPath), buildSegment(run), 'wfapi', 'describe'],
      what: `stages of ${buildLabel(run)} of job "${jobPath.join('/')}"`,
    });
    const body = await this.json<any>(request);
    if (typeof body?.id !== 'string' || !Array.isArray(body.stages)) {
      throw this.http.shapeError(request, 'id or stages is missing');
    }
    return {
      id: body.id,
      name: String(body.name ?? body.id),
      status: wfapiStatus(body.status),
      ...timing(body.startTimeMillis, body.durationMillis),
      stages: body.stages.map((s: any) => {
        if (typeof s?.name !== 'string') {
          throw this.http.shapeError(request, 'a stage has no name');
        }
        return {
          id: String(s.id),
          name: s.name,
          status: wfapiStatus(s.status),
          ...timing(s.startTimeMillis, s.durationMillis),
        };
      }),
    };
  }

  /**
   * A build artifact's content, by its path relative to the archive root.
   * `'lastBuild'` reads the newest build's artifact.
   *
   * @throws UpstreamNotFoundError when the job, build or artifact does not exist
   */
  async getArtifact(
    jobPath: string[],
    run: JenkinsBuildSelector,
    relativePath: string,
    options: { maxBytes?: number } = {},
  ): Promise<string> {
    const artifactPath = relativePath.split('/');
    if (artifactPath.some(s => s === '' || s === '.' || s === '..')) {
      throw new InputError(
        `Invalid artifact path "${relativePath}": use a relative path without empty, "." or ".." segments`,
      );
    }
    return this.text(
      this.request({
        path: [
          ...jobSegments(jobPath),
          buildSegment(run),
          'artifact',
          ...artifactPath,
        ],
        what: `artifact "${relativePath}" of ${buildLabel(
          run,
        )} of job "${jobPath.join('/')}"`,
        maxBytes: options.maxBytes,
      }),
    );
  }

  /**
   * The Trivy report a build archived, or undefined when it archived none.
   * `'lastBuild'` reads the newest build's report; a permalink answer does not
   * say which build it came from, so compare the report's `artifactName`
   * (image and tag) with the build you expect.
   *
   * @throws UpstreamUnexpectedResponseError when the artifact is not a Trivy report
   */
  async getTrivyReport(
    jobPath: string[],
    run: JenkinsBuildSelector,
    options: { path?: string } = {},
  ): Promise<TrivyReport | undefined> {
    const path = options.path ?? 'trivy-report.json';
    let text: string;
    try {
      text = await this.getArtifact(jobPath, run, path);
    } catch (error) {
      if (isUpstreamError(error, 'not-found')) {
        return undefined;
      }
      throw error;
    }
    try {
      return parseTrivyReport(text);
    } catch (error) {
      throw this.http.error(UpstreamUnexpectedResponseError, {
        detail: `artifact "${path}" of ${buildLabel(
          run,
        )} of job "${jobPath.join('/')}" is not a Trivy report: ${
          (error as Error).message
        }`,
      });
    }
  }

  /**
   * A job's `config.xml`.
   *
   * @throws UpstreamNotFoundError when the job does not exist
   */
  async getJobConfig(jobPath: string[]): Promise<string> {
    return this.text(
      this.request({
        path: [...jobSegments(jobPath), 'config.xml'],
        what: `job "${jobPath.join('/')}"`,
      }),
    );
  }

  /**
   * Creates a job from its `config.xml` inside a folder (`[]` for the root).
   *
   * @throws UpstreamNotFoundError when the folder does not exist
   * @throws UpstreamRejectedError when Jenkins refuses, e.g. the name is taken
   */
  async createJob(options: {
    folder: string[];
    name: string;
    configXml: string;
  }): Promise<{ jobPath: string[]; url: string }> {
    checkItemName(options.name);
    await this.post({
      path: [...jobSegments(options.folder), 'createItem'],
      query: { name: options.name },
      body: options.configXml,
      headers: { 'Content-Type': 'application/xml' },
      what: options.folder.length
        ? `folder "${options.folder.join('/')}"`
        : 'the Jenkins root',
    });
    const jobPath = [...options.folder, options.name];
    return { jobPath, url: this.jobUrl(jobPath) };
  }

  /**
   * Creates a folder (CloudBees Folders plugin) inside a folder (`[]` for the root).
   */
  async createFolder(options: {
    parent: string[];
    name: string;
    description?: string;
  }): Promise<{ jobPath: string[]; url: string }> {
    return this.createJob({
      folder: options.parent,
      name: options.name,
      configXml: folderConfigXml(options.description),
    });
  }

  /** Replaces a job's `config.xml`. */
  async updateJobConfig(jobPath: string[], configXml: string): Promise<void> {
    await this.post({
      path: [...jobSegments(jobPath), 'config.xml'],
      body: configXml,
      headers: { 'Content-Type': 'application/xml' },
      what: `job "${jobPath.join('/')}"`,
    });
  }

  // POST without a crumb first: API-token requests do not need one. Only
  // when Jenkins answers 403 "No valid crumb" do we fetch one (with its
  // session cookie) and retry once.
  private async post(request: UpstreamRequest): Promise<void> {
    const withAuth = this.request({ ...request, method: 'POST' });
    let response = await this.http.send(withAuth);
    if (response.status === 403 && /crumb/i.test(response.text)) {
      const crumb = await this.getCrumb();
      response = await this.http.send({
        ...withAuth,
        headers: { ...withAuth.headers, ...crumb },
      });
    }
    this.http.checkText(response, withAuth);
  }

  private async getCrumb(): Promise<Record<string, string>> {
    const request = this.request({
      path: ['crumbIssuer', 'api', 'json'],
      what: 'crumb issuer',
    });
    const response = await this.http.send({
      ...request,
      headers: { ...request.headers, Accept: 'application/json' },
    });
    const body = this.http.json<any>(response, request);
    if (
      typeof body?.crumb !== 'string' ||
      typeof body?.crumbRequestField !== 'string'
    ) {
      throw this.http.shapeError(
        request,
        'crumb or crumbRequestField is missing',
      );
    }
    const cookies = response.headers
      .getSetCookie()
      .map(c => c.split(';')[0])
      .join('; ');
    return {
      [body.crumbRequestField]: body.crumb,
      ...(cookies ? { Cookie: cookies } : {}),
    };
  }

  private request(request: UpstreamRequest): UpstreamRequest {
    return {
      ...request,
      headers: {
        ...(this.authorization ? { Authorization: this.authorization } : {}),
        ...request.headers,
      },
    };
  }

  private json<T = unknown>(request: UpstreamRequest): Promise<T> {
    return this.http.requestJson<T>(request);
  }

  private text(request: UpstreamRequest): Promise<string> {
    return this.http.requestText(request);
  }

  private checkShape<T>(
    value: unknown,
    request: UpstreamRequest,
    guard: (v: any) => string | undefined,
  ): T {
    const problem = guard(value);
    if (problem) {
      throw this.http.shapeError(request, problem);
    }
    return value as T;
  }

  private async orUndefined<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      if (isUpstreamError(error, 'not-found')) {
        return undefined;
      }
      throw error;
    }
  }
}

/** `['a','b']` → `['job','a','job','b']`, each segment encoded later on its own. */
function jobSegments(jobPath: string[]): string[] {
  return jobPath.flatMap(name => ['job', name]);
}

function buildNumber(number: number): string {
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new InputError(
      `Invalid build number ${number}: a build number is a positive integer`,
    );
  }
  return String(number);
}

function buildSegment(run: JenkinsBuildSelector): string {
  if (run === 'lastBuild') {
    return run;
  }
  if (typeof run !== 'number') {
    throw new InputError(
      `Invalid build ${JSON.stringify(run)}: use a build number or 'lastBuild'`,
    );
  }
  return buildNumber(run);
}

function buildLabel(run: JenkinsBuildSelector): string {
  return run === 'lastBuild' ? 'the last build' : `build #${run}`;
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) {
    return 10;
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new InputError(
      `Invalid limit ${limit}: use an integer from 1 to 100`,
    );
  }
  return limit;
}

function checkItemName(name: string) {
  if (
    name.trim() === '' ||
    name === '.' ||
    name === '..' ||
    /[?*/\\%!@#$^&|<>[\]:;]/.test(name)
  ) {
    throw new InputError(
      `Invalid Jenkins job name "${name}": it must not be empty, "." or "..", nor contain any of ?*/\\%!@#$^&|<>[]:;`,
    );
  }
}

function isJobShape(v: any): string | undefined {
  if (typeof v?._class !== 'string' || typeof v?.name !== 'string') {
    return '_class or name is missing';
  }
  if (v.jobs !== undefined && !Array.isArray(v.jobs)) {
    return 'jobs is not an array';
  }
  return undefined;
}

function isBuildShape(v: any): string | undefined {
  if (typeof v?.number !== 'number' || typeof v?.timestamp !== 'number') {
    return 'a build has no number or timestamp';
  }
  return undefined;
}

function jobKind(className: string): JenkinsJobKind {
  if (MULTIBRANCH_CLASSES.includes(className)) {
    return 'multibranch';
  }
  switch (className) {
    case 'org.jenkinsci.plugins.workflow.job.WorkflowJob':
      return 'pipeline';
    case 'com.cloudbees.hudson.plugins.folder.Folder':
      return 'folder';
    case 'hudson.model.FreeStyleProject':
      return 'freestyle';
    default:
      return 'other';
  }
}

function toJob(v: any): JenkinsJob {
  return {
    name: v.name,
    fullName: typeof v.fullName === 'string' ? v.fullName : v.name,
    url: String(v.url ?? ''),
    className: v._class,
    kind: jobKind(v._class),
    children: (v.jobs ?? [])
      .filter((j: any) => typeof j?.name === 'string')
      .map((j: any) => ({
        name: j.name,
        className: String(j._class ?? ''),
        kind: jobKind(String(j._class ?? '')),
      })),
  };
}

function toBuild(jobPath: string[], v: any): JenkinsBuild {
  const building = v.building === true;
  const result = typeof v.result === 'string' ? v.result : null;
  return {
    jobPath,
    number: v.number,
    url: String(v.url ?? ''),
    ...(typeof v.displayName === 'string'
      ? { displayName: v.displayName }
      : {}),
    status: buildStatus(result, building),
    result,
    building,
    startedAt: new Date(v.timestamp).toISOString(),
    ...(!building && typeof v.duration === 'number'
      ? { durationMs: v.duration }
      : {}),
    ...commitOf(v),
    artifacts: (Array.isArray(v.artifacts) ? v.artifacts : [])
      .filter((a: any) => typeof a?.relativePath === 'string')
      .map((a: any) => ({
        fileName: String(a.fileName ?? a.relativePath),
        relativePath: a.relativePath,
      })),
  };
}

function commitOf(v: any): Pick<JenkinsBuild, 'commit'> {
  const actions: any[] = Array.isArray(v.actions) ? v.actions : [];
  const revision = actions.find(
    a => typeof a?.lastBuiltRevision?.SHA1 === 'string',
  )?.lastBuiltRevision;
  if (!revision) {
    return {};
  }
  const sha: string = revision.SHA1;
  const branch = revision.branch?.[0]?.name;
  const items: any[] = (
    Array.isArray(v.changeSets) ? v.changeSets : []
  ).flatMap((c: any) => (Array.isArray(c?.items) ? c.items : []));
  const item = items.find(i => i?.commitId === sha);
  return {
    commit: {
      sha,
      ...(typeof branch === 'string'
        ? { branch: branch.replace(/^(refs\/remotes\/)?origin\//, '') }
        : {}),
      ...(typeof item?.author?.fullName === 'string'
        ? { author: item.author.fullName }
        : {}),
      ...(typeof item?.msg === 'string' ? { message: item.msg } : {}),
    },
  };
}

function buildStatus(result: string | null, building: boolean): PipelineStatus {
  if (building) {
    return 'running';
  }
  switch (result) {
    case 'SUCCESS':
      return 'success';
    case 'FAILURE':
      return 'failed';
    case 'UNSTABLE':
      return 'unstable';
    case 'ABORTED':
      return 'aborted';
    case 'NOT_BUILT':
      return 'not-executed';
    default:
      return 'unknown';
  }
}

function wfapiStatus(status: unknown): PipelineStatus {
  switch (status) {
    case 'SUCCESS':
      return 'success';
    case 'FAILED':
      return 'failed';
    case 'UNSTABLE':
      return 'unstable';
    case 'ABORTED':
      return 'aborted';
    case 'IN_PROGRESS':
      return 'running';
    case 'PAUSED_PENDING_INPUT':
      return 'paused';
    case 'NOT_EXECUTED':
      return 'not-executed';
    case 'QUEUED':
    case 'NOT_BUILT':
      return 'pending';
    default:
      return 'unknown';
  }
}

function timing(start: unknown, duration: unknown) {
  return {
    ...(typeof start === 'number' && start > 0
      ? { startedAt: new Date(start).toISOString() }
      : {}),
    ...(typeof duration === 'number' ? { durationMs: duration } : {}),
  };
}

function folderConfigXml(description?: string): string {
  const escaped = (description ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
  return `<?xml version='1.1' encoding='UTF-8'?>\n<com.cloudbees.hudson.plugins.folder.Folder plugin="cloudbees-folder">\n  <description>${escaped}</description>\n</com.cloudbees.hudson.plugins.folder.Folder>\n`;
}
