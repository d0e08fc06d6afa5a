/*
 * SonarQube (Community Build 10.x web API): projects, quality gates,
 * measures, analyses and webhooks. Token auth as Bearer or as the Basic
 * login with an empty password.
 */
import http from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';
import {
  parseBasicAuth,
  parseBearer,
  postJson,
  Router,
  SimRequest,
  sendEmpty,
  sendJson,
  sendText,
} from '../http';

export const SONARQUBE_VERSION = '10.7.0.96327';

export interface GateCondition {
  metric: string;
  op: 'LT' | 'GT';
  error: string;
}

export interface QualityGate {
  name: string;
  isBuiltIn: boolean;
  conditions: GateCondition[];
}

export interface SonarAnalysis {
  key: string;
  date: number;
  revision: string;
  projectVersion: string;
  measures: Record<string, string>;
  gateStatus: 'OK' | 'ERROR';
  conditions: {
    status: 'OK' | 'ERROR';
    metricKey: string;
    comparator: 'LT' | 'GT';
    errorThreshold: string;
    actualValue: string;
  }[];
}

export interface SonarProject {
  key: string;
  name: string;
  visibility: 'public' | 'private';
  mainBranch: string;
  createdAt: number;
  qualityGate?: string;
  analyses: SonarAnalysis[];
}

export interface SonarWebhook {
  key: string;
  name: string;
  url: string;
  secret?: string;
  project?: string;
}

/** Metric keys the simulator knows, with their SonarQube types. */
const METRICS = [
  'alert_status',
  'quality_gate_details',
  'bugs',
  'new_bugs',
  'vulnerabilities',
  'new_vulnerabilities',
  'code_smells',
  'new_code_smells',
  'security_hotspots',
  'security_hotspots_reviewed',
  'new_security_hotspots_reviewed',
  'coverage',
  'new_coverage',
  'duplicated_lines_density',
  'new_duplicated_lines_density',
  'ncloc',
  'lines',
  'tests',
  'reliability_rating',
  'new_reliability_rating',
  'security_rating',
  'new_security_rating',
  'sqale_rating',
  'new_maintainability_rating',
  'security_review_rating',
  'new_security_review_rating',
  'sqale_index',
  'new_technical_debt',
  'violations',
  'new_violations',
];

export class SonarQubeSimulator {
  readonly router = new Router();
  baseUrl = '';
  readonly projects = new Map<string, SonarProject>();
  readonly webhooks: SonarWebhook[] = [];
  readonly gates = new Map<string, QualityGate>([
    [
      'Sonar way',
      {
        name: 'Sonar way',
        isBuiltIn: true,
        conditions: [
          { metric: 'new_coverage', op: 'LT', error: '80' },
          { metric: 'new_duplicated_lines_density', op: 'GT', error: '3' },
          { metric: 'new_security_hotspots_reviewed', op: 'LT', error: '100' },
          { metric: 'new_violations', op: 'GT', error: '0' },
        ],
      },
    ],
    [
      'Slipway',
      {
        name: 'Slipway',
        isBuiltIn: false,
        conditions: [
          { metric: 'coverage', op: 'LT', error: '70' },
          { metric: 'new_coverage', op: 'LT', error: '80' },
          { metric: 'new_reliability_rating', op: 'GT', error: '1' },
          { metric: 'new_security_rating', op: 'GT', error: '1' },
        ],
      },
    ],
  ]);
  defaultGate = 'Sonar way';

  constructor(
    private readonly token: string,
    private readonly log: (message: string) => void,
  ) {
    const r = this.router;
    r.get('/api/server/version', (_req, res) =>
      sendText(res, 200, SONARQUBE_VERSION),
    );
    r.get('/api/system/status', (_req, res) =>
      sendJson(res, 200, {
        id: '147B411E-AXeM2TlHIT8eEXgVAg4e',
        version: SONARQUBE_VERSION,
        status: 'UP',
      }),
    );
    r.get('/api/authentication/validate', (req, res) =>
      sendJson(res, 200, { valid: this.isAuthenticated(req) }),
    );
    r.otherwise(async (req, res) => {
      if (!req.path.startsWith('/api/')) {
        sendText(res, 404, 'Not Found');
        return;
      }
      if (!this.isAuthenticated(req)) {
        sendEmpty(res, 401, { 'WWW-Authenticate': 'Basic realm="sonarqube"' });
        return;
      }
      const handler =
        this.routes[`${req.method} ${req.path.replace(/\/$/, '')}`];
      if (!handler) {
        sendJson(res, 404, { errors: [{ msg: `Unknown url : ${req.path}` }] });
        return;
      }
      await handler(req, res);
    });
  }

