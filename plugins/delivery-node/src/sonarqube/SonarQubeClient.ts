import { InputError } from '@backstage/errors';
import {
  QualityGateCondition,
  QualityGateStatus,
  QualityMeasures,
  QualityRating,
  QualityReport,
} from '@slipway/plugin-delivery-common';
import { SonarQubeInstanceConfig } from '../config/readers';
import { UpstreamHttp, UpstreamRequest } from '../http/UpstreamHttp';

/**
 * A SonarQube project.
 *
 * @public
 */
export type SonarQubeProject = {
  key: string;
  name: string;
  visibility?: 'public' | 'private';
  /** ISO 8601, absent before the first analysis. */
  lastAnalysisDate?: string;
};

/**
 * A project webhook. SonarQube never returns the secret, only whether one is set.
 *
 * @public
 */
export type SonarQubeWebhook = {
  key: string;
  name: string;
  url: string;
  hasSecret: boolean;
};

/**
 * The measures the delivery model reads, with their SonarQube metric keys.
 *
 * @public
 */
export const SONARQUBE_METRIC_KEYS = {
  bugs: 'bugs',
  vulnerabilities: 'vulnerabilities',
  securityHotspots: 'security_hotspots',
  codeSmells: 'code_smells',
  coverage: 'coverage',
  duplicatedLinesDensity: 'duplicated_lines_density',
  reliabilityRating: 'reliability_rating',
  securityRating: 'security_rating',
  maintainabilityRating: 'sqale_rating',
  securityReviewRating: 'security_review_rating',
} as const;

/**
 * Options of {@link SonarQubeClient}.
 *
 * @public
 */
export type SonarQubeClientOptions = {
  instance: SonarQubeInstanceConfig;
  fetch?: typeof fetch;
};

const RATINGS: QualityRating[] = ['A', 'B', 'C', 'D', 'E'];
const GATE_STATUSES: QualityGateStatus[] = ['OK', 'WARN', 'ERROR', 'NONE'];

/**
 * A typed client for one SonarQube instance (Web API, token auth).
 *
 * @public
 */
export class SonarQubeClient {
  readonly instanceName: string;
  private readonly http: UpstreamHttp;
  private readonly authorization?: string;
  private readonly externalBaseUrl: string;

  constructor(options: SonarQubeClientOptions) {
    const { instance } = options;
    this.instanceName = instance.name;
    this.http = new UpstreamHttp({
      tool: 'sonarqube',
      instance: instance.name,
      baseUrl: instance.baseUrl,
      timeoutMs: instance.timeoutMs,
      credentialsHint: `the apiKey of the SonarQube instance "${instance.name}" (sonarqube config)`,
      secrets: [instance.apiKey],
      fetch: options.fetch,
    });
    // A user token is the Basic user name with an empty password; this works on
    // every SonarQube version, Bearer only on 10 and later.
    if (instance.apiKey) {
      this.authorization = `Basic ${Buffer.from(`${instance.apiKey}:`).toString(
        'base64',
      )}`;
    }
    this.externalBaseUrl = (
      instance.externalBaseUrl ?? instance.baseUrl
    ).replace(/\/+$/, '');
  }

  /** The project's dashboard for users (`externalBaseUrl` when set). */
  dashboardUrl(projectKey: string): string {
    return `${this.externalBaseUrl}/dashboard?id=${encodeURIComponent(
      projectKey,
    )}`;
  }

