/*
 * Jenkins: folders, pipeline and multibranch jobs, builds with pipeline
 * stages (the Pipeline Stage View plugin's `wfapi`), artifacts, the crumb
 * issuer and the GitLab plugin's `/project/<job>` webhook endpoint.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  parseBasicAuth,
  Router,
  SimRequest,
  sendJson,
  sendText,
} from '../http';
import { applyTree, parseTree, TreeSyntaxError } from './tree';
import {
  PIPELINE_BUMP_MARKER,
  PIPELINE_BUMP_TRAILER,
} from '../pipeline/markers';

export const JENKINS_VERSION = '2.479.3';

export type JenkinsItemKind = 'folder' | 'pipeline' | 'multibranch';
export type StageStatus =
  | 'NOT_EXECUTED'
  | 'IN_PROGRESS'
  | 'SUCCESS'
  | 'FAILED'
  | 'ABORTED';
export type BuildResult = 'SUCCESS' | 'FAILURE' | 'ABORTED' | 'UNSTABLE';

export interface JenkinsStage {
  id: string;
  name: string;
  status: StageStatus;
  startTimeMillis: number;
  durationMillis: number;
  error?: { message: string; type: string };
}

export interface JenkinsCause {
  _class: string;
  shortDescription: string;
  [key: string]: unknown;
}

export interface JenkinsChange {
  commitId: string;
  msg: string;
  comment: string;
  authorName: string;
  authorEmail: string;
  timestamp: number;
  paths: string[];
}

export interface JenkinsBuild {
  number: number;
  queueId: number;
  timestamp: number;
  duration: number;
  estimatedDuration: number;
  result: BuildResult | null;
  building: boolean;
  description: string | null;
  stages: JenkinsStage[];
  artifacts: Map<string, string>;
  causes: JenkinsCause[];
  revision?: { sha: string; branch: string; remoteUrl: string };
  changes: JenkinsChange[];
  log: string[];
}

export interface JenkinsItem {
  kind: JenkinsItemKind;
  name: string;
  parent?: JenkinsItem;
  children: Map<string, JenkinsItem>;
  configXml: string;
  builds: JenkinsBuild[];
  nextBuildNumber: number;
}

/** What a build is asked to do; the pipeline runner fills in the rest. */
export interface BuildTrigger {
  cause: JenkinsCause;
  /** GitLab project path when known (webhook), else read from config.xml. */
  projectPath?: string;
  sha?: string;
  branch?: string;
  before?: string;
}

export type BuildStarter = (
  job: JenkinsItem,
  build: JenkinsBuild,
  trigger: BuildTrigger,
) => void;

