/*
 * Argo CD API server (v2.13 REST gateway): sessions, applications (list by
 * selector, get, create with upsert, sync, delete), revision metadata.
 * Errors use the grpc-gateway body `{error, code, message}`.
 */
import http from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';
import { parseBearer, Router, SimRequest, sendJson } from '../http';

export const ARGOCD_VERSION = 'v2.13.3+a25c8a0';

export interface ArgoHistoryEntry {
  id: number;
  revision: string;
  deployedAt: string;
  deployStartedAt: string;
  source: Record<string, unknown>;
  initiatedBy?: { automated?: boolean; username?: string };
}

/** An Application as Argo CD stores it (Kubernetes resource shape). */
export interface ArgoApplication {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    generation: number;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
  };
  spec: {
    project: string;
    source?: {
      repoURL: string;
      path?: string;
      chart?: string;
      targetRevision?: string;
      helm?: { valueFiles?: string[]; [key: string]: unknown };
      [key: string]: unknown;
    };
    destination: { server?: string; name?: string; namespace?: string };
    syncPolicy?: Record<string, unknown>;
    [key: string]: unknown;
  };
  status: Record<string, any>;
}

/** Looks up commit metadata for a repo URL + revision (served by the GitLab simulator). */
export type RevisionLookup = (
  repoURL: string,
  revision: string,
) => Promise<{ author: string; date: string; message: string } | undefined>;

const SESSION_SECRET = 'slipway-simulator-argocd';

export class ArgoCdSimulator {
  readonly router = new Router();
  baseUrl = '';
  readonly applications = new Map<string, ArgoApplication>();
  /** Number of upcoming application creates to fail with a 500 (retry tests). */
  failNextCreates = 0;
  revisionLookup?: RevisionLookup;
  private resourceVersion = 1000;

  constructor(
    private readonly credentials: {
      username: string;
      password: string;
      token: string;
    },
    private readonly log: (message: string) => void,
  ) {
    const r = this.router;
    r.get('/api/version', (_req, res) =>
      sendJson(res, 200, { Version: ARGOCD_VERSION }),
    );
    r.post('/api/v1/session', async (req, res) => {
      const body = await req.json().catch(() => ({}));
      if (
        body.username !== credentials.username ||
        body.password !== credentials.password
      ) {
        grpcError(res, 401, 16, 'Invalid username or password');
        return;
      }
      sendJson(res, 200, { token: signSession(body.username) });
    });
    r.get('/api/v1/session/userinfo', (req, res) => {
      const user = this.authenticate(req);
      sendJson(
        res,
        200,
        user
          ? { loggedIn: true, username: user, iss: 'argocd', groups: [] }
          : { loggedIn: false },
      );
    });
    r.otherwise(async (req, res) => {
      if (!req.path.startsWith('/api/v1/')) {
        grpcError(res, 404, 5, 'Not Found');
        return;
      }
      const user = this.authenticate(req);
      if (!user) {
        const token = this.tokenOf(req);
        grpcError(
          res,
          401,
          16,
          token === undefined
            ? 'no session information'
            : 'invalid session: token signature is invalid',
        );
        return;
      }
      await this.route(req, res, user);
    });
  }

  private async route(req: SimRequest, res: http.ServerResponse, user: string) {
    const path = req.path.replace(/\/$/, '');
    if (path === '/api/v1/applications') {
      if (req.method === 'GET') {
        this.list(req, res);
        return;
      }
      if (req.method === 'POST') {
        await this.create(req, res, user);
        return;
      }
    }
    const m = /^\/api\/v1\/applications\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (m) {
      const name = decodeURIComponent(m[1]);
      const rest = m[2] ?? '';
      const app = this.applications.get(name);
      if (!app) {
        // Since CVE-2022-41354 Argo CD answers "permission denied" for
        // applications that do not exist, so names cannot be enumerated.
        grpcError(res, 403, 7, 'permission denied');
        return;
      }
      if (rest === '' && req.method === 'GET') {
        this.refreshIfAsked(req, app);
        sendJson(res, 200, app);
        return;
      }
      if (rest === '' && req.method === 'DELETE') {
        this.applications.delete(name);
        sendJson(res, 200, {});
        return;
      }
      if (rest === 'sync' && req.method === 'POST') {
        const body = await req.json().catch(() => ({}));
        const revision = body.revision || app.status.sync?.revision;
        this.log(`argocd: manual sync of ${name} requested by ${user}`);
        void this.deploy(name, revision, { automated: false, username: user });
        sendJson(res, 200, app);
        return;
      }
      const meta = /^revisions\/([^/]+)\/metadata$/.exec(rest);
      if (meta && req.method === 'GET') {
        const revision = decodeURIComponent(meta[1]);
        const repoURL = app.spec.source?.repoURL ?? '';
        const found = await this.revisionLookup?.(repoURL, revision);
        if (!found) {
          grpcError(
            res,
            500,
            2,
            `rpc error: code = Unknown desc = unable to resolve git revision ${revision}: unable to resolve '${revision}' to a commit SHA`,
          );
          return;
        }
        sendJson(res, 200, {
          author: found.author,
          date: found.date,
          tags: null,
          message: found.message,
          signatureInfo: '',
        });
        return;
      }
      if (rest === 'managed-resources' && req.method === 'GET') {
        sendJson(res, 200, { items: [] });
        return;
      }
      if (rest === 'resource-tree' && req.method === 'GET') {
        sendJson(res, 200, { nodes: app.status.resources ?? [] });
        return;
      }
    }
    grpcError(res, 404, 5, 'Not Found');
  }