  /**
   * The quality gate status of a project and its conditions
   * (`api/qualitygates/project_status`).
   *
   * @throws UpstreamNotFoundError when the project does not exist
   */
  async getQualityGateStatus(
    projectKey: string,
    options: { branch?: string; pullRequest?: string } = {},
  ): Promise<{
    status: QualityGateStatus;
    conditions: QualityGateCondition[];
  }> {
    const request = this.request({
      path: ['api', 'qualitygates', 'project_status'],
      query: {
        projectKey: checkKey(projectKey),
        branch: options.branch,
        pullRequest: options.pullRequest,
      },
      what: `project "${projectKey}"`,
    });
    const body = await this.http.requestJson<any>(request);
    const status = body?.projectStatus?.status;
    if (!GATE_STATUSES.includes(status)) {
      throw this.http.shapeError(
        request,
        'projectStatus.status is missing or unknown',
      );
    }
    const conditions: any[] = Array.isArray(body.projectStatus.conditions)
      ? body.projectStatus.conditions
      : [];
    return {
      status,
      conditions: conditions
        .filter(c => typeof c?.metricKey === 'string')
        .map(c => ({
          metric: c.metricKey,
          status: GATE_STATUSES.includes(c.status) ? c.status : 'NONE',
          ...optionalString('comparator', c.comparator),
          ...optionalString('errorThreshold', c.errorThreshold),
          ...optionalString('actualValue', c.actualValue),
        })),
    };
  }

  /**
   * The project's measures (`api/measures/component`): bugs, vulnerabilities,
   * security hotspots, code smells, coverage, duplications and ratings.
   * Measures the project does not have are absent.
   *
   * @throws UpstreamNotFoundError when the project does not exist
   */
  async getMeasures(projectKey: string): Promise<QualityMeasures> {
    const request = this.request({
      path: ['api', 'measures', 'component'],
      query: {
        component: checkKey(projectKey),
        metricKeys: Object.values(SONARQUBE_METRIC_KEYS).join(','),
      },
      what: `project "${projectKey}"`,
    });
    const body = await this.http.requestJson<any>(request);
    const measures = body?.component?.measures;
    if (!Array.isArray(measures)) {
      throw this.http.shapeError(request, 'component.measures is missing');
    }
    const byMetric = new Map<string, string>();
    for (const m of measures) {
      const value = m?.value ?? m?.period?.value;
      if (typeof m?.metric === 'string' && typeof value === 'string') {
        byMetric.set(m.metric, value);
      }
    }
    const result: QualityMeasures = {};
    for (const [field, metric] of Object.entries(SONARQUBE_METRIC_KEYS)) {
      const raw = byMetric.get(metric);
      if (raw === undefined) {
        continue;
      }
      if (field.endsWith('Rating')) {
        const rating = RATINGS[Math.round(Number(raw)) - 1];
        if (rating) {
          (result as any)[field] = rating;
        }
      } else if (Number.isFinite(Number(raw))) {
        (result as any)[field] = Number(raw);
      }
    }
    return result;
  }

  /** Gate status, conditions and measures of a project, fetched in parallel. */
  async getQualityReport(projectKey: string): Promise<QualityReport> {
    const [gate, measures] = await Promise.all([
      this.getQualityGateStatus(projectKey),
      this.getMeasures(projectKey),
    ]);
    return {
      projectKey,
      ...gate,
      measures,
      dashboardUrl: this.dashboardUrl(projectKey),
    };
  }

  /** A project by key (`api/projects/search`), or undefined when there is none. */
  async findProject(projectKey: string): Promise<SonarQubeProject | undefined> {
    const request = this.request({
      path: ['api', 'projects', 'search'],
      query: { projects: checkKey(projectKey) },
    });
    const body = await this.http.requestJson<any>(request);
    if (!Array.isArray(body?.components)) {
      throw this.http.shapeError(request, 'components is missing');
    }
    const found = body.components.find((c: any) => c?.key === projectKey);
    return found ? toProject(found) : undefined;
  }

  /**
   * Creates a project (`api/projects/create`).
   *
   * @throws UpstreamRejectedError when SonarQube refuses, e.g. the key is taken
   */
  async createProject(options: {
    projectKey: string;
    name: string;
    visibility?: 'public' | 'private';
    mainBranch?: string;
  }): Promise<SonarQubeProject> {
    const request = this.form(['api', 'projects', 'create'], {
      project: checkKey(options.projectKey),
      name: options.name,
      visibility: options.visibility,
      mainBranch: options.mainBranch,
    });
    const body = await this.http.requestJson<any>(request);
    if (typeof body?.project?.key !== 'string') {
      throw this.http.shapeError(request, 'project.key is missing');
    }
    return toProject(body.project);
  }

