/*
 * GitLab (REST API v4 subset used by publish:gitlab, gitlab:webhook:create
 * and Backstage's GitLab URL reader) plus git smart HTTP through
 * git-http-backend on real bare repositories. Accepted pushes fire the
 * project's webhooks like GitLab's Sidekiq workers would.
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  parseBasicAuth,
  parseBearer,
  postJson,
  Router,
  SimRequest,
  sendJson,
  sendText,
} from '../http';
import { git, gitEnv, GitRepos } from './gitRepos';
import {
  GitLabMergeRequest,
  mergeRequestPage,
  mergeRequestsApi,
} from './mergeRequests';

export const GITLAB_VERSION = '17.5.2';
const VISIBILITY_LEVELS = { private: 0, internal: 10, public: 20 } as const;
const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export interface GitLabUser {
  id: number;
  username: string;
  name: string;
  email: string;
  isAdmin: boolean;
}

export interface GitLabNamespace {
  id: number;
  name: string;
  path: string;
  kind: 'group' | 'user';
  fullPath: string;
  parentId: number | null;
  createdAt: number;
}

export interface GitLabHook {
  id: number;
  url: string;
  token?: string;
  pushEvents: boolean;
  pushEventsBranchFilter: string;
  mergeRequestsEvents: boolean;
  tagPushEvents: boolean;
  enableSslVerification: boolean;
  createdAt: number;
  /** Deliveries, newest last: status and event (for tests and debugging). */
  deliveries: { status: number; event: string; at: number }[];
}

export interface GitLabProject {
  id: number;
  name: string;
  path: string;
  namespace: GitLabNamespace;
  description: string | null;
  visibility: 'private' | 'internal' | 'public';
  defaultBranch: string;
  topics: string[];
  createdAt: number;
  lastActivityAt: number;
  creatorId: number;
  hooks: GitLabHook[];
  mergeRequests: GitLabMergeRequest[];
}

export interface PushEvent {
  project: GitLabProject;
  before: string;
  after: string;
  ref: string;
  user: GitLabUser;
}

type PushListener = (event: PushEvent) => void | Promise<void>;