  private list(req: SimRequest, res: http.ServerResponse) {
    const selector = parseSelector(req.query.get('selector') ?? '');
    if (selector === undefined) {
      grpcError(
        res,
        400,
        3,
        `error parsing label selector: unable to parse requirement: ${req.query.get(
          'selector',
        )}`,
      );
      return;
    }
    const name = req.query.get('name');
    const projects = req.query
      .getAll('projects')
      .concat(req.query.getAll('project'));
    const items = [...this.applications.values()].filter(
      app =>
        (!name || app.metadata.name === name) &&
        (!projects.length || projects.includes(app.spec.project)) &&
        selector.every(([k, v]) => app.metadata.labels?.[k] === v),
    );
    sendJson(res, 200, {
      metadata: { resourceVersion: String(this.resourceVersion) },
      items,
    });
  }

  private async create(
    req: SimRequest,
    res: http.ServerResponse,
    user: string,
  ) {
    const body = await req.json().catch(() => undefined);
    const name = body?.metadata?.name;
    if (!body || typeof name !== 'string' || !name) {
      grpcError(res, 400, 3, 'application.metadata.name: Required value');
      return;
    }
    if (
      !body.spec?.destination ||
      !(body.spec.destination.server || body.spec.destination.name)
    ) {
      grpcError(
        res,
        400,
        3,
        `application spec for ${name} is invalid: InvalidSpecError: Destination server missing from app spec`,
      );
      return;
    }
    if (!body.spec?.source?.repoURL && !body.spec?.sources) {
      grpcError(
        res,
        400,
        3,
        `application spec for ${name} is invalid: InvalidSpecError: spec.source.repoURL and either spec.source.path, spec.source.chart, or spec.source.ref are required`,
      );
      return;
    }
    if (this.failNextCreates > 0) {
      this.failNextCreates--;
      grpcError(
        res,
        500,
        13,
        'rpc error: code = Unavailable desc = the simulator was asked to fail this create once',
      );
      return;
    }
    const upsert = req.query.get('upsert') === 'true';
    const existing = this.applications.get(name);
    if (existing) {
      const same =
        JSON.stringify(existing.spec) ===
          JSON.stringify(normalizeSpec(body.spec)) &&
        JSON.stringify(existing.metadata.labels ?? {}) ===
          JSON.stringify(body.metadata.labels ?? {});
      if (!same && !upsert) {
        grpcError(
          res,
          400,
          3,
          `existing application spec is different, use upsert flag to force update`,
        );
        return;
      }
      if (!same) {
        existing.spec = normalizeSpec(body.spec);
        existing.metadata.labels = body.metadata.labels;
        existing.metadata.annotations = body.metadata.annotations;
        existing.metadata.generation++;
        existing.metadata.resourceVersion = String(++this.resourceVersion);
        this.log(`argocd: updated application ${name}`);
      }
      sendJson(res, 200, existing);
      return;
    }
    const app = this.createApplication({
      name,
      labels: body.metadata.labels,
      annotations: body.metadata.annotations,
      spec: body.spec,
    });
    this.log(`argocd: created application ${name} (by ${user})`);
    sendJson(res, 200, app);
    // A new application with automated sync deploys the current revision.
    if (app.spec.syncPolicy?.automated) {
      void this.deploy(name, undefined, { automated: true });
    }
  }

  // ---- store API ----