const CLASSES: Record<JenkinsItemKind, string> = {
  folder: 'com.cloudbees.hudson.plugins.folder.Folder',
  pipeline: 'org.jenkinsci.plugins.workflow.job.WorkflowJob',
  multibranch:
    'org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject',
};
const RUN_CLASS = 'org.jenkinsci.plugins.workflow.job.WorkflowRun';
const UNSAFE_NAME = /[\\/?*%!@#$^&|<>[\]:;]/;

export class JenkinsSimulator {
  readonly root: JenkinsItem = {
    kind: 'folder',
    name: '',
    children: new Map(),
    configXml: '',
    builds: [],
    nextBuildNumber: 1,
  };
  readonly router = new Router();
  baseUrl = '';
  /** Called for every new build; set by the pipeline runner. */
  onBuild?: BuildStarter;
  private queueId = 100;
  private readonly queue = new Map<
    number,
    { item: JenkinsItem; build: JenkinsBuild }
  >();
  private readonly crumbs = new Set<string>();
  /** Payloads received at `/sonarqube-webhook/`, newest last. */
  readonly sonarqubeWebhooks: unknown[] = [];

  constructor(
    private readonly credentials: { username: string; apiToken: string },
    private readonly log: (message: string) => void,
  ) {
    this.router.otherwise((req, res) => this.handle(req, res));
  }

  // ---- store API used by the seed and the pipeline runner ----

  find(fullName: string): JenkinsItem | undefined {
    let item: JenkinsItem | undefined = this.root;
    for (const part of fullName.split('/').filter(Boolean)) {
      item = item?.children.get(part);
      if (!item) return undefined;
    }
    return item;
  }

  createItem(
    parent: JenkinsItem,
    name: string,
    kind: JenkinsItemKind,
    configXml: string,
  ): JenkinsItem {
    const item: JenkinsItem = {
      kind,
      name,
      parent,
      children: new Map(),
      configXml,
      builds: [],
      nextBuildNumber: 1,
    };
    parent.children.set(name, item);
    return item;
  }

  /** Creates folders along `fullName` and a pipeline job at its end. */
  ensureJob(fullName: string, configXml: string): JenkinsItem {
    const parts = fullName.split('/');
    let parent = this.root;
    for (const part of parts.slice(0, -1)) {
      parent =
        parent.children.get(part) ??
        this.createItem(parent, part, 'folder', folderConfigXml(part));
    }
    const name = parts[parts.length - 1];
    return (
      parent.children.get(name) ??
      this.createItem(parent, name, 'pipeline', configXml)
    );
  }

  fullName(item: JenkinsItem): string {
    const names: string[] = [];
    for (
      let i: JenkinsItem | undefined = item;
      i && i !== this.root;
      i = i.parent
    ) {
      names.unshift(i.name);
    }
    return names.join('/');
  }

  itemUrl(item: JenkinsItem): string {
    const path = this.fullName(item)
      .split('/')
      .filter(Boolean)
      .map(n => `job/${encodeURIComponent(n)}/`)
      .join('');
    return `${this.baseUrl}/${path}`;
  }

  newBuild(
    item: JenkinsItem,
    cause: JenkinsCause,
    timestamp: number,
  ): JenkinsBuild {
    const build: JenkinsBuild = {
      number: item.nextBuildNumber++,
      queueId: ++this.queueId,
      timestamp,
      duration: 0,
      estimatedDuration: estimate(item),
      result: null,
      building: true,
      description: null,
      stages: [],
      artifacts: new Map(),
      causes: [cause],
      changes: [],
      log: [],
    };
    item.builds.unshift(build);
    this.queue.set(build.queueId, { item, build });
    return build;
  }

  /** Starts a build of `item` (a pipeline job, or a branch of a multibranch). */
  trigger(item: JenkinsItem, trigger: BuildTrigger, timestamp = Date.now()) {
    let job = item;
    if (item.kind === 'multibranch') {
      const branch = trigger.branch ?? 'main';
      job =
        item.children.get(branch) ??
        this.createItem(item, branch, 'pipeline', item.configXml);
    }
    const build = this.newBuild(job, trigger.cause, timestamp);
    this.log(
      `jenkins: ${this.fullName(job)} #${build.number} started (${
        trigger.cause.shortDescription
      })`,
    );
    this.onBuild?.(job, build, trigger);
    return { job, build };
  }

  // ---- HTTP ----

  private async handle(req: SimRequest, res: http.ServerResponse) {
    res.setHeader('X-Jenkins', JENKINS_VERSION);
    res.setHeader('X-Hudson', '1.395');
    const path = req.path.replace(/\/+$/, '') || '/';

    // Endpoints authenticated by their own secret, as in the real plugins.
    if (req.method === 'POST' && path.startsWith('/project/')) {
      await this.gitlabWebhook(
        req,
        res,
        decodePath(path.slice('/project/'.length)),
      );
      return;
    }
    if (req.method === 'POST' && path === '/gitlab-webhook/post') {
      await this.gitlabBranchSourceWebhook(req, res);
      return;
    }
    if (req.method === 'POST' && path === '/sonarqube-webhook') {
      this.sonarqubeWebhooks.push(await req.json().catch(() => ({})));
      sendText(res, 200, '');
      return;
    }

    if (!this.authenticate(req, res)) return;
    if (req.method === 'POST' && !this.checkCrumb(req, res)) return;

    if (path === '/crumbIssuer/api/json') {
      const crumb = randomBytes(32).toString('hex');
      this.crumbs.add(crumb);
      sendJson(res, 200, {
        _class: 'hudson.security.csrf.DefaultCrumbIssuer',
        crumb,
        crumbRequestField: 'Jenkins-Crumb',
      });
      return;
    }
    if (path === '/whoAmI/api/json' || path === '/me/api/json') {
      sendJson(res, 200, {
        _class: 'hudson.security.WhoAmI',
        anonymous: false,
        authenticated: true,
        authorities: ['authenticated'],
        name: this.credentials.username,
      });
      return;
    }
    const queueMatch = /^\/queue\/item\/(\d+)\/api\/json$/.exec(path);
    if (queueMatch) {
      const entry = this.queue.get(Number(queueMatch[1]));
      if (!entry) {
        notFound(res);
        return;
      }
      sendJson(res, 200, {
        _class: 'hudson.model.Queue$LeftItem',
        actions: [
          { _class: 'hudson.model.CauseAction', causes: entry.build.causes },
        ],
        blocked: false,
        buildable: false,
        id: entry.build.queueId,
        inQueueSince: entry.build.timestamp,
        params: '',
        stuck: false,
        task: this.itemRef(entry.item),
        url: `queue/item/${entry.build.queueId}/`,
        why: null,
        cancelled: false,
        executable: {
          _class: RUN_CLASS,
          number: entry.build.number,
          url: this.buildUrl(entry.item, entry.build),
        },
      });
      return;
    }

    // Walk /job/<a>/job/<b>/... to the item, then dispatch on the rest.
    const segments = path.split('/').filter(Boolean);
    let item = this.root;
    let i = 0;
    while (segments[i] === 'job' && i + 1 < segments.length) {
      const child = item.children.get(decodeURIComponent(segments[i + 1]));
      if (!child) {
        notFound(res);
        return;
      }
      item = child;
      i += 2;
    }
    const rest = segments.slice(i);
    await this.dispatchItem(req, res, item, rest);
  }

  private async dispatchItem(
    req: SimRequest,
    res: http.ServerResponse,
    item: JenkinsItem,
    rest: string[],
  ) {
    const action = rest.join('/');
    if (req.method === 'GET' && (action === 'api/json' || action === '')) {
      if (action === '') {
        sendText(
          res,
          200,
          `<html><body>${item.name || 'Jenkins'}</body></html>`,
          {
            'Content-Type': 'text/html;charset=utf-8',
          },
        );
        return;
      }
      this.sendTree(
        req,
        res,
        this.itemJson(
          item,
          req.query.has('tree') || Number(req.query.get('depth') ?? 0) > 0,
        ),
      );
      return;
    }
    if (action === 'config.xml' && item !== this.root) {
      if (req.method === 'GET') {
        sendText(res, 200, maskSecrets(item.configXml), {
          'Content-Type': 'application/xml',
        });
        return;
      }
      if (req.method === 'POST') {
        item.configXml = unmaskSecrets(await req.text());
        sendText(res, 200, '');
        return;
      }
    }
    if (
      req.method === 'POST' &&
      action === 'createItem' &&
      item.kind === 'folder'
    ) {
      await this.createItemFromRequest(req, res, item);
      return;
    }
    if (req.method === 'POST' && action === 'doDelete' && item !== this.root) {
      item.parent?.children.delete(item.name);
      res.writeHead(302, {
        Location: item.parent ? this.itemUrl(item.parent) : `${this.baseUrl}/`,
      });
      res.end();
      return;
    }
    if (
      req.method === 'POST' &&
      (action === 'build' || action === 'buildWithParameters') &&
      item.kind !== 'folder'
    ) {
      const { build } = this.trigger(item, {
        cause: {
          _class: 'hudson.model.Cause$UserIdCause',
          shortDescription: `Started by user ${this.credentials.username}`,
          userId: this.credentials.username,
          userName: this.credentials.username,
        },
        branch: item.kind === 'multibranch' ? 'main' : undefined,
      });
      res.writeHead(201, {
        Location: `${this.baseUrl}/queue/item/${build.queueId}/`,
      });
      res.end();
      return;
    }
    if (
      req.method === 'GET' &&
      action === 'wfapi/runs' &&
      item.kind === 'pipeline'
    ) {
      sendJson(
        res,
        200,
        item.builds.map(b => this.describe(item, b)),
      );
      return;
    }
    if (rest.length >= 1 && item.kind === 'pipeline') {
      const build = this.findBuild(item, rest[0]);
      if (build) {
        await this.dispatchBuild(req, res, item, build, rest.slice(1));
        return;
      }
    }
    notFound(res);
  }

  private async dispatchBuild(
    req: SimRequest,
    res: http.ServerResponse,
    item: JenkinsItem,
    build: JenkinsBuild,
    rest: string[],
  ) {
    const action = rest.join('/');
    if (req.method === 'GET' && action === 'api/json') {
      this.sendTree(req, res, this.buildJson(item, build));
      return;
    }
    if (req.method === 'GET' && action === 'wfapi/describe') {
      sendJson(res, 200, this.describe(item, build));
      return;
    }
    if (req.method === 'GET' && action === 'wfapi/artifacts') {
      sendJson(
        res,
        200,
        [...build.artifacts.entries()].map(([p, content], index) => ({
          id: `n${index + 1}`,
          name: p.split('/').pop(),
          path: p,
          url: `${this.buildPath(item, build)}artifact/${p}`,
          size: Buffer.byteLength(content),
        })),
      );
      return;
    }
    if (req.method === 'GET' && rest[0] === 'artifact' && rest.length > 1) {
      const file = rest.slice(1).map(decodeURIComponent).join('/');
      const content = build.artifacts.get(file);
      if (content === undefined) {
        notFound(res);
        return;
      }
      sendText(res, 200, content, {
        'Content-Type': file.endsWith('.json')
          ? 'application/json'
          : 'application/octet-stream',
      });
      return;
    }
    if (req.method === 'GET' && action === 'consoleText') {
      sendText(res, 200, `${build.log.join('\n')}\n`);
      return;
    }
    notFound(res);
  }

  private async createItemFromRequest(
    req: SimRequest,
    res: http.ServerResponse,
    parent: JenkinsItem,
  ) {
    const name = req.query.get('name');
    if (!name) {
      sendText(res, 400, "Query parameter 'name' is required", {
        'X-Error': "Query parameter 'name' is required",
      });
      return;
    }
    const unsafe = UNSAFE_NAME.exec(name);
    if (unsafe) {
      sendText(res, 400, `‘${unsafe[0]}’ is an unsafe character`, {
        'X-Error': `‘${unsafe[0]}’ is an unsafe character`,
      });
      return;
    }
    if (parent.children.has(name)) {
      sendText(res, 400, `A job already exists with the name ‘${name}’`, {
        'X-Error': `A job already exists with the name ‘${name}’`,
      });
      return;
    }
    const mode = req.query.get('mode');
    const body = (await req.text()).trim();
    let kind: JenkinsItemKind | undefined;
    let configXml = body;
    if (mode) {
      kind = (Object.keys(CLASSES) as JenkinsItemKind[]).find(
        k => CLASSES[k] === mode,
      );
      if (!kind) {
        sendText(res, 400, `No such job type: ${mode}`, {
          'X-Error': `No such job type: ${mode}`,
        });
        return;
      }
      if (!configXml.startsWith('<'))
        configXml = kind === 'folder' ? folderConfigXml(name) : '';
    } else {
      if (!body) {
        sendText(
          res,
          400,
          'No mode given and no config.xml in the request body',
          {
            'X-Error': 'No mode given',
          },
        );
        return;
      }
      const root = /<([A-Za-z][\w.$-]*)[\s>/]/.exec(
        body.replace(/<\?xml[^>]*\?>/, ''),
      )?.[1];
      kind =
        root === 'flow-definition'
          ? 'pipeline'
          : (Object.keys(CLASSES) as JenkinsItemKind[]).find(
              k => CLASSES[k] === root,
            );
      if (!kind) {
        sendText(
          res,
          500,
          `Unable to read config.xml: root element <${root}> is not a folder, pipeline (flow-definition) or multibranch project`,
        );
        return;
      }
    }
    this.createItem(parent, name, kind, unmaskSecrets(configXml));
    this.log(
      `jenkins: created ${kind} ${
        this.fullName(parent) ? `${this.fullName(parent)}/` : ''
      }${name}`,
    );
    sendText(res, 200, '');
  }

  private async gitlabWebhook(
    req: SimRequest,
    res: http.ServerResponse,
    jobPath: string,
  ) {
    const item = this.find(jobPath);
    if (!item || item.kind === 'folder') {
      sendText(res, 404, `Job ${jobPath} not found`);
      return;
    }
    const expected = /<secretToken>([^<]*)<\/secretToken>/.exec(
      item.configXml,
    )?.[1];
    const given = req.headers['x-gitlab-token'];
    if (expected && given !== unmaskSecret(expected)) {
      sendText(res, 401, 'Invalid token');
      return;
    }
    const event = String(req.headers['x-gitlab-event'] ?? '');
    const payload = await req.json().catch(() => undefined);
    this.onPush(item, jobPath, event, payload);
    sendText(res, 200, '');
  }

  /**
   * The GitLab Branch Source plugin's single endpoint (`/gitlab-webhook/post`,
   * what multibranch jobs get): it builds every multibranch project whose
   * GitLab source is the pushed project. Its secret token is a server-wide
   * setting of the plugin, none in the simulator.
   */
  private async gitlabBranchSourceWebhook(
    req: SimRequest,
    res: http.ServerResponse,
  ) {
    const event = String(req.headers['x-gitlab-event'] ?? '');
    const payload = await req.json().catch(() => undefined);
    const projectPath = String(payload?.project?.path_with_namespace ?? '');
    const sources = `<projectPath>${escapeHtml(projectPath)}</projectPath>`;
    const visit = (item: JenkinsItem) => {
      for (const child of item.children.values()) {
        if (child.kind === 'folder') {
          visit(child);
        } else if (
          child.kind === 'multibranch' &&
          projectPath &&
          child.configXml.includes(sources)
        ) {
          this.onPush(child, this.fullName(child), event, payload);
        }
      }
    };
    visit(this.root);
    sendText(res, 200, '');
  }

  /** A GitLab push event for `item`: starts a build unless it is to be skipped. */
  private onPush(
    item: JenkinsItem,
    jobPath: string,
    event: string,
    payload: any,
  ) {
    if (!payload || event !== 'Push Hook' || payload.object_kind !== 'push') {
      // The plugins acknowledge events they do not build for.
      return;
    }
    const ref = String(payload.ref ?? '');
    const after = String(payload.after ?? payload.checkout_sha ?? '');
    if (!ref.startsWith('refs/heads/') || /^0+$/.test(after)) {
      return;
    }
    const head =
      (payload.commits as any[] | undefined)?.find(c => c.id === after) ??
      (payload.commits as any[] | undefined)?.slice(-1)[0];
    if (head && isPipelineBump(String(head.message ?? ''))) {
      this.log(
        `jenkins: ${jobPath} skipped push ${after.slice(
          0,
          8,
        )} marked as the pipeline's own bump commit`,
      );
      return;
    }
    const user = payload.user_name ?? payload.user_username ?? 'unknown';
    this.trigger(item, {
      cause: {
        _class: 'com.dabsquared.gitlabjenkins.cause.GitLabWebHookCause',
        shortDescription: `Started by GitLab push by ${user}`,
      },
      projectPath: payload.project?.path_with_namespace,
      sha: after,
      branch: ref.slice('refs/heads/'.length),
      before: payload.before,
    });
  }

  private authenticate(req: SimRequest, res: http.ServerResponse): boolean {
    const basic = parseBasicAuth(req.headers.authorization);
    if (!basic) {
      // Anonymous users have no Overall/Read on a secured Jenkins.
      res.setHeader('X-You-Are-Authenticated-As', 'anonymous');
      res.setHeader('X-Required-Permission', 'hudson.model.Hudson.Read');
      sendText(res, 403, 'Authentication required', {
        'Content-Type': 'text/html;charset=utf-8',
      });
      return false;
    }
    if (
      basic.user !== this.credentials.username ||
      basic.password !== this.credentials.apiToken
    ) {
      sendText(
        res,
        401,
        `<html><head><title>Error 401 Invalid password/token for user: ${escapeHtml(
          basic.user,
        )}</title></head><body><h2>HTTP ERROR 401 Invalid password/token for user: ${escapeHtml(
          basic.user,
        )}</h2></body></html>`,
        {
          'Content-Type': 'text/html;charset=utf-8',
          'WWW-Authenticate': 'Basic realm="Jenkins"',
        },
      );
      return false;
    }
    res.setHeader('X-You-Are-Authenticated-As', basic.user);
    return true;
  }

  /** API-token requests need no crumb; a wrong crumb is still refused. */
  private checkCrumb(req: SimRequest, res: http.ServerResponse): boolean {
    const crumb = req.headers['jenkins-crumb'];
    if (crumb !== undefined && !this.crumbs.has(String(crumb))) {
      sendText(res, 403, 'No valid crumb was included in the request');
      return false;
    }
    return true;
  }

  private sendTree(req: SimRequest, res: http.ServerResponse, value: unknown) {
    const tree = req.query.get('tree');
    if (!tree) {
      sendJson(res, 200, value);
      return;
    }
    try {
      sendJson(res, 200, applyTree(value, parseTree(tree)));
    } catch (error) {
      if (error instanceof TreeSyntaxError) {
        sendText(res, 400, `Malformed tree expression: ${error.message}`);
        return;
      }
      throw error;
    }
  }

  private findBuild(item: JenkinsItem, id: string): JenkinsBuild | undefined {
    const done = item.builds.filter(b => !b.building);
    switch (id) {
      case 'lastBuild':
        return item.builds[0];
      case 'lastCompletedBuild':
        return done[0];
      case 'lastSuccessfulBuild':
      case 'lastStableBuild':
        return done.find(b => b.result === 'SUCCESS');
      case 'lastFailedBuild':
        return done.find(b => b.result === 'FAILURE');
      case 'lastUnsuccessfulBuild':
        return done.find(b => b.result !== 'SUCCESS');
      default:
        return /^\d+$/.test(id)
          ? item.builds.find(b => b.number === Number(id))
          : undefined;
    }
  }

  // ---- JSON representations ----

  private itemRef(item: JenkinsItem) {
    return {
      _class: CLASSES[item.kind],
      name: item.name,
      url: this.itemUrl(item),
      ...(item.kind === 'folder' ? {} : { color: color(item) }),
    };
  }

  private buildRef(item: JenkinsItem, build: JenkinsBuild | undefined) {
    if (!build) return null;
    return {
      _class: RUN_CLASS,
      number: build.number,
      url: this.buildUrl(item, build),
    };
  }

  private itemJson(item: JenkinsItem, deep: boolean): unknown {
    if (item === this.root) {
      return {
        _class: 'hudson.model.Hudson',
        assignedLabels: [{ name: 'built-in' }],
        mode: 'NORMAL',
        nodeDescription: "the Jenkins controller's built-in node",
        nodeName: '',
        numExecutors: 2,
        description: 'Slipway toolchain simulator',
        jobs: [...item.children.values()].map(c =>
          deep ? this.itemJson(c, false) : this.itemRef(c),
        ),
        quietingDown: false,
        useCrumbs: true,
        useSecurity: true,
        url: `${this.baseUrl}/`,
      };
    }
    const fullName = this.fullName(item);
    const common = {
      _class: CLASSES[item.kind],
      actions: [
        {},
        { _class: 'com.cloudbees.plugins.credentials.ViewCredentialsAction' },
      ],
      description:
        /<description>([^<]*)<\/description>/.exec(item.configXml)?.[1] ?? '',
      displayName: item.name,
      displayNameOrNull: null,
      fullDisplayName: fullName.split('/').join(' » '),
      fullName,
      name: item.name,
      url: this.itemUrl(item),
    };
    if (item.kind !== 'pipeline') {
      return {
        ...common,
        healthReport: [],
        jobs: [...item.children.values()].map(c =>
          deep ? this.itemJson(c, false) : this.itemRef(c),
        ),
        primaryView: {
          _class: 'hudson.model.AllView',
          name: 'All',
          url: common.url,
        },
        views: [
          { _class: 'hudson.model.AllView', name: 'All', url: common.url },
        ],
      };
    }
    const done = item.builds.filter(b => !b.building);
    const ref = (b: JenkinsBuild | undefined) => {
      if (!b) return null;
      return deep ? this.buildJson(item, b) : this.buildRef(item, b);
    };
    return {
      ...common,
      buildable: true,
      builds: item.builds.slice(0, 100).map(b => ref(b)),
      color: color(item),
      firstBuild: ref(item.builds[item.builds.length - 1]),
      healthReport: health(done),
      inQueue: false,
      keepDependencies: false,
      lastBuild: ref(item.builds[0]),
      lastCompletedBuild: ref(done[0]),
      lastFailedBuild: ref(done.find(b => b.result === 'FAILURE')),
      lastStableBuild: ref(done.find(b => b.result === 'SUCCESS')),
      lastSuccessfulBuild: ref(done.find(b => b.result === 'SUCCESS')),
      lastUnstableBuild: ref(done.find(b => b.result === 'UNSTABLE')),
      lastUnsuccessfulBuild: ref(done.find(b => b.result !== 'SUCCESS')),
      nextBuildNumber: item.nextBuildNumber,
      property: [],
      queueItem: null,
      concurrentBuild: true,
      resumeBlocked: false,
    };
  }

  buildUrl(item: JenkinsItem, build: JenkinsBuild) {
    return `${this.itemUrl(item)}${build.number}/`;
  }

  /** Root-relative path, as the wfapi `_links` use. */
  private buildPath(item: JenkinsItem, build: JenkinsBuild) {
    return this.buildUrl(item, build).slice(this.baseUrl.length);
  }

  private buildJson(item: JenkinsItem, build: JenkinsBuild) {
    const actions: unknown[] = [
      { _class: 'hudson.model.CauseAction', causes: build.causes },
    ];
    if (build.revision) {
      const branchName = `refs/remotes/origin/${build.revision.branch}`;
      actions.push({
        _class: 'hudson.plugins.git.util.BuildData',
        buildsByBranchName: {
          [branchName]: {
            _class: 'hudson.plugins.git.util.Build',
            buildNumber: build.number,
            buildResult: null,
            marked: {
              SHA1: build.revision.sha,
              branch: [{ SHA1: build.revision.sha, name: branchName }],
            },
            revision: {
              SHA1: build.revision.sha,
              branch: [{ SHA1: build.revision.sha, name: branchName }],
            },
          },
        },
        lastBuiltRevision: {
          SHA1: build.revision.sha,
          branch: [{ SHA1: build.revision.sha, name: branchName }],
        },
        remoteUrls: [build.revision.remoteUrl],
        scmName: '',
      });
    }
    actions.push({
      _class: 'org.jenkinsci.plugins.workflow.cps.EnvActionImpl',
    });
    return {
      _class: RUN_CLASS,
      actions,
      artifacts: [...build.artifacts.keys()].map(p => ({
        displayPath: p.split('/').pop(),
        fileName: p.split('/').pop(),
        relativePath: p,
      })),
      building: build.building,
      description: build.description,
      displayName: `#${build.number}`,
      duration: build.duration,
      estimatedDuration: build.estimatedDuration,
      executor: build.building ? {} : null,
      fullDisplayName: `${this.fullName(item).split('/').join(' » ')} #${
        build.number
      }`,
      id: String(build.number),
      keepLog: false,
      number: build.number,
      queueId: build.queueId,
      result: build.result,
      timestamp: build.timestamp,
      url: this.buildUrl(item, build),
      changeSets: build.changes.length
        ? [
            {
              _class: 'hudson.plugins.git.GitChangeSetList',
              items: build.changes.map(c => ({
                _class: 'hudson.plugins.git.GitChangeSet',
                affectedPaths: c.paths,
                commitId: c.commitId,
                timestamp: c.timestamp,
                author: {
                  absoluteUrl: `${this.baseUrl}/user/${encodeURIComponent(
                    c.authorEmail.split('@')[0],
                  )}`,
                  fullName: c.authorName,
                },
                authorEmail: c.authorEmail,
                comment: c.comment,
                date: new Date(c.timestamp)
                  .toISOString()
                  .replace('T', ' ')
                  .replace(/\.\d+Z$/, ' +0000'),
                id: c.commitId,
                msg: c.msg,
                paths: c.paths.map(file => ({ editType: 'edit', file })),
              })),
              kind: 'git',
            },
          ]
        : [],
      culprits: [...new Set(build.changes.map(c => c.authorName))].map(
        fullName => ({
          absoluteUrl: `${this.baseUrl}/user/${encodeURIComponent(fullName)}`,
          fullName,
        }),
      ),
      inProgress: build.building,
      nextBuild: null,
      previousBuild: this.buildRef(
        item,
        item.builds.find(b => b.number < build.number),
      ),
    };
  }

  private describe(item: JenkinsItem, build: JenkinsBuild) {
    const path = this.buildPath(item, build);
    const end = build.building ? Date.now() : build.timestamp + build.duration;
    return {
      _links: {
        self: { href: `${path}wfapi/describe` },
        artifacts: { href: `${path}wfapi/artifacts` },
      },
      id: String(build.number),
      name: `#${build.number}`,
      status: runStatus(build),
      startTimeMillis: build.timestamp,
      endTimeMillis: end,
      durationMillis: Math.max(0, end - build.timestamp),
      queueDurationMillis: 3,
      pauseDurationMillis: 0,
      stages: build.stages.map(s => ({
        _links: {
          self: { href: `${path}execution/node/${s.id}/wfapi/describe` },
        },
        id: s.id,
        name: s.name,
        execNode: '',
        status: s.status,
        ...(s.error ? { error: s.error } : {}),
        startTimeMillis: s.startTimeMillis,
        durationMillis: s.durationMillis,
        pauseDurationMillis: 0,
      })),
    };
  }
}

function runStatus(build: JenkinsBuild): string {
  if (build.building) return 'IN_PROGRESS';
  switch (build.result) {
    case 'SUCCESS':
      return 'SUCCESS';
    case 'FAILURE':
      return 'FAILED';
    case 'ABORTED':
      return 'ABORTED';
    case 'UNSTABLE':
      return 'UNSTABLE';
    default:
      return 'NOT_EXECUTED';
  }
}

function color(item: JenkinsItem): string {
  const last = item.builds.find(b => !b.building);
  const colors: Record<string, string> = {
    SUCCESS: 'blue',
    UNSTABLE: 'yellow',
    ABORTED: 'aborted',
    FAILURE: 'red',
  };
  const base = last ? colors[last.result ?? 'FAILURE'] : 'notbuilt';
  return item.builds[0]?.building ? `${base}_anime` : base;
}

function health(done: JenkinsBuild[]) {
  const recent = done.slice(0, 5);
  if (!recent.length) return [];
  const failed = recent.filter(b => b.result !== 'SUCCESS').length;
  const score = Math.round(((recent.length - failed) / recent.length) * 100);
  const buckets: [number, string][] = [
    [80, '80plus'],
    [60, '60to79'],
    [40, '40to59'],
    [20, '20to39'],
  ];
  const bucket = buckets.find(([min]) => score > min)?.[1] ?? '00to19';
  return [
    {
      description: `Build stability: ${
        failed === 0
          ? 'No recent builds failed.'
          : `${failed} out of the last ${recent.length} builds failed.`
      }`,
      iconClassName: `icon-health-${bucket}`,
      iconUrl: `health-${bucket}.png`,
      score,
    },
  ];
}

function estimate(item: JenkinsItem): number {
  const done = item.builds
    .filter(b => !b.building && b.result === 'SUCCESS')
    .slice(0, 3);
  if (!done.length) return -1;
  return Math.round(done.reduce((a, b) => a + b.duration, 0) / done.length);
}

function notFound(res: http.ServerResponse) {
  sendText(
    res,
    404,
    '<html><head><title>Error 404 Not Found</title></head><body><h2>HTTP ERROR 404 Not Found</h2></body></html>',
    { 'Content-Type': 'text/html;charset=utf-8' },
  );
}

function decodePath(path: string) {
  return path.split('/').map(decodeURIComponent).join('/');
}

function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

/** Jenkins shows stored secrets encrypted (`{AQAAAB...}`), never in clear. */
function maskSecrets(xml: string): string {
  return xml.replace(
    /<secretToken>([^<{][^<]*)<\/secretToken>/g,
    (_, token) =>
      `<secretToken>{AQAAABAAAAAQ${Buffer.from(`sim:${token}`).toString(
        'base64',
      )}}</secretToken>`,
  );
}

function unmaskSecret(value: string): string {
  const m = /^\{AQAAABAAAAAQ(.*)\}$/.exec(value);
  if (!m) return value;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  return decoded.startsWith('sim:') ? decoded.slice(4) : value;
}

function unmaskSecrets(xml: string): string {
  return xml.replace(
    /<secretToken>([^<]*)<\/secretToken>/g,
    (_, token) => `<secretToken>${unmaskSecret(token)}</secretToken>`,
  );
}

export function folderConfigXml(name: string): string {
  return `<?xml version='1.1' encoding='UTF-8'?>
<com.cloudbees.hudson.plugins.folder.Folder plugin="cloudbees-folder@6.955.v81e2a_35c08d3">
  <description>${name}</description>
  <properties/>
  <folderViews class="com.cloudbees.hudson.plugins.folder.views.DefaultFolderViewHolder">
    <views>
      <hudson.model.AllView>
        <owner class="com.cloudbees.hudson.plugins.folder.Folder" reference="../../../.."/>
        <name>All</name>
        <filterExecutors>false</filterExecutors>
        <filterQueue>false</filterQueue>
        <properties class="hudson.model.View$PropertyList"/>
      </hudson.model.AllView>
    </views>
    <tabBar class="hudson.views.DefaultViewsTabBar"/>
  </folderViews>
  <healthMetrics/>
  <icon class="com.cloudbees.hudson.plugins.folder.icons.StockFolderIcon"/>
</com.cloudbees.hudson.plugins.folder.Folder>
`;
}

/** config.xml of a pipeline job reading the Jenkinsfile from GitLab. */
export function pipelineConfigXml(options: {
  description: string;
  gitUrl: string;
  branch: string;
  secretToken: string;
}): string {
  return `<?xml version='1.1' encoding='UTF-8'?>
<flow-definition plugin="workflow-job@1436.vfa_244484591f">
  <description>${options.description}</description>
  <keepDependencies>false</keepDependencies>
  <properties>
    <org.jenkinsci.plugins.workflow.job.properties.PipelineTriggersJobProperty>
      <triggers>
        <com.dabsquared.gitlabjenkins.GitLabPushTrigger plugin="gitlab-plugin@1.9.6">
          <spec></spec>
          <triggerOnPush>true</triggerOnPush>
          <triggerOnMergeRequest>true</triggerOnMergeRequest>
          <ciSkip>true</ciSkip>
          <branchFilterType>All</branchFilterType>
          <secretToken>${options.secretToken}</secretToken>
        </com.dabsquared.gitlabjenkins.GitLabPushTrigger>
      </triggers>
    </org.jenkinsci.plugins.workflow.job.properties.PipelineTriggersJobProperty>
  </properties>
  <definition class="org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition" plugin="workflow-cps@3894.vd0f0248b_a_fc4">
    <scm class="hudson.plugins.git.GitSCM" plugin="git@5.2.2">
      <configVersion>2</configVersion>
      <userRemoteConfigs>
        <hudson.plugins.git.UserRemoteConfig>
          <url>${options.gitUrl}</url>
          <credentialsId>gitlab-token</credentialsId>
        </hudson.plugins.git.UserRemoteConfig>
      </userRemoteConfigs>
      <branches>
        <hudson.plugins.git.BranchSpec>
          <name>*/${options.branch}</name>
        </hudson.plugins.git.BranchSpec>
      </branches>
    </scm>
    <scriptPath>Jenkinsfile</scriptPath>
    <lightweight>true</lightweight>
  </definition>
  <triggers/>
  <disabled>false</disabled>
</flow-definition>
`;
}

/**
 * The skeleton's Jenkinsfile stops a build whose commit carries the bump
 * trailer; `[ci skip]` is what the GitLab plugin users often add by hand.
 */
function isPipelineBump(message: string): boolean {
  return (
    message.split('\n').some(line => line.trim() === PIPELINE_BUMP_TRAILER) ||
    message.includes(PIPELINE_BUMP_MARKER) ||
    /\[(ci[- ]skip|skip ci)\]/i.test(message)
  );
}