export class GitLabSimulator {
  readonly router = new Router();
  baseUrl = '';
  readonly users: GitLabUser[] = [];
  readonly namespaces: GitLabNamespace[] = [];
  readonly projects: GitLabProject[] = [];
  readonly repos: GitRepos;
  private nextId = { user: 1, namespace: 1, project: 1, hook: 1 };
  private readonly pushListeners: PushListener[] = [];
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    reposRoot: string,
    private readonly credentials: { username: string; token: string },
    readonly log: (message: string) => void,
  ) {
    this.repos = new GitRepos(reposRoot);
    this.addUser(
      credentials.username,
      'Administrator',
      `admin@slipway.example`,
      true,
    );
    this.router.otherwise((req, res) => this.handle(req, res));
  }

  // ---- store API ----

  addUser(
    username: string,
    name: string,
    email: string,
    isAdmin = false,
  ): GitLabUser {
    const existing = this.users.find(u => u.username === username);
    if (existing) return existing;
    const user = { id: this.nextId.user++, username, name, email, isAdmin };
    this.users.push(user);
    this.namespaces.push({
      id: this.nextId.namespace++,
      name,
      path: username,
      kind: 'user',
      fullPath: username,
      parentId: null,
      createdAt: Date.now(),
    });
    return user;
  }

  ensureGroup(fullPath: string, createdAt = Date.now()): GitLabNamespace {
    const existing = this.namespaces.find(n => n.fullPath === fullPath);
    if (existing) return existing;
    const parts = fullPath.split('/');
    const parent =
      parts.length > 1
        ? this.ensureGroup(parts.slice(0, -1).join('/'), createdAt)
        : undefined;
    const group: GitLabNamespace = {
      id: this.nextId.namespace++,
      name: parts[parts.length - 1],
      path: parts[parts.length - 1],
      kind: 'group',
      fullPath,
      parentId: parent?.id ?? null,
      createdAt,
    };
    this.namespaces.push(group);
    return group;
  }

  async createProject(input: {
    namespace: GitLabNamespace;
    name: string;
    path: string;
    description?: string | null;
    visibility?: GitLabProject['visibility'];
    defaultBranch?: string;
    topics?: string[];
    createdAt?: number;
  }): Promise<GitLabProject> {
    const project: GitLabProject = {
      id: this.nextId.project++,
      name: input.name,
      path: input.path,
      namespace: input.namespace,
      description: input.description ?? null,
      visibility: input.visibility ?? 'private',
      defaultBranch: input.defaultBranch ?? 'main',
      topics: input.topics ?? [],
      createdAt: input.createdAt ?? Date.now(),
      lastActivityAt: input.createdAt ?? Date.now(),
      creatorId: 1,
      hooks: [],
      mergeRequests: [],
    };
    this.projects.push(project);
    await this.repos.create(this.fullPath(project), project.defaultBranch);
    this.log(`gitlab: created project ${this.fullPath(project)}`);
    return project;
  }

  addHook(
    project: GitLabProject,
    input: Partial<GitLabHook> & { url: string },
  ): GitLabHook {
    const hook: GitLabHook = {
      id: this.nextId.hook++,
      url: input.url,
      token: input.token,
      pushEvents: input.pushEvents ?? true,
      pushEventsBranchFilter: input.pushEventsBranchFilter ?? '',
      mergeRequestsEvents: input.mergeRequestsEvents ?? false,
      tagPushEvents: input.tagPushEvents ?? false,
      enableSslVerification: input.enableSslVerification ?? true,
      createdAt: input.createdAt ?? Date.now(),
      deliveries: [],
    };
    project.hooks.push(hook);
    return hook;
  }

  fullPath(project: GitLabProject) {
    return `${project.namespace.fullPath}/${project.path}`;
  }

  gitUrl(project: GitLabProject) {
    return `${this.baseUrl}/${this.fullPath(project)}.git`;
  }

  findProject(idOrPath: string): GitLabProject | undefined {
    if (/^\d+$/.test(idOrPath))
      return this.projects.find(p => p.id === Number(idOrPath));
    const wanted = idOrPath.replace(/\.git$/, '').toLowerCase();
    return this.projects.find(p => this.fullPath(p).toLowerCase() === wanted);
  }

  /** Project whose clone or web URL is `url` (with or without `.git`). */
  projectByUrl(url: string): GitLabProject | undefined {
    const base = this.baseUrl.toLowerCase();
    const u = url.toLowerCase().replace(/\/$/, '');
    if (!u.startsWith(`${base}/`)) return undefined;
    return this.findProject(u.slice(base.length + 1));
  }

  onPush(listener: PushListener) {
    this.pushListeners.push(listener);
  }

  /**
   * Announces a ref update, as GitLab does after `git push` or an API
   * commit: fires webhooks and push listeners (asynchronously).
   */
  announcePush(event: PushEvent) {
    event.project.lastActivityAt = Date.now();
    const work = (async () => {
      await Promise.all([
        this.deliverHooks(event),
        ...this.pushListeners.map(async l => l(event)),
      ]);
    })().catch(error => this.log(`gitlab: push handling failed: ${error}`));
    this.pending.add(work);
    work.finally(() => this.pending.delete(work));
  }

  /** Resolves when webhook deliveries in flight are done (tests). */
  async idle() {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  // ---- HTTP ----

  private async handle(req: SimRequest, res: http.ServerResponse) {
    res.setHeader(
      'X-Gitlab-Meta',
      JSON.stringify({
        correlation_id: randomUUID().replace(/-/g, ''),
        version: '1',
      }),
    );
    if (req.path.startsWith('/api/v4/')) {
      await this.api(req, res);
      return;
    }
    const gitMatch =
      /^\/(.+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack)$/.exec(
        req.path,
      );
    if (gitMatch) {
      // A push counts as work in flight from its first byte, so `idle()`
      // also waits for the webhooks it will fire.
      const work = this.gitHttp(
        req,
        res,
        decodeURIComponent(gitMatch[1]),
        gitMatch[2],
      );
      if (gitMatch[2] === 'git-receive-pack') {
        const tracked = work.catch(() => {});
        this.pending.add(tracked);
        tracked.finally(() => this.pending.delete(tracked));
      }
      await work;
      return;
    }
    const mrMatch = /^\/(.+?)\/-\/merge_requests\/(\d+)$/.exec(req.path);
    if (mrMatch && req.method === 'GET') {
      const project = this.findProject(decodeURIComponent(mrMatch[1]));
      const page =
        project && (await mergeRequestPage(this, project, Number(mrMatch[2])));
      if (!page) {
        sendText(res, 404, 'Not Found');
        return;
      }
      sendText(res, 200, page);
      return;
    }
    const rawMatch = /^\/(.+?)\/-\/(raw|blob|edit)\/([^/]+)\/(.+)$/.exec(
      req.path,
    );
    if (rawMatch && req.method === 'GET') {
      // The web UI's file views (blob, edit) show the raw content
      const project = this.findProject(decodeURIComponent(rawMatch[1]));
      const [, , view, ref, file] = rawMatch.map(decodeURIComponent);
      const folder = file.replace(/\/$/, '');
      if (
        project &&
        view !== 'raw' &&
        (await this.repos.isFolder(this.fullPath(project), ref, folder))
      ) {
        // GitLab shows a folder opened as a blob (a catalog source location)
        // as a tree
        res.writeHead(302, {
          Location: `/${this.fullPath(project)}/-/tree/${
            rawMatch[3]
          }/${folder}`,
        });
        res.end();
        return;
      }
      const content = project
        ? await this.repos.readFile(this.fullPath(project), ref, file)
        : undefined;
      if (content === undefined) {
        sendText(res, 404, 'Not Found');
        return;
      }
      sendText(res, 200, content);
      return;
    }
    const treeMatch = /^\/(.+?)\/-\/tree\/([^/]+)(?:\/(.*))?$/.exec(req.path);
    if (treeMatch && req.method === 'GET') {
      // The web UI's folder view, reduced to one entry per line
      // (`tree`/`blob` and the path), for links that open a folder.
      const project = this.findProject(decodeURIComponent(treeMatch[1]));
      const full = project && this.fullPath(project);
      const sha =
        full &&
        (await this.repos.resolve(full, decodeURIComponent(treeMatch[2])));
      const folder = decodeURIComponent(treeMatch[3] ?? '').replace(/\/$/, '');
      const entries =
        full && sha ? await this.treeEntries(full, sha, folder, false) : [];
      if (!entries.length) {
        sendText(res, 404, 'Not Found');
        return;
      }
      sendText(
        res,
        200,
        `${entries.map(e => `${e.type}\t${e.path}`).join('\n')}\n`,
      );
      return;
    }
    sendText(res, 404, 'Not Found');
  }

  /** Entries of `folder` at `sha`, as the repository tree API lists them. */
  private async treeEntries(
    full: string,
    sha: string,
    folder: string,
    recursive: boolean,
  ) {
    const files = await this.repos.listFiles(full, sha);
    const prefix = folder ? `${folder}/` : '';
    const entries = new Map<string, 'blob' | 'tree'>();
    for (const f of files) {
      if (!f.startsWith(prefix)) continue;
      const rel = f.slice(prefix.length);
      if (recursive) {
        const parts = rel.split('/');
        parts
          .slice(0, -1)
          .forEach((_, i) =>
            entries.set(prefix + parts.slice(0, i + 1).join('/'), 'tree'),
          );
        entries.set(f, 'blob');
      } else {
        const [first, ...more] = rel.split('/');
        entries.set(prefix + first, more.length ? 'tree' : 'blob');
      }
    }
    return [...entries].map(([p, type]) => ({ path: p, type }));
  }

  private authenticateApi(req: SimRequest): GitLabUser | undefined {
    const token =
      (req.headers['private-token'] as string | undefined) ??
      parseBearer(req.headers.authorization) ??
      req.query.get('private_token') ??
      undefined;
    if (token === this.credentials.token) {
      return this.users.find(u => u.username === this.credentials.username);
    }
    return undefined;
  }

  private async api(req: SimRequest, res: http.ServerResponse) {
    const user = this.authenticateApi(req);
    if (!user) {
      sendJson(res, 401, { message: '401 Unauthorized' });
      return;
    }
    const p = req.path.slice('/api/v4'.length).replace(/\/$/, '');
    const seg = p.split('/').filter(Boolean);
    const m = req.method;

    if (m === 'GET' && p === '/version') {
      sendJson(res, 200, {
        version: GITLAB_VERSION,
        revision: 'simulatr',
        kas: { enabled: false },
        enterprise: false,
      });
      return;
    }
    if (m === 'GET' && p === '/user') {
      sendJson(res, 200, this.userJson(user, true));
      return;
    }
    if (m === 'GET' && p === '/users') {
      const username = req.query.get('username');
      const search = req.query.get('search')?.toLowerCase();
      sendJson(
        res,
        200,
        this.users
          .filter(
            u =>
              !username || u.username.toLowerCase() === username.toLowerCase(),
          )
          .filter(
            u =>
              !search ||
              u.username.includes(search) ||
              u.name.toLowerCase().includes(search),
          )
          .map(u => this.userJson(u, false)),
      );
      return;
    }
    if (m === 'GET' && seg[0] === 'users' && seg.length === 2) {
      const u = this.findUser(decodeURIComponent(seg[1]));
      if (!u) {
        notFound(res, 'User');
        return;
      }
      sendJson(res, 200, this.userJson(u, false));
      return;
    }
    if (
      m === 'GET' &&
      seg[0] === 'users' &&
      seg[2] === 'projects' &&
      seg.length === 3
    ) {
      const u = this.findUser(decodeURIComponent(seg[1]));
      if (!u) {
        notFound(res, 'User');
        return;
      }
      const ns = this.namespaces.find(
        n => n.kind === 'user' && n.path === u.username,
      );
      await this.sendProjects(
        req,
        res,
        this.projects.filter(pr => pr.namespace === ns),
      );
      return;
    }
    if (m === 'GET' && p === '/namespaces') {
      const search = req.query.get('search')?.toLowerCase();
      sendJson(
        res,
        200,
        this.namespaces
          .filter(
            n =>
              !search ||
              n.fullPath.toLowerCase().includes(search) ||
              n.name.toLowerCase().includes(search),
          )
          .map(n => this.namespaceJson(n)),
      );
      return;
    }
    if (m === 'GET' && seg[0] === 'namespaces' && seg.length === 2) {
      const ns = this.findNamespace(decodeURIComponent(seg[1]));
      if (!ns) {
        notFound(res, 'Namespace');
        return;
      }
      sendJson(res, 200, this.namespaceJson(ns));
      return;
    }
    if (m === 'GET' && p === '/groups') {
      const search = req.query.get('search')?.toLowerCase();
      sendJson(
        res,
        200,
        this.namespaces
          .filter(n => n.kind === 'group')
          .filter(n => !search || n.fullPath.toLowerCase().includes(search))
          .map(n => this.groupJson(n)),
      );
      return;
    }
    if (m === 'POST' && p === '/groups') {
      const body = await req.form();
      if (!body.name || !body.path) {
        sendJson(res, 400, {
          error:
            'name, path are missing, at least one parameter must be provided',
        });
        return;
      }
      const parent = body.parent_id
        ? this.namespaces.find(
            n => n.id === Number(body.parent_id) && n.kind === 'group',
          )
        : undefined;
      if (body.parent_id && !parent) {
        notFound(res, 'Group');
        return;
      }
      const fullPath = parent ? `${parent.fullPath}/${body.path}` : body.path;
      if (this.namespaces.some(n => n.fullPath === fullPath)) {
        sendJson(res, 400, {
          message: 'Failed to save group {:path=>["has already been taken"]}',
        });
        return;
      }
      sendJson(res, 201, this.groupJson(this.ensureGroup(fullPath)));
      return;
    }
    if (m === 'GET' && seg[0] === 'groups' && seg.length === 2) {
      const ns = this.findNamespace(decodeURIComponent(seg[1]));
      if (!ns || ns.kind !== 'group') {
        notFound(res, 'Group');
        return;
      }
      sendJson(res, 200, this.groupJson(ns));
      return;
    }
    if (
      m === 'GET' &&
      seg[0] === 'groups' &&
      seg[2] === 'projects' &&
      seg.length === 3
    ) {
      const ns = this.findNamespace(decodeURIComponent(seg[1]));
      if (!ns || ns.kind !== 'group') {
        notFound(res, 'Group');
        return;
      }
      const include = req.query.get('include_subgroups') === 'true';
      await this.sendProjects(
        req,
        res,
        this.projects.filter(
          pr =>
            pr.namespace === ns ||
            (include && pr.namespace.fullPath.startsWith(`${ns.fullPath}/`)),
        ),
      );
      return;
    }
    if (p === '/projects') {
      if (m === 'GET') {
        await this.sendProjects(req, res, this.projects);
        return;
      }
      if (m === 'POST') {
        await this.createProjectFromApi(req, res, user);
        return;
      }
    }
    if (seg[0] === 'projects' && seg.length >= 2) {
      const project = this.findProject(decodeURIComponent(seg[1]));
      if (!project) {
        notFound(res, 'Project');
        return;
      }
      await this.projectApi(req, res, project, seg.slice(2), user);
      return;
    }
    sendJson(res, 404, { error: '404 Not Found' });
  }

  private async projectApi(
    req: SimRequest,
    res: http.ServerResponse,
    project: GitLabProject,
    rest: string[],
    user: GitLabUser,
  ) {
    const m = req.method;
    const full = this.fullPath(project);
    if (rest.length === 0 && m === 'GET') {
      sendJson(res, 200, await this.projectJson(project));
      return;
    }
    if (
      rest[0] === 'merge_requests' &&
      (await mergeRequestsApi(this, req, res, project, rest, user))
    ) {
      return;
    }
    if (rest[0] === 'hooks') {
      if (rest.length === 1 && m === 'GET') {
        sendJson(
          res,
          200,
          project.hooks.map(h => this.hookJson(project, h)),
        );
        return;
      }
      if (rest.length === 1 && m === 'POST') {
        const body = await req.form();
        if (!body.url) {
          sendJson(res, 400, { error: 'url is missing' });
          return;
        }
        try {
          const u = new URL(body.url);
          if (!/^https?:$/.test(u.protocol)) throw new Error('scheme');
        } catch {
          sendJson(res, 422, { error: 'Invalid url given' });
          return;
        }
        const hook = this.addHook(project, {
          url: body.url,
          token: body.token || undefined,
          pushEvents:
            body.push_events === undefined ? true : body.push_events === 'true',
          pushEventsBranchFilter: body.push_events_branch_filter ?? '',
          mergeRequestsEvents: body.merge_requests_events === 'true',
          tagPushEvents: body.tag_push_events === 'true',
          enableSslVerification:
            body.enable_ssl_verification === undefined
              ? true
              : body.enable_ssl_verification === 'true',
        });
        this.log(`gitlab: ${full} hook ${hook.id} -> ${hook.url}`);
        sendJson(res, 201, this.hookJson(project, hook));
        return;
      }
      const hook = project.hooks.find(h => h.id === Number(rest[1]));
      if (!hook) {
        notFound(res, 'Hook');
        return;
      }
      if (rest.length === 2 && m === 'GET') {
        sendJson(res, 200, this.hookJson(project, hook));
        return;
      }
      if (rest.length === 2 && m === 'PUT') {
        const body = await req.form();
        if (body.url) hook.url = body.url;
        if (body.token !== undefined) hook.token = body.token || undefined;
        if (body.push_events !== undefined)
          hook.pushEvents = body.push_events === 'true';
        if (body.merge_requests_events !== undefined)
          hook.mergeRequestsEvents = body.merge_requests_events === 'true';
        if (body.tag_push_events !== undefined)
          hook.tagPushEvents = body.tag_push_events === 'true';
        if (body.push_events_branch_filter !== undefined)
          hook.pushEventsBranchFilter = body.push_events_branch_filter;
        sendJson(res, 200, this.hookJson(project, hook));
        return;
      }
      if (rest.length === 2 && m === 'DELETE') {
        project.hooks.splice(project.hooks.indexOf(hook), 1);
        res.writeHead(204);
        res.end();
        return;
      }
    }
    if (
      rest[0] === 'repository' &&
      rest[1] === 'branches' &&
      rest.length === 2 &&
      m === 'POST'
    ) {
      // gitlab:repo:push creates its branch this way when it is missing.
      const body = await req.form();
      if (!body.branch || !body.ref) {
        sendJson(res, 400, {
          error: [
            !body.branch && 'branch is missing',
            !body.ref && 'ref is missing',
          ]
            .filter(Boolean)
            .join(', '),
        });
        return;
      }
      if (await this.repos.resolve(full, `refs/heads/${body.branch}`)) {
        sendJson(res, 400, { message: 'Branch already exists' });
        return;
      }
      const sha = await this.repos.resolve(full, body.ref);
      if (!sha) {
        sendJson(res, 400, { message: 'Invalid reference name' });
        return;
      }
      await git(this.repos.repoPath(full), [
        'update-ref',
        `refs/heads/${body.branch}`,
        sha,
        '0'.repeat(40),
      ]);
      const commit = await this.repos.commit(full, sha);
      this.announcePush({
        project,
        before: '0'.repeat(40),
        after: sha,
        ref: `refs/heads/${body.branch}`,
        user,
      });
      sendJson(res, 201, {
        name: body.branch,
        commit: commit ? this.commitJson(project, commit) : { id: sha },
        merged: false,
        protected: false,
        default: false,
        developers_can_push: false,
        developers_can_merge: false,
        can_push: true,
        web_url: `${this.baseUrl}/${full}/-/tree/${body.branch}`,
      });
      return;
    }
    if (
      rest[0] === 'repository' &&
      rest[1] === 'commits' &&
      rest.length === 2 &&
      m === 'POST'
    ) {
      await this.createCommit(req, res, project, user);
      return;
    }
    if (rest[0] === 'repository' && m === 'GET') {
      const ref =
        req.query.get('ref') ??
        req.query.get('ref_name') ??
        req.query.get('sha') ??
        project.defaultBranch;
      if (rest[1] === 'files' && rest.length >= 3) {
        const raw = rest[rest.length - 1] === 'raw';
        const file = decodeURIComponent(
          rest.slice(2, raw ? -1 : undefined).join('/'),
        );
        const sha = await this.repos.resolve(full, ref);
        const content = sha
          ? await this.repos.readFile(full, sha, file)
          : undefined;
        if (content === undefined) {
          notFound(res, 'File');
          return;
        }
        if (raw) {
          const [last] = await this.repos.log(full, sha!, 1, [file]);
          const name = file.split('/').pop()!;
          sendText(res, 200, content, {
            'Content-Disposition': `inline; filename="${name}"; filename*=UTF-8''${encodeURIComponent(
              name,
            )}`,
            'Cache-Control':
              'max-age=0, private, must-revalidate, no-store, no-cache',
            'X-Gitlab-Commit-Id': sha!,
            'X-Gitlab-Last-Commit-Id': last?.sha ?? sha!,
            'X-Gitlab-File-Name': name,
            'X-Gitlab-File-Path': file,
            'X-Gitlab-Ref': ref,
            'X-Gitlab-Size': String(Buffer.byteLength(content)),
            'X-Gitlab-Encoding': 'base64',
          });
          return;
        }
        sendJson(res, 200, {
          file_name: file.split('/').pop(),
          file_path: file,
          size: Buffer.byteLength(content),
          encoding: 'base64',
          content: Buffer.from(content).toString('base64'),
          ref,
          commit_id: sha,
          last_commit_id: sha,
        });
        return;
      }
      if (rest[1] === 'commits' && rest.length === 2) {
        const perPage = Math.min(Number(req.query.get('per_page') ?? 20), 100);
        const filePath = req.query.get('path');
        const commits = await this.repos.log(
          full,
          ref,
          perPage,
          filePath ? [filePath] : [],
        );
        sendJson(
          res,
          200,
          commits.map(c => this.commitJson(project, c)),
        );
        return;
      }
      if (rest[1] === 'commits' && rest.length === 3) {
        const commit = await this.repos.commit(
          full,
          decodeURIComponent(rest[2]),
        );
        if (!commit) {
          notFound(res, 'Commit');
          return;
        }
        sendJson(res, 200, this.commitJson(project, commit));
        return;
      }
      if (rest[1] === 'branches' && rest.length <= 3) {
        const out = await git(this.repos.repoPath(full), [
          'for-each-ref',
          '--format=%(refname:short) %(objectname)',
          'refs/heads',
        ]).catch(() => '');
        const branches = await Promise.all(
          out
            .split('\n')
            .filter(Boolean)
            .map(async line => {
              const [name, sha] = line.split(' ');
              const commit = await this.repos.commit(full, sha);
              return {
                name,
                commit: commit ? this.commitJson(project, commit) : { id: sha },
                merged: false,
                protected: name === project.defaultBranch,
                default: name === project.defaultBranch,
                developers_can_push: false,
                developers_can_merge: false,
                can_push: true,
                web_url: `${this.baseUrl}/${full}/-/tree/${name}`,
              };
            }),
        );
        if (rest.length === 3) {
          const branch = branches.find(
            b => b.name === decodeURIComponent(rest[2]),
          );
          if (!branch) {
            notFound(res, 'Branch');
            return;
          }
          sendJson(res, 200, branch);
          return;
        }
        sendJson(res, 200, branches);
        return;
      }
      if (rest[1] === 'tree' && rest.length === 2) {
        const entries = await this.treeEntries(
          full,
          ref,
          (req.query.get('path') ?? '').replace(/\/$/, ''),
          req.query.get('recursive') === 'true',
        );
        sendJson(
          res,
          200,
          entries.map(({ path: p, type }) => ({
            id: '',
            name: p.split('/').pop(),
            type,
            path: p,
            mode: type === 'tree' ? '040000' : '100644',
          })),
        );
        return;
      }
      const archiveMatch =
        rest.length === 2 &&
        /^archive(?:\.(tar\.gz|tgz|gz|tar|zip))?$/.exec(rest[1]);
      if (archiveMatch) {
        await this.sendArchive(req, res, project, archiveMatch[1]);
        return;
      }
    }
    sendJson(res, 404, { error: '404 Not Found' });
  }

  /**
   * `POST /projects/:id/repository/commits` with `actions` (create, update,
   * delete, chmod; text or base64), as gitlab:repo:push commits its files.
   */
  private async createCommit(
    req: SimRequest,
    res: http.ServerResponse,
    project: GitLabProject,
    user: GitLabUser,
  ) {
    const full = this.fullPath(project);
    const body = await req.json<{
      branch?: string;
      commit_message?: string;
      start_branch?: string;
      actions?: {
        action: string;
        file_path: string;
        content?: string;
        encoding?: string;
        execute_filemode?: boolean;
      }[];
    }>();
    const missing = ['branch', 'commit_message', 'actions'].filter(
      k => !(body as Record<string, unknown>)[k],
    );
    if (missing.length) {
      sendJson(res, 400, {
        error: missing.map(k => `${k} is missing`).join(', '),
      });
      return;
    }
    const ref = `refs/heads/${body.branch}`;
    let before = await this.repos.resolve(full, ref);
    if (!before && body.start_branch) {
      const start = await this.repos.resolve(
        full,
        `refs/heads/${body.start_branch}`,
      );
      if (!start) {
        sendJson(res, 400, {
          message: `You can only create or edit files when you are on a branch`,
        });
        return;
      }
      await git(this.repos.repoPath(full), ['update-ref', ref, start]);
      before = undefined;
    }
    let failure: string | undefined;
    const result = await this.repos
      .commitFiles(
        full,
        body.branch!,
        async read => {
          const changes = [];
          for (const a of body.actions!) {
            const exists = (await read(a.file_path)) !== undefined;
            if (a.action === 'create' && exists)
              failure = `A file with this name already exists`;
            if (['update', 'delete', 'chmod'].includes(a.action) && !exists)
              failure = `A file with this name doesn't exist`;
            let content: string | Buffer | null = a.content ?? '';
            if (a.action === 'delete') content = null;
            else if (a.action === 'chmod')
              content = (await read(a.file_path)) ?? '';
            else if (a.encoding === 'base64')
              content = Buffer.from(a.content ?? '', 'base64');
            changes.push({
              path: a.file_path,
              content,
              executable: a.execute_filemode,
            });
          }
          return failure ? [] : changes;
        },
        {
          message: body.commit_message!,
          author: { name: user.name, email: user.email },
        },
      )
      .catch(error => {
        failure = String(error);
        return undefined;
      });
    if (failure || !result) {
      sendJson(res, 400, { message: failure });
      return;
    }
    const commit = await this.repos.commit(full, result.sha);
    this.announcePush({
      project,
      before: before ?? result.parent ?? '0'.repeat(40),
      after: result.sha,
      ref,
      user,
    });
    sendJson(res, 201, this.commitJson(project, commit!));
  }

  /**
   * `GET /projects/:id/repository/archive[.format]?sha=&path=`: the commit
   * (default branch by default) as an archive whose single top folder is
   * `<project>-<ref>-<sha>[-<path>]` and which keeps the full paths below
   * it, like GitLab's (Gitaly's `git archive`) archives.
   */
  private async sendArchive(
    req: SimRequest,
    res: http.ServerResponse,
    project: GitLabProject,
    extension: string | undefined,
  ) {
    const full = this.fullPath(project);
    const ref = req.query.get('sha') || project.defaultBranch;
    const subpath = (req.query.get('path') ?? '').replace(/^\/+|\/+$/g, '');
    const formats: Record<string, 'zip' | 'tar'> = { zip: 'zip', tar: 'tar' };
    const format = formats[extension ?? ''] ?? 'tar.gz';
    const sha = await this.repos.resolve(full, ref);
    const prefix = [
      project.path,
      ref.replace(/\//g, '-'),
      ...(sha && sha !== ref ? [sha] : []),
      ...(subpath ? [subpath.replace(/\//g, '-')] : []),
    ].join('-');
    const archive = sha
      ? await this.repos.archive(full, sha, {
          prefix,
          subpath: subpath || undefined,
          format,
        })
      : undefined;
    if (!archive) {
      notFound(res, 'File');
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${
        project.path
      }-${ref.replace(/\//g, '-')}.${format}"`,
      'Content-Transfer-Encoding': 'binary',
      'Content-Length': archive.length,
    });
    res.end(archive);
  }

  private async createProjectFromApi(
    req: SimRequest,
    res: http.ServerResponse,
    user: GitLabUser,
  ) {
    const body = await req.form();
    if (!body.name && !body.path) {
      sendJson(res, 400, {
        error:
          'name, path are missing, at least one parameter must be provided',
      });
      return;
    }
    const pathName =
      body.path || body.name.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-');
    const name = body.name || pathName;
    let namespace: GitLabNamespace | undefined;
    if (body.namespace_id) {
      namespace = this.findNamespace(body.namespace_id);
      if (!namespace) {
        notFound(res, 'Namespace');
        return;
      }
    } else {
      namespace = this.namespaces.find(
        n => n.kind === 'user' && n.path === user.username,
      );
    }
    if (
      !/^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/.test(pathName) ||
      pathName.endsWith('.git')
    ) {
      sendJson(res, 400, {
        message: {
          path: [
            "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'",
          ],
        },
      });
      return;
    }
    const taken = this.projects.find(
      pr =>
        pr.namespace === namespace &&
        (pr.path === pathName || pr.name === name),
    );
    if (taken) {
      sendJson(res, 400, {
        message: {
          'project_namespace.name': ['has already been taken'],
          name: ['has already been taken'],
          path: ['has already been taken'],
        },
      });
      return;
    }
    let topics: string[] = [];
    if (body.topics) {
      try {
        const parsed = JSON.parse(body.topics);
        topics = Array.isArray(parsed)
          ? parsed.map(String)
          : String(body.topics).split(',');
      } catch {
        topics = body.topics.split(',');
      }
    }
    const project = await this.createProject({
      namespace: namespace!,
      name,
      path: pathName,
      description: body.description ?? null,
      visibility:
        (['private', 'internal', 'public'] as const).find(
          v => v === body.visibility,
        ) ?? 'private',
      defaultBranch: body.default_branch || 'main',
      topics,
    });
    sendJson(res, 201, await this.projectJson(project));
  }

  private sendProjects(
    req: SimRequest,
    res: http.ServerResponse,
    projects: GitLabProject[],
  ) {
    const search = req.query.get('search')?.toLowerCase();
    const filtered = projects.filter(
      pr =>
        !search ||
        pr.name.toLowerCase().includes(search) ||
        pr.path.toLowerCase().includes(search),
    );
    return Promise.all(filtered.map(pr => this.projectJson(pr))).then(list =>
      sendJson(res, 200, list, {
        'X-Page': '1',
        'X-Per-Page': '20',
        'X-Total': String(list.length),
        'X-Total-Pages': '1',
      }),
    );
  }

  private findUser(idOrName: string) {
    return /^\d+$/.test(idOrName)
      ? this.users.find(u => u.id === Number(idOrName))
      : this.users.find(
          u => u.username.toLowerCase() === idOrName.toLowerCase(),
        );
  }

  private findNamespace(idOrPath: string) {
    return /^\d+$/.test(idOrPath)
      ? this.namespaces.find(n => n.id === Number(idOrPath))
      : this.namespaces.find(
          n => n.fullPath.toLowerCase() === idOrPath.toLowerCase(),
        );
  }

  // ---- git smart HTTP ----

  private async gitHttp(
    req: SimRequest,
    res: http.ServerResponse,
    repoPath: string,
    service: string,
  ) {
    const basic = parseBasicAuth(req.headers.authorization);
    if (!basic || basic.password !== this.credentials.token) {
      sendText(
        res,
        401,
        basic
          ? "HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped."
          : 'HTTP Basic: Access denied',
        { 'WWW-Authenticate': 'Basic realm="GitLab"' },
      );
      return;
    }
    const project = this.findProject(repoPath);
    if (!project) {
      sendText(
        res,
        404,
        "The project you were looking for could not be found or you don't have permission to view it.",
      );
      return;
    }
    const user = this.users.find(
      u => u.username === this.credentials.username,
    )!;
    const full = this.fullPath(project);
    const isPush = service === 'git-receive-pack';
    const pushDir = isPush
      ? await fs.mkdtemp(path.join(os.tmpdir(), 'sim-push-'))
      : undefined;
    const pushFile = pushDir ? path.join(pushDir, 'updates') : '';
    const env: Record<string, string> = {
      ...gitEnv(),
      GIT_PROJECT_ROOT: this.repos.root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: `/${full}.git/${service}`,
      REQUEST_METHOD: req.method,
      QUERY_STRING: req.query.toString(),
      CONTENT_TYPE: String(req.headers['content-type'] ?? ''),
      REMOTE_USER: user.username,
      REMOTE_ADDR: '127.0.0.1',
      GIT_COMMITTER_NAME: user.name,
      GIT_COMMITTER_EMAIL: user.email,
      SIMULATOR_PUSH_FILE: pushFile,
    };
    if (req.headers['content-length'])
      env.CONTENT_LENGTH = String(req.headers['content-length']);
    if (req.headers['content-encoding'])
      env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
    if (req.headers['git-protocol'])
      env.GIT_PROTOCOL = String(req.headers['git-protocol']);

    await new Promise<void>((resolve, reject) => {
      const child = spawn(HTTP_BACKEND, [], { env });
      let headerBuf: Buffer | undefined = Buffer.alloc(0);
      child.stdout.on('data', (chunk: Buffer) => {
        if (!headerBuf) {
          res.write(chunk);
          return;
        }
        headerBuf = Buffer.concat([headerBuf, chunk]);
        const text = headerBuf.toString('latin1');
        const end = text.search(/\r?\n\r?\n/);
        if (end < 0) return;
        const sepLen = /\r?\n\r?\n/.exec(text.slice(end))![0].length;
        const headerLines = text.slice(0, end).split(/\r?\n/);
        let status = 200;
        const headers: Record<string, string> = {};
        for (const line of headerLines) {
          const i = line.indexOf(':');
          if (i < 0) continue;
          const k = line.slice(0, i).trim();
          const v = line.slice(i + 1).trim();
          if (k.toLowerCase() === 'status') status = parseInt(v, 10);
          else headers[k] = v;
        }
        res.writeHead(status, headers);
        const rest = headerBuf.subarray(end + sepLen);
        headerBuf = undefined;
        if (rest.length) res.write(rest);
      });
      const errors: Buffer[] = [];
      child.stderr.on('data', c => errors.push(c));
      child.on('error', reject);
      child.on('close', code => {
        if (headerBuf !== undefined && !res.headersSent) {
          sendText(
            res,
            500,
            `git http-backend failed: ${Buffer.concat(errors)
              .toString()
              .trim()}`,
          );
        } else {
          res.end();
        }
        if (code !== 0)
          this.log(
            `gitlab: git-http-backend exited ${code}: ${Buffer.concat(errors)
              .toString()
              .trim()}`,
          );
        resolve();
      });
      req.raw.pipe(child.stdin);
      child.stdin.on('error', () => {
        // git may close stdin early on errors; the exit status reports it
      });
    });

    if (pushDir) {
      const updates = await fs.readFile(pushFile, 'utf8').catch(() => '');
      await fs.rm(pushDir, { recursive: true, force: true });
      for (const line of updates.split('\n').filter(Boolean)) {
        const [before, after, ref] = line.split(' ');
        this.log(
          `gitlab: push ${full} ${ref} ${before.slice(0, 8)}..${after.slice(
            0,
            8,
          )}`,
        );
        this.announcePush({ project, before, after, ref, user });
      }
    }
  }

  // ---- webhooks ----

  private async deliverHooks(event: PushEvent) {
    const { project, before, after, ref } = event;
    const isTag = ref.startsWith('refs/tags/');
    const hooks = project.hooks.filter(h =>
      isTag
        ? h.tagPushEvents
        : h.pushEvents && branchMatches(h.pushEventsBranchFilter, ref),
    );
    if (!hooks.length) return;
    const payload = await this.pushPayload(event, isTag);
    await Promise.all(
      hooks.map(async hook => {
        const headers: Record<string, string> = {
          'X-Gitlab-Event': isTag ? 'Tag Push Hook' : 'Push Hook',
          'X-Gitlab-Instance': this.baseUrl,
          'X-Gitlab-Webhook-UUID': randomUUID(),
          'X-Gitlab-Event-UUID': randomUUID(),
          'User-Agent': `GitLab/${GITLAB_VERSION}`,
        };
        if (hook.token) headers['X-Gitlab-Token'] = hook.token;
        const result = await postJson(hook.url, payload, headers);
        hook.deliveries.push({
          status: result.status,
          event: headers['X-Gitlab-Event'],
          at: Date.now(),
        });
        this.log(
          `gitlab: hook ${hook.id} ${hook.url} -> ${
            result.status
          } (${before.slice(0, 8)}..${after.slice(0, 8)})`,
        );
      }),
    );
  }

  private async pushPayload(event: PushEvent, isTag: boolean) {
    const { project, before, after, ref, user } = event;
    const full = this.fullPath(project);
    const deleted = /^0+$/.test(after);
    const created = /^0+$/.test(before);
    const commits = deleted
      ? []
      : (
          await this.repos.log(
            full,
            created ? after : `${before}..${after}`,
            20,
          )
        ).reverse();
    const changed = await Promise.all(
      commits.map(async c => {
        const out = await git(this.repos.repoPath(full), [
          'diff-tree',
          '--no-commit-id',
          '--name-status',
          '-r',
          '--root',
          c.sha,
        ]).catch(() => '');
        const result = {
          added: [] as string[],
          modified: [] as string[],
          removed: [] as string[],
        };
        for (const line of out.split('\n').filter(Boolean)) {
          const [status, file] = line.split('\t');
          if (status === 'A') result.added.push(file);
          else if (status === 'D') result.removed.push(file);
          else result.modified.push(file);
        }
        return result;
      }),
    );
    const projectJson = {
      id: project.id,
      name: project.name,
      description: project.description,
      web_url: `${this.baseUrl}/${full}`,
      avatar_url: null,
      git_ssh_url: `git@${new URL(this.baseUrl).host}:${full}.git`,
      git_http_url: this.gitUrl(project),
      namespace: project.namespace.name,
      visibility_level: VISIBILITY_LEVELS[project.visibility],
      path_with_namespace: full,
      default_branch: project.defaultBranch,
      ci_config_path: null,
      homepage: `${this.baseUrl}/${full}`,
      url: this.gitUrl(project),
      ssh_url: `git@${new URL(this.baseUrl).host}:${full}.git`,
      http_url: this.gitUrl(project),
    };
    return {
      object_kind: isTag ? 'tag_push' : 'push',
      event_name: isTag ? 'tag_push' : 'push',
      before,
      after,
      ref,
      ref_protected: ref === `refs/heads/${project.defaultBranch}`,
      checkout_sha: deleted ? null : after,
      message: null,
      user_id: user.id,
      user_name: user.name,
      user_username: user.username,
      user_email: '',
      user_avatar: null,
      project_id: project.id,
      project: projectJson,
      commits: commits.map((c, i) => ({
        id: c.sha,
        message: `${c.message}\n`,
        title: c.message.split('\n')[0],
        timestamp: c.authoredDate.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        url: `${this.baseUrl}/${full}/-/commit/${c.sha}`,
        author: { name: c.authorName, email: c.authorEmail },
        ...changed[i],
      })),
      total_commits_count: commits.length,
      push_options: {},
      repository: {
        name: project.name,
        url: this.gitUrl(project),
        description: project.description,
        homepage: `${this.baseUrl}/${full}`,
        git_http_url: this.gitUrl(project),
        git_ssh_url: projectJson.git_ssh_url,
        visibility_level: projectJson.visibility_level,
      },
    };
  }

  // ---- JSON representations ----

  private userJson(user: GitLabUser, self: boolean) {
    return {
      id: user.id,
      username: user.username,
      name: user.name,
      state: 'active',
      locked: false,
      avatar_url: null,
      web_url: `${this.baseUrl}/${user.username}`,
      ...(self
        ? {
            email: user.email,
            is_admin: user.isAdmin,
            can_create_group: true,
            can_create_project: true,
            two_factor_enabled: false,
            bot: false,
          }
        : {}),
    };
  }

  private namespaceJson(ns: GitLabNamespace) {
    return {
      id: ns.id,
      name: ns.name,
      path: ns.path,
      kind: ns.kind,
      full_path: ns.fullPath,
      parent_id: ns.parentId,
      avatar_url: null,
      web_url: `${this.baseUrl}/${ns.kind === 'group' ? 'groups/' : ''}${
        ns.fullPath
      }`,
      ...(ns.kind !== 'group'
        ? {}
        : {
            members_count_with_descendants: 1,
            root_repository_size: 0,
            projects_count: this.projects.filter(p => p.namespace === ns)
              .length,
          }),
    };
  }

  private groupJson(ns: GitLabNamespace) {
    return {
      id: ns.id,
      web_url: `${this.baseUrl}/groups/${ns.fullPath}`,
      name: ns.name,
      path: ns.path,
      description: '',
      visibility: 'private',
      full_name: ns.fullPath.split('/').join(' / '),
      full_path: ns.fullPath,
      created_at: isoMs(ns.createdAt),
      parent_id: ns.parentId,
      avatar_url: null,
    };
  }

  private hookJson(project: GitLabProject, hook: GitLabHook) {
    return {
      id: hook.id,
      url: hook.url,
      name: null,
      description: null,
      project_id: project.id,
      push_events: hook.pushEvents,
      push_events_branch_filter: hook.pushEventsBranchFilter,
      issues_events: false,
      confidential_issues_events: false,
      merge_requests_events: hook.mergeRequestsEvents,
      tag_push_events: hook.tagPushEvents,
      note_events: false,
      confidential_note_events: false,
      job_events: false,
      pipeline_events: false,
      wiki_page_events: false,
      deployment_events: false,
      releases_events: false,
      repository_update_events: false,
      enable_ssl_verification: hook.enableSslVerification,
      alert_status: 'executable',
      disabled_until: null,
      url_variables: [],
      created_at: isoMs(hook.createdAt),
      resource_access_token_events: false,
      custom_webhook_template: null,
      custom_headers: [],
    };
  }

  private async projectJson(project: GitLabProject) {
    const full = this.fullPath(project);
    const web = `${this.baseUrl}/${full}`;
    const api = `${this.baseUrl}/api/v4/projects/${project.id}`;
    const empty = !(await this.repos.resolve(
      full,
      `refs/heads/${project.defaultBranch}`,
    ));
    return {
      id: project.id,
      description: project.description,
      name: project.name,
      name_with_namespace: `${project.namespace.fullPath
        .split('/')
        .join(' / ')} / ${project.name}`,
      path: project.path,
      path_with_namespace: full,
      created_at: isoMs(project.createdAt),
      default_branch: empty ? null : project.defaultBranch,
      tag_list: project.topics,
      topics: project.topics,
      ssh_url_to_repo: `git@${new URL(this.baseUrl).host}:${full}.git`,
      http_url_to_repo: this.gitUrl(project),
      web_url: web,
      readme_url: null,
      forks_count: 0,
      avatar_url: null,
      star_count: 0,
      last_activity_at: isoMs(project.lastActivityAt),
      namespace: {
        id: project.namespace.id,
        name: project.namespace.name,
        path: project.namespace.path,
        kind: project.namespace.kind,
        full_path: project.namespace.fullPath,
        parent_id: project.namespace.parentId,
        avatar_url: null,
        web_url: `${this.baseUrl}/${
          project.namespace.kind === 'group' ? 'groups/' : ''
        }${project.namespace.fullPath}`,
      },
      _links: {
        self: api,
        issues: `${api}/issues`,
        merge_requests: `${api}/merge_requests`,
        repo_branches: `${api}/repository/branches`,
        labels: `${api}/labels`,
        events: `${api}/events`,
        members: `${api}/members`,
        cluster_agents: `${api}/cluster_agents`,
      },
      empty_repo: empty,
      archived: false,
      visibility: project.visibility,
      creator_id: project.creatorId,
      open_issues_count: 0,
      permissions: {
        project_access: null,
        group_access: { access_level: 50, notification_level: 3 },
      },
    };
  }

  private commitJson(
    project: GitLabProject,
    c: {
      sha: string;
      parents: string[];
      message: string;
      authorName: string;
      authorEmail: string;
      authoredDate: Date;
      committerName: string;
      committerEmail: string;
      committedDate: Date;
    },
  ) {
    return {
      id: c.sha,
      short_id: c.sha.slice(0, 8),
      created_at: c.committedDate.toISOString(),
      parent_ids: c.parents,
      title: c.message.split('\n')[0],
      message: `${c.message}\n`,
      author_name: c.authorName,
      author_email: c.authorEmail,
      authored_date: c.authoredDate.toISOString(),
      committer_name: c.committerName,
      committer_email: c.committerEmail,
      committed_date: c.committedDate.toISOString(),
      trailers: {},
      extended_trailers: {},
      web_url: `${this.baseUrl}/${this.fullPath(project)}/-/commit/${c.sha}`,
    };
  }
}

function branchMatches(filter: string, ref: string) {
  if (!filter) return true;
  const branch = ref.replace(/^refs\/heads\//, '');
  const re = new RegExp(
    `^${filter
      .split('*')
      .map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(branch);
}

function notFound(res: http.ServerResponse, what: string) {
  sendJson(res, 404, { message: `404 ${what} Not Found` });
}

function isoMs(ms: number) {
  return new Date(ms).toISOString();
}