  createApplication(input: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    spec: ArgoApplication['spec'];
    createdAt?: number;
  }): ArgoApplication {
    const app: ArgoApplication = {
      metadata: {
        name: input.name,
        namespace: 'argocd',
        uid: randomUUID(),
        resourceVersion: String(++this.resourceVersion),
        generation: 1,
        creationTimestamp: iso(input.createdAt ?? Date.now()),
        ...(input.labels ? { labels: input.labels } : {}),
        ...(input.annotations ? { annotations: input.annotations } : {}),
      },
      spec: normalizeSpec(input.spec),
      status: {
        sync: {
          status: 'Unknown',
          comparedTo: {
            source: input.spec.source,
            destination: input.spec.destination,
          },
        },
        health: { status: 'Missing' },
        history: [],
        reconciledAt: iso(input.createdAt ?? Date.now()),
        sourceType:
          input.spec.source?.helm || input.spec.source?.chart
            ? 'Helm'
            : 'Directory',
        summary: {},
        resources: [],
      },
    };
    this.applications.set(input.name, app);
    return app;
  }

  /** Applications whose source is this repository, tracking this branch. */
  appsForRepo(
    repoUrls: string[],
    branch: string,
    defaultBranch: string,
  ): ArgoApplication[] {
    const norm = (u: string) =>
      u
        .replace(/\.git$/, '')
        .replace(/\/$/, '')
        .toLowerCase();
    const urls = repoUrls.map(norm);
    return [...this.applications.values()].filter(app => {
      const source = app.spec.source;
      if (!source || !urls.includes(norm(source.repoURL))) return false;
      const target = source.targetRevision || 'HEAD';
      return (
        target === branch || (target === 'HEAD' && branch === defaultBranch)
      );
    });
  }

  /**
   * Hook for the deploy sequence; the pipeline wires it to a function that
   * walks OutOfSync → Synced and Progressing → Healthy in simulated time.
   */
  deploy: (
    name: string,
    revision: string | undefined,
    initiatedBy: { automated?: boolean; username?: string },
  ) => Promise<void> = async () => {};

  bump(app: ArgoApplication) {
    app.metadata.resourceVersion = String(++this.resourceVersion);
  }

  private refreshIfAsked(req: SimRequest, app: ArgoApplication) {
    if (req.query.get('refresh')) app.status.reconciledAt = iso(Date.now());
  }

  private tokenOf(req: SimRequest): string | undefined {
    const bearer = parseBearer(req.headers.authorization);
    if (bearer !== undefined) return bearer;
    const cookie = /(?:^|;\s*)argocd\.token=([^;]+)/.exec(
      String(req.headers.cookie ?? ''),
    );
    return cookie?.[1];
  }

  private authenticate(req: SimRequest): string | undefined {
    const token = this.tokenOf(req);
    if (!token) return undefined;
    if (token === this.credentials.token) return this.credentials.username;
    return verifySession(token);
  }
}

export function signSession(username: string): string {
  const b64 = (o: unknown) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({
    iss: 'argocd',
    sub: `${username}:login`,
    nbf: now,
    iat: now,
    exp: now + 86400,
    jti: randomUUID(),
  });
  const sig = createHmac('sha256', SESSION_SECRET)
    .update(`${head}.${body}`)
    .digest('base64url');
  return `${head}.${body}.${sig}`;
}

function verifySession(token: string): string | undefined {
  const [head, body, sig] = token.split('.');
  if (!head || !body || !sig) return undefined;
  const expected = createHmac('sha256', SESSION_SECRET)
    .update(`${head}.${body}`)
    .digest('base64url');
  if (expected !== sig) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (claims.exp * 1000 < Date.now()) return undefined;
    return String(claims.sub).split(':')[0];
  } catch {
    return undefined;
  }
}

function parseSelector(selector: string): [string, string][] | undefined {
  if (!selector.trim()) return [];
  const parts: [string, string][] = [];
  for (const term of selector.split(',')) {
    const m = /^\s*([\w./-]+)\s*==?\s*([\w.-]*)\s*$/.exec(term);
    if (!m) return undefined;
    parts.push([m[1], m[2]]);
  }
  return parts;
}

function normalizeSpec(spec: ArgoApplication['spec']): ArgoApplication['spec'] {
  return { ...spec, project: spec.project || 'default' };
}

function iso(ms: number) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function grpcError(
  res: http.ServerResponse,
  status: number,
  code: number,
  message: string,
) {
  sendJson(res, status, { error: message, code, message });
}