  private readonly routes: Record<
    string,
    (req: SimRequest, res: http.ServerResponse) => Promise<void> | void
  > = {
    'POST /api/projects/create': async (req, res) => {
      const p = await req.form();
      const missing = ['project', 'name'].filter(k => !p[k]);
      if (missing.length) {
        badRequest(
          res,
          missing.map(k => `The '${k}' parameter is missing`),
        );
        return;
      }
      if (
        !/^[\w.:-]*[A-Za-z_.:-][\w.:-]*$/.test(p.project) ||
        p.project.length > 400
      ) {
        badRequest(res, [
          `Malformed key for Project: '${p.project}'. Allowed characters are alphanumeric, '-', '_', '.' and ':', with at least one non-digit.`,
        ]);
        return;
      }
      if (this.projects.has(p.project)) {
        badRequest(res, [
          `Could not create Project with key: "${p.project}". A similar key already exists: "${p.project}"`,
        ]);
        return;
      }
      const project = this.createProject(p.project, p.name, {
        visibility: p.visibility === 'public' ? 'public' : 'private',
        mainBranch: p.mainBranch || 'main',
      });
      sendJson(res, 200, {
        project: {
          key: project.key,
          name: project.name,
          qualifier: 'TRK',
          visibility: project.visibility,
        },
      });
    },
    'GET /api/projects/search': (req, res) => this.searchProjects(req, res),
    'GET /api/components/show': async (req, res) => {
      const project = this.projects.get(req.query.get('component') ?? '');
      if (!project) {
        notFound(
          res,
          `Component key '${req.query.get('component') ?? ''}' not found`,
        );
        return;
      }
      sendJson(res, 200, { component: this.componentJson(project) });
    },
    'GET /api/qualitygates/list': (_req, res) => {
      sendJson(res, 200, {
        qualitygates: [...this.gates.values()].map(g => ({
          name: g.name,
          isDefault: g.name === this.defaultGate,
          isBuiltIn: g.isBuiltIn,
          actions: {
            rename: !g.isBuiltIn,
            setAsDefault: g.name !== this.defaultGate,
            copy: true,
            associateProjects: g.name !== this.defaultGate,
            delete: !g.isBuiltIn && g.name !== this.defaultGate,
            manageConditions: !g.isBuiltIn,
            delegate: false,
            manageAiCodeAssurance: false,
          },
          caycStatus: g.isBuiltIn ? 'compliant' : 'non-compliant',
          hasStandardConditions: false,
          hasMQRConditions: false,
          isAiCodeSupported: false,
        })),
        actions: { create: true },
      });
    },
    'GET /api/qualitygates/show': (req, res) => {
      const gate = this.gates.get(req.query.get('name') ?? '');
      if (!gate) {
        notFound(
          res,
          `No quality gate has been found for name ${
            req.query.get('name') ?? ''
          }`,
        );
        return;
      }
      sendJson(res, 200, {
        name: gate.name,
        conditions: gate.conditions.map((c, i) => ({
          id: `AX${i}`,
          metric: c.metric,
          op: c.op,
          error: c.error,
        })),
        isBuiltIn: gate.isBuiltIn,
        caycStatus: gate.isBuiltIn ? 'compliant' : 'non-compliant',
        actions: {
          rename: !gate.isBuiltIn,
          setAsDefault: true,
          copy: true,
          associateProjects: true,
          delete: !gate.isBuiltIn,
          manageConditions: !gate.isBuiltIn,
          delegate: false,
        },
      });
    },
    'POST /api/qualitygates/select': async (req, res) => {
      const p = await req.form();
      const missing = ['gateName', 'projectKey'].filter(k => !p[k]);
      if (missing.length) {
        badRequest(
          res,
          missing.map(k => `The '${k}' parameter is missing`),
        );
        return;
      }
      const gate = this.gates.get(p.gateName);
      if (!gate) {
        notFound(res, `No quality gate has been found for name ${p.gateName}`);
        return;
      }
      const project = this.projects.get(p.projectKey);
      if (!project) {
        notFound(res, `Project '${p.projectKey}' not found`);
        return;
      }
      project.qualityGate = gate.name;
      sendEmpty(res, 204);
    },
    'GET /api/qualitygates/get_by_project': (req, res) => {
      const project = this.projects.get(req.query.get('project') ?? '');
      if (!project) {
        notFound(res, `Project '${req.query.get('project') ?? ''}' not found`);
        return;
      }
      const name = project.qualityGate ?? this.defaultGate;
      sendJson(res, 200, {
        qualityGate: { name, default: name === this.defaultGate },
      });
    },
    'GET /api/qualitygates/project_status': (req, res) => {
      const analysisId = req.query.get('analysisId');
      const key = req.query.get('projectKey') ?? req.query.get('projectId');
      if (!analysisId && !key) {
        badRequest(res, [
          "Either 'analysisId', 'projectId' or 'projectKey' must be provided",
        ]);
        return;
      }
      let analysis: SonarAnalysis | undefined;
      if (analysisId) {
        for (const project of this.projects.values()) {
          analysis ??= project.analyses.find(a => a.key === analysisId);
        }
        if (!analysis) {
          notFound(res, `Analysis with id '${analysisId}' is not found`);
          return;
        }
      } else {
        const project = this.projects.get(key!);
        if (!project) {
          notFound(res, `Project '${key}' not found`);
          return;
        }
        analysis = project.analyses[0];
      }
      sendJson(res, 200, {
        projectStatus: analysis
          ? {
              status: analysis.gateStatus,
              conditions: analysis.conditions,
              ignoredConditions: false,
              period: {
                mode: 'PREVIOUS_VERSION',
                date: iso(analysis.date - 14 * 86400000),
              },
              caycStatus: 'compliant',
            }
          : {
              status: 'NONE',
              conditions: [],
              ignoredConditions: false,
              caycStatus: 'non-compliant',
            },
      });
    },
    'GET /api/measures/component': (req, res) => {
      const key = req.query.get('component');
      const metricKeys = req.query.get('metricKeys');
      if (!key || !metricKeys) {
        badRequest(res, [
          ...(key ? [] : ["The 'component' parameter is missing"]),
          ...(metricKeys ? [] : ["The 'metricKeys' parameter is missing"]),
        ]);
        return;
      }
      const wanted = metricKeys
        .split(',')
        .map(m => m.trim())
        .filter(Boolean);
      const unknown = wanted.filter(m => !METRICS.includes(m));
      if (unknown.length) {
        notFound(
          res,
          `The following metric keys are not found: ${unknown.join(', ')}`,
        );
        return;
      }
      const project = this.projects.get(key);
      if (!project) {
        notFound(res, `Component key '${key}' not found`);
        return;
      }
      const latest = project.analyses[0];
      const measures = latest
        ? wanted
            .filter(m => latest.measures[m] !== undefined)
            .map(metric =>
              metric.startsWith('new_')
                ? {
                    metric,
                    period: {
                      index: 1,
                      value: latest.measures[metric],
                      bestValue: false,
                    },
                  }
                : { metric, value: latest.measures[metric], bestValue: false },
            )
        : [];
      sendJson(res, 200, {
        component: {
          key: project.key,
          name: project.name,
          qualifier: 'TRK',
          measures,
        },
      });
    },
    'GET /api/project_analyses/search': (req, res) => {
      const project = this.projects.get(req.query.get('project') ?? '');
      if (!project) {
        notFound(
          res,
          `Component key '${req.query.get('project') ?? ''}' not found`,
        );
        return;
      }
      const ps = Number(req.query.get('ps') ?? 100);
      sendJson(res, 200, {
        paging: { pageIndex: 1, pageSize: ps, total: project.analyses.length },
        analyses: project.analyses.slice(0, ps).map((a, i) => {
          const previous = project.analyses[i + 1];
          const events =
            previous && previous.gateStatus !== a.gateStatus
              ? [
                  {
                    key: `${a.key}-gate`,
                    category: 'QUALITY_GATE',
                    name: a.gateStatus === 'OK' ? 'Passed' : 'Failed',
                    description: '',
                    qualityGate: {
                      status: a.gateStatus,
                      stillFailing: false,
                      failing: [],
                    },
                  },
                ]
              : [];
          return {
            key: a.key,
            date: iso(a.date),
            events,
            projectVersion: a.projectVersion,
            revision: a.revision,
            manualNewCodePeriodBaseline: false,
            detectedCI: 'Jenkins',
          };
        }),
      });
    },
    'POST /api/webhooks/create': async (req, res) => {
      const p = await req.form();
      const missing = ['name', 'url'].filter(k => !p[k]);
      if (missing.length) {
        badRequest(
          res,
          missing.map(k => `The '${k}' parameter is missing`),
        );
        return;
      }
      if (!/^https?:\/\//.test(p.url)) {
        badRequest(res, [
          `Url parameter with value '${p.url}' is not a valid url`,
        ]);
        return;
      }
      if (p.project && !this.projects.has(p.project)) {
        notFound(res, `Project '${p.project}' not found`);
        return;
      }
      const webhook: SonarWebhook = {
        key: `AX${randomUUID().replace(/-/g, '').slice(0, 18)}`,
        name: p.name,
        url: p.url,
        secret: p.secret || undefined,
        project: p.project || undefined,
      };
      this.webhooks.push(webhook);
      sendJson(res, 200, {
        webhook: {
          key: webhook.key,
          name: webhook.name,
          url: webhook.url,
          hasSecret: !!webhook.secret,
        },
      });
    },
    'GET /api/webhooks/list': (req, res) => {
      const projectKey = req.query.get('project') ?? undefined;
      if (projectKey && !this.projects.has(projectKey)) {
        notFound(res, `Project '${projectKey}' not found`);
        return;
      }
      sendJson(res, 200, {
        webhooks: this.webhooks
          .filter(w => w.project === projectKey)
          .map(w => ({
            key: w.key,
            name: w.name,
            url: w.url,
            hasSecret: !!w.secret,
          })),
      });
    },
    'POST /api/webhooks/delete': async (req, res) => {
      const p = await req.form();
      const index = this.webhooks.findIndex(w => w.key === p.webhook);
      if (index < 0) {
        notFound(res, `No webhook with key '${p.webhook ?? ''}'`);
        return;
      }
      this.webhooks.splice(index, 1);
      sendEmpty(res, 204);
    },
  };

