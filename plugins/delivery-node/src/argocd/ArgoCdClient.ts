import { InputError } from '@backstage/errors';
import { ArgoCdInstanceConfig } from '../config/readers';
import { isUpstreamError, UpstreamAuthenticationError } from '../errors';
import { UpstreamHttp, UpstreamRequest } from '../http/UpstreamHttp';

/**
 * An Argo CD Application as the delivery model reads it.
 *
 * @public
 */
export type ArgoCdApplication = {
  name: string;
  /** `metadata.namespace`: Argo CD's own namespace, or the app namespace. */
  namespace?: string;
  project: string;
  labels: Record<string, string>;
  source?: {
    repoURL?: string;
    path?: string;
    chart?: string;
    targetRevision?: string;
    valueFiles?: string[];
  };
  destination: { server?: string; name?: string; namespace?: string };
  /** `Synced`, `OutOfSync`, `Unknown`. */
  syncStatus: string;
  /** The revision the sync status refers to. */
  syncRevision?: string;
  /** `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing`, `Unknown`. */
  healthStatus: string;
  healthMessage?: string;
  /** Phase of the last operation: `Succeeded`, `Running`, `Failed`, … */
  operationPhase?: string;
  /** ISO 8601. */
  reconciledAt?: string;
  /** `status.summary.images`: the images the application runs. */
  images: string[];
  /** Deployments, oldest first as Argo CD lists them. */
  history: Array<{
    id: number;
    revision?: string;
    deployedAt?: string;
    deployStartedAt?: string;
  }>;
  /** The application's spec as Argo CD returned it, for comparisons. */
  spec: ArgoCdApplicationSpec;
};

/**
 * The spec of an Argo CD Application (the parts Slipway writes; anything else
 * passes through).
 *
 * @public
 */