  /**
   * The quality gate a project uses (`api/qualitygates/get_by_project`).
   *
   * @throws UpstreamNotFoundError when the project does not exist
   */
  async getProjectQualityGate(
    projectKey: string,
  ): Promise<{ name: string; isDefault: boolean }> {
    const request = this.request({
      path: ['api', 'qualitygates', 'get_by_project'],
      query: { project: checkKey(projectKey) },
      what: `project "${projectKey}"`,
    });
    const body = await this.http.requestJson<any>(request);
    if (typeof body?.qualityGate?.name !== 'string') {
      throw this.http.shapeError(request, 'qualityGate.name is missing');
    }
    return {
      name: body.qualityGate.name,
      isDefault: body.qualityGate.default === true,
    };
  }

  /**
   * Assigns a quality gate to a project (`api/qualitygates/select`).
   *
   * @throws UpstreamNotFoundError when the project or gate does not exist
   */
  async selectQualityGate(projectKey: string, gateName: string): Promise<void> {
    await this.http.requestText(
      this.form(
        ['api', 'qualitygates', 'select'],
        { projectKey: checkKey(projectKey), gateName },
        `project "${projectKey}" or quality gate "${gateName}"`,
      ),
    );
  }

  /** The webhooks of a project (`api/webhooks/list`). */
  async listWebhooks(projectKey: string): Promise<SonarQubeWebhook[]> {
    const request = this.request({
      path: ['api', 'webhooks', 'list'],
      query: { project: checkKey(projectKey) },
      what: `project "${projectKey}"`,
    });
    const body = await this.http.requestJson<any>(request);
    if (!Array.isArray(body?.webhooks)) {
      throw this.http.shapeError(request, 'webhooks is missing');
    }
    return body.webhooks.map((w: any) => toWebhook(w));
  }

  /**
   * Creates a project webhook (`api/webhooks/create`). The secret is sent
   * once and never returned or logged.
   */
  async createWebhook(options: {
    projectKey: string;
    name: string;
    url: string;
    secret?: string;
  }): Promise<SonarQubeWebhook> {
    const request = this.form(
      ['api', 'webhooks', 'create'],
      {
        project: checkKey(options.projectKey),
        name: options.name,
        url: options.url,
        secret: options.secret,
      },
      `project "${options.projectKey}"`,
    );
    const body = await this.http.requestJson<any>(request);
    if (typeof body?.webhook?.key !== 'string') {
      throw this.http.shapeError(request, 'webhook.key is missing');
    }
    return toWebhook(body.webhook);
  }

  private form(
    path: string[],
    params: Record<string, string | undefined>,
    what?: string,
  ): UpstreamRequest {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined) {
        body.set(key, value);
      }
    }
    return this.request({
      method: 'POST',
      path,
      body,
      what,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
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
}

function checkKey(projectKey: string): string {
  if (
    !/^[A-Za-z0-9_.:-]{1,400}$/.test(projectKey) ||
    /^\d+$/.test(projectKey)
  ) {
    throw new InputError(
      `Invalid SonarQube project key "${projectKey}": use letters, digits, '-', '_', '.' and ':', with at least one non-digit`,
    );
  }
  return projectKey;
}

function optionalString<K extends string>(
  key: K,
  value: unknown,
): Partial<Record<K, string>> {
  return typeof value === 'string'
    ? ({ [key]: value } as Record<K, string>)
    : {};
}

function toProject(v: any): SonarQubeProject {
  return {
    key: v.key,
    name: String(v.name ?? v.key),
    ...(v.visibility === 'public' || v.visibility === 'private'
      ? { visibility: v.visibility }
      : {}),
    ...optionalString('lastAnalysisDate', v.lastAnalysisDate),
  };
}

function toWebhook(v: any): SonarQubeWebhook {
  return {
    key: String(v?.key ?? ''),
    name: String(v?.name ?? ''),
    url: String(v?.url ?? ''),
    hasSecret: v?.hasSecret === true,
  };
}