  // ---- store API ----

  createProject(
    key: string,
    name: string,
    options: {
      visibility?: 'public' | 'private';
      mainBranch?: string;
      createdAt?: number;
    } = {},
  ): SonarProject {
    const project: SonarProject = {
      key,
      name,
      visibility: options.visibility ?? 'private',
      mainBranch: options.mainBranch ?? 'main',
      createdAt: options.createdAt ?? Date.now(),
      analyses: [],
    };
    this.projects.set(key, project);
    this.log(`sonarqube: created project ${key}`);
    return project;
  }

  /**
   * Records an analysis (as the scanner + compute engine would) and
   * evaluates the project's quality gate against its measures.
   */
  recordAnalysis(
    projectKey: string,
    input: {
      revision: string;
      date: number;
      version: string;
      measures: Record<string, string>;
    },
  ): SonarAnalysis {
    const project =
      this.projects.get(projectKey) ??
      this.createProject(projectKey, projectKey, { createdAt: input.date });
    const gate = this.gates.get(project.qualityGate ?? this.defaultGate)!;
    const conditions = gate.conditions.map(c => {
      const actual = Number(input.measures[c.metric] ?? 0);
      const threshold = Number(c.error);
      const failing = c.op === 'LT' ? actual < threshold : actual > threshold;
      return {
        status: failing ? ('ERROR' as const) : ('OK' as const),
        metricKey: c.metric,
        comparator: c.op,
        errorThreshold: c.error,
        actualValue: input.measures[c.metric] ?? '0',
      };
    });
    const gateStatus = conditions.some(c => c.status === 'ERROR')
      ? 'ERROR'
      : 'OK';
    const measures = {
      ...input.measures,
      alert_status: gateStatus,
      quality_gate_details: JSON.stringify({
        level: gateStatus,
        conditions: conditions.map(c => ({
          metric: c.metricKey,
          op: c.comparator,
          error: c.errorThreshold,
          actual: c.actualValue,
          level: c.status,
        })),
      }),
    };
    const analysis: SonarAnalysis = {
      key: `AY${createHmac('sha1', 'analysis')
        .update(`${projectKey}:${input.revision}:${input.date}`)
        .digest('hex')
        .slice(0, 18)}`,
      date: input.date,
      revision: input.revision,
      projectVersion: input.version,
      measures,
      gateStatus,
      conditions,
    };
    project.analyses.unshift(analysis);
    this.log(
      `sonarqube: ${projectKey} analysis ${input.revision.slice(
        0,
        8,
      )} gate ${gateStatus}`,
    );
    return analysis;
  }