export type ArgoCdApplicationSpec = {
  project: string;
  source?: {
    repoURL: string;
    targetRevision?: string;
    path?: string;
    chart?: string;
    helm?: {
      valueFiles?: string[];
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
  sources?: Array<Record<string, unknown>>;
  destination: { server?: string; name?: string; namespace?: string };
  syncPolicy?: {
    automated?: { prune?: boolean; selfHeal?: boolean; [key: string]: unknown };
    syncOptions?: string[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

/**
 * An Application to create or upsert.
 *
 * @public
 */
export type ArgoCdApplicationManifest = {
  apiVersion?: 'argoproj.io/v1alpha1';
  kind?: 'Application';
  metadata: {
    name: string;
    /** The app namespace, for "apps in any namespace". */
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
  };
  spec: ArgoCdApplicationSpec;
};

/**
 * The Git metadata of a revision.
 *
 * @public
 */
export type ArgoCdRevisionMetadata = {
  author?: string;
  /** ISO 8601. */
  date?: string;
  message?: string;
  tags: string[];
};

/**
 * Options of {@link ArgoCdClient}.
 *
 * @public
 */
export type ArgoCdClientOptions = {
  instance: ArgoCdInstanceConfig;
  fetch?: typeof fetch;
};

const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A typed client for one Argo CD instance (REST API). Authenticates with a
 * token, or with a username and password session that is renewed once when
 * Argo CD answers 401.
 *
 * @public
 */
export class ArgoCdClient {
  readonly instanceName: string;
  readonly baseUrl: string;
  private readonly http: UpstreamHttp;
  private readonly instance: ArgoCdInstanceConfig;
  private session?: Promise<string>;

  constructor(options: ArgoCdClientOptions) {
    const { instance } = options;
    this.instance = instance;
    this.instanceName = instance.name;
    this.http = new UpstreamHttp({
      tool: 'argocd',
      instance: instance.name,
      baseUrl: instance.url,
      timeoutMs: instance.timeoutMs,
      credentialsHint: `the token (or username and password) of the Argo CD instance "${instance.name}" (argocd.appLocatorMethods[].instances[])`,
      secrets: [instance.token, instance.password],
      fetch: options.fetch,
    });
    this.baseUrl = this.http.baseUrl.href.replace(/\/$/, '');
  }

  /** The application's page in the Argo CD UI. */
  applicationUrl(
    name: string,
    options: { appNamespace?: string } = {},
  ): string {
    const path = options.appNamespace
      ? [
          'applications',
          checkName(options.appNamespace, 'appNamespace'),
          checkName(name, 'name'),
        ]
      : ['applications', checkName(name, 'name')];
    return this.http.url(path).href;
  }

  /**
   * The applications matching a label selector (`GET /api/v1/applications`).
   */
  async listApplications(
    options: {
      selector?: string;
      appNamespace?: string;
      projects?: string[];
    } = {},
  ): Promise<ArgoCdApplication[]> {
    const request: UpstreamRequest = {
      path: ['api', 'v1', 'applications'],
      query: {
        selector: options.selector,
        appNamespace: options.appNamespace,
        ...(options.projects?.length
          ? { projects: options.projects.join(',') }
          : {}),
      },
    };
    const body = await this.json<any>(request);
    // Argo CD sends `items: null` when nothing matches.
    if (body?.items === null || body?.items === undefined) {
      if (
        typeof body !== 'object' ||
        body === null ||
        !('metadata' in body || 'items' in body)
      ) {
        throw this.http.shapeError(request, 'items is missing');
      }
      return [];
    }
    if (!Array.isArray(body.items)) {
      throw this.http.shapeError(request, 'items is not an array');
    }
    return body.items.map((item: unknown) => this.toApplication(item, request));
  }

  /**
   * One application (`GET /api/v1/applications/{name}`).
   *
   * @throws UpstreamNotFoundError when it does not exist
   */
  async getApplication(
    name: string,
    options: { appNamespace?: string } = {},
  ): Promise<ArgoCdApplication> {
    const request: UpstreamRequest = {
      path: ['api', 'v1', 'applications', checkName(name, 'name')],
      query: { appNamespace: options.appNamespace },
      what: `application "${name}"`,
    };
    return this.toApplication(await this.json(request), request);
  }

  /**
   * One application, or undefined when it does not exist. Argo CD answers a
   * missing application with 403 "permission denied" (so that names cannot be
   * probed), like one the account may not see; both count as absent here, and
   * a create that follows reports a real lack of permission.
   */
  async findApplication(
    name: string,
    options: { appNamespace?: string } = {},
  ): Promise<ArgoCdApplication | undefined> {
    try {
      return await this.getApplication(name, options);
    } catch (error) {
      if (
        isUpstreamError(error, 'not-found') ||
        (isUpstreamError(error, 'authentication') && error.status === 403)
      ) {
        return undefined;
      }
      throw error;
    }
  }

  /**
   * Creates an application; with `upsert` (the default) an existing one with
   * the same name is updated to this spec (`POST /api/v1/applications?upsert=true`).
   *
   * @throws UpstreamRejectedError when Argo CD refuses the spec, or the
   * application exists with another spec and `upsert` is false
   */
  async createApplication(
    manifest: ArgoCdApplicationManifest,
    options: { upsert?: boolean; validate?: boolean } = {},
  ): Promise<ArgoCdApplication> {
    checkName(manifest.metadata.name, 'metadata.name');
    const request: UpstreamRequest = {
      method: 'POST',
      path: ['api', 'v1', 'applications'],
      query: {
        upsert: options.upsert ?? true,
        validate: options.validate ?? true,
      },
      body: JSON.stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        ...manifest,
      }),
      headers: { 'Content-Type': 'application/json' },
    };
    return this.toApplication(await this.json(request), request);
  }

  /**
   * The Git metadata (author, date, message, tags) of a revision of an
   * application's source
   * (`GET /api/v1/applications/{name}/revisions/{revision}/metadata`).
   */
  async getRevisionMetadata(
    name: string,
    revision: string,
    options: { appNamespace?: string } = {},
  ): Promise<ArgoCdRevisionMetadata> {
    if (!/^[A-Za-z0-9._/-]{1,255}$/.test(revision)) {
      throw new InputError(`Invalid revision "${revision}"`);
    }
    const request: UpstreamRequest = {
      path: [
        'api',
        'v1',
        'applications',
        checkName(name, 'name'),
        'revisions',
        revision,
        'metadata',
      ],
      query: { appNamespace: options.appNamespace },
      what: `revision "${revision}" of application "${name}"`,
    };
    const body = await this.json<any>(request);
    if (typeof body !== 'object' || body === null) {
      throw this.http.shapeError(request, 'not an object');
    }
    return {
      ...(typeof body.author === 'string' ? { author: body.author } : {}),
      ...(typeof body.date === 'string' ? { date: body.date } : {}),
      ...(typeof body.message === 'string' ? { message: body.message } : {}),
      tags: Array.isArray(body.tags)
        ? body.tags.filter((t: unknown) => typeof t === 'string')
        : [],
    };
  }

  private async json<T>(request: UpstreamRequest): Promise<T> {
    const headers = { Accept: 'application/json', ...request.headers };
    let response = await this.http.send({
      ...request,
      headers: { ...headers, Authorization: `Bearer ${await this.token()}` },
    });
    if (response.status === 401 && !this.instance.token) {
      // The session expired (or Argo CD restarted): log in again, once.
      this.session = undefined;
      response = await this.http.send({
        ...request,
        headers: { ...headers, Authorization: `Bearer ${await this.token()}` },
      });
    }
    return this.http.json<T>(response, request);
  }

  private async token(): Promise<string> {
    if (this.instance.token) {
      return this.instance.token;
    }
    // Concurrent calls share one login.
    this.session ??= this.login().catch(error => {
      this.session = undefined;
      throw error;
    });
    return this.session;
  }

  private async login(): Promise<string> {
    const request: UpstreamRequest = {
      method: 'POST',
      path: ['api', 'v1', 'session'],
      body: JSON.stringify({
        username: this.instance.username,
        password: this.instance.password,
      }),
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
    };
    const response = await this.http.send(request);
    if (response.status === 401 || response.status === 403) {
      throw this.http.error(UpstreamAuthenticationError, {
        status: response.status,
        detail: `login as "${this.instance.username}" failed (HTTP ${response.status}); check the username and password of this instance`,
      });
    }
    const body = this.http.json<any>(response, request);
    if (typeof body?.token !== 'string' || body.token === '') {
      throw this.http.shapeError(request, 'the session has no token');
    }
    return body.token;
  }

  private toApplication(v: any, request: UpstreamRequest): ArgoCdApplication {
    if (
      typeof v?.metadata?.name !== 'string' ||
      typeof v?.spec !== 'object' ||
      v.spec === null
    ) {
      throw this.http.shapeError(
        request,
        'an application has no metadata.name or spec',
      );
    }
    const spec = v.spec;
    const status = v.status ?? {};
    const source =
      spec.source ??
      (Array.isArray(spec.sources) ? spec.sources[0] : undefined);
    const history: any[] = Array.isArray(status.history) ? status.history : [];
    return {
      name: v.metadata.name,
      ...str('namespace', v.metadata.namespace),
      project: String(spec.project ?? 'default'),
      labels: stringRecord(v.metadata.labels),
      ...(source
        ? {
            source: {
              ...str('repoURL', source.repoURL),
              ...str('path', source.path),
              ...str('chart', source.chart),
              ...str('targetRevision', source.targetRevision),
              ...(Array.isArray(source.helm?.valueFiles)
                ? {
                    valueFiles: source.helm.valueFiles.filter(
                      (f: unknown) => typeof f === 'string',
                    ),
                  }
                : {}),
            },
          }
        : {}),
      destination: {
        ...str('server', spec.destination?.server),
        ...str('name', spec.destination?.name),
        ...str('namespace', spec.destination?.namespace),
      },
      syncStatus: String(status.sync?.status ?? 'Unknown'),
      ...str(
        'syncRevision',
        status.sync?.revision ?? status.sync?.revisions?.[0],
      ),
      healthStatus: String(status.health?.status ?? 'Unknown'),
      ...str('healthMessage', status.health?.message),
      ...str('operationPhase', status.operationState?.phase),
      ...str('reconciledAt', status.reconciledAt),
      images: Array.isArray(status.summary?.images)
        ? status.summary.images.filter((i: unknown) => typeof i === 'string')
        : [],
      history: history.map(h => ({
        id: Number(h?.id),
        ...str('revision', h?.revision ?? h?.revisions?.[0]),
        ...str('deployedAt', h?.deployedAt),
        ...str('deployStartedAt', h?.deployStartedAt),
      })),
      spec,
    };
  }
}

function checkName(name: string, field: string): string {
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw new InputError(
      `Invalid Argo CD ${field} "${name}": use lowercase letters, digits, '-' and '.' (a DNS-1123 subdomain)`,
    );
  }
  return name;
}

function str<K extends string>(
  key: K,
  value: unknown,
): Partial<Record<K, string>> {
  return typeof value === 'string' && value !== ''
    ? ({ [key]: value } as Record<K, string>)
    : {};
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => typeof v === 'string'),
  ) as Record<string, string>;
}