  /** Posts the analysis to the project's and global webhooks, as SonarQube does. */
  async notifyWebhooks(
    projectKey: string,
    analysis: SonarAnalysis,
    taskId: string,
  ) {
    const project = this.projects.get(projectKey);
    if (!project) return;
    const payload = {
      serverUrl: this.baseUrl,
      taskId,
      status: 'SUCCESS',
      analysedAt: iso(analysis.date).replace('Z', '+0000'),
      revision: analysis.revision,
      changedAt: iso(analysis.date).replace('Z', '+0000'),
      project: {
        key: project.key,
        name: project.name,
        url: `${this.baseUrl}/dashboard?id=${project.key}`,
      },
      branch: {
        name: project.mainBranch,
        type: 'BRANCH',
        isMain: true,
        url: `${this.baseUrl}/dashboard?id=${project.key}`,
      },
      qualityGate: {
        name: project.qualityGate ?? this.defaultGate,
        status: analysis.gateStatus,
        conditions: analysis.conditions.map(c => ({
          metric: c.metricKey,
          operator: c.comparator === 'LT' ? 'LESS_THAN' : 'GREATER_THAN',
          value: c.actualValue,
          status: c.status,
          errorThreshold: c.errorThreshold,
        })),
      },
      properties: {},
    };
    const hooks = this.webhooks.filter(
      w => !w.project || w.project === projectKey,
    );
    await Promise.all(
      hooks.map(hook => {
        const body = JSON.stringify(payload);
        const headers: Record<string, string> = {
          'X-SonarQube-Project': projectKey,
          'User-Agent': `SonarQube/${SONARQUBE_VERSION}`,
        };
        if (hook.secret) {
          headers['X-Sonar-Webhook-HMAC-SHA256'] = createHmac(
            'sha256',
            hook.secret,
          )
            .update(body)
            .digest('hex');
        }
        return postJson(hook.url, payload, headers);
      }),
    );
  }

  private isAuthenticated(req: SimRequest): boolean {
    const bearer = parseBearer(req.headers.authorization);
    if (bearer !== undefined) return bearer === this.token;
    const basic = parseBasicAuth(req.headers.authorization);
    return !!basic && basic.user === this.token && basic.password === '';
  }

  private searchProjects(req: SimRequest, res: http.ServerResponse) {
    const keys = req.query.get('projects')?.split(',').filter(Boolean);
    const q = req.query.get('q')?.toLowerCase();
    const ps = Math.min(Number(req.query.get('ps') ?? 100), 500);
    const p = Math.max(Number(req.query.get('p') ?? 1), 1);
    const all = [...this.projects.values()]
      .filter(pr => !keys || keys.includes(pr.key))
      .filter(
        pr =>
          !q ||
          pr.key.toLowerCase().includes(q) ||
          pr.name.toLowerCase().includes(q),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
    sendJson(res, 200, {
      paging: { pageIndex: p, pageSize: ps, total: all.length },
      components: all
        .slice((p - 1) * ps, p * ps)
        .map(pr => this.componentJson(pr)),
    });
  }

  private componentJson(project: SonarProject) {
    const latest = project.analyses[0];
    return {
      key: project.key,
      name: project.name,
      qualifier: 'TRK',
      visibility: project.visibility,
      ...(latest
        ? {
            lastAnalysisDate: iso(latest.date).replace('Z', '+0000'),
            revision: latest.revision,
          }
        : {}),
      managed: false,
    };
  }
}

function iso(ms: number) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function badRequest(res: http.ServerResponse, messages: string[]) {
  sendJson(res, 400, { errors: messages.map(msg => ({ msg })) });
}

function notFound(res: http.ServerResponse, msg: string) {
  sendJson(res, 404, { errors: [{ msg }] });
}
