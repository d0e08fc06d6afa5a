/*
 * GitLab's merge request API (REST v4) on the simulator's bare repositories:
 * list, create, get, update, changes/diffs and merge. Merging makes a real
 * merge commit on the target branch and announces it like a push, so the
 * project's webhooks fire and the pipeline runs, as after a merge in GitLab.
 */
import http from 'node:http';
import { SimRequest, sendJson } from '../http';
import { git } from './gitRepos';
import type {
  GitLabProject,
  GitLabSimulator,
  GitLabUser,
} from './GitLabSimulator';

export interface GitLabMergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed' | 'merged';
  sourceBranch: string;
  targetBranch: string;
  labels: string[];
  /** `remove_source_branch` at creation (GitLab's force_remove_source_branch). */
  forceRemoveSourceBranch: boolean;
  /** `should_remove_source_branch` given to the merge. */
  shouldRemoveSourceBranch: boolean | null;
  author: GitLabUser;
  createdAt: number;
  updatedAt: number;
  mergedAt?: number;
  mergedBy?: GitLabUser;
  closedAt?: number;
  closedBy?: GitLabUser;
  mergeCommitSha?: string;
  /** Source and base commits frozen when merged or closed. */
  frozen?: { head: string; base: string; start: string };
}

const ZERO = '0'.repeat(40);
let nextGlobalId = 1;

class MergeRequestsApi {
  private readonly full: string;

  constructor(
    private readonly gitlab: GitLabSimulator,
    private readonly project: GitLabProject,
    private readonly user: GitLabUser,
  ) {
    this.full = gitlab.fullPath(project);
  }

  async list(req: SimRequest, res: http.ServerResponse) {
    const state = req.query.get('state') ?? 'all';
    const source = req.query.get('source_branch');
    const target = req.query.get('target_branch');
    const list = this.project.mergeRequests
      .filter(mr => state === 'all' || mr.state === state)
      .filter(mr => !source || mr.sourceBranch === source)
      .filter(mr => !target || mr.targetBranch === target)
      .sort((a, b) => b.createdAt - a.createdAt || b.iid - a.iid);
    const body = await Promise.all(list.map(mr => this.json(mr)));
    sendJson(res, 200, body, {
      'X-Page': '1',
      'X-Per-Page': req.query.get('per_page') ?? '20',
      'X-Total': String(body.length),
      'X-Total-Pages': '1',
    });
  }

  async create(req: SimRequest, res: http.ServerResponse) {
    const body = await req.form();
    const missing = ['source_branch', 'target_branch', 'title'].filter(
      k => !body[k],
    );
    if (missing.length) {
      sendJson(res, 400, {
        error: missing.map(k => `${k} is missing`).join(', '),
      });
      return;
    }
    const repos = this.gitlab.repos;
    const errors: string[] = [];
    if (body.source_branch === body.target_branch) {
      errors.push('You can’t use same project/branch for source and target');
    }
    for (const [side, branch] of [
      ['Source', body.source_branch],
      ['Target', body.target_branch],
    ]) {
      if (!(await repos.resolve(this.full, `refs/heads/${branch}`)))
        errors.push(`${side} branch "${branch}" does not exist`);
    }
    if (errors.length) {
      sendJson(res, 422, { message: errors });
      return;
    }
    const open = this.project.mergeRequests.find(
      mr => mr.state === 'opened' && mr.sourceBranch === body.source_branch,
    );
    if (open) {
      sendJson(res, 409, {
        message: [
          `Another open merge request already exists for this source branch: !${open.iid}`,
        ],
      });
      return;
    }
    const now = Date.now();
    const mr: GitLabMergeRequest = {
      id: nextGlobalId++,
      iid: Math.max(0, ...this.project.mergeRequests.map(x => x.iid)) + 1,
      title: body.title,
      description: body.description ?? '',
      state: 'opened',
      sourceBranch: body.source_branch,
      targetBranch: body.target_branch,
      labels: splitLabels(body.labels),
      forceRemoveSourceBranch: body.remove_source_branch === 'true',
      shouldRemoveSourceBranch: null,
      author: this.user,
      createdAt: now,
      updatedAt: now,
    };
    this.project.mergeRequests.push(mr);
    this.gitlab.log(
      `gitlab: ${this.full} opened !${mr.iid} ${mr.sourceBranch} -> ${mr.targetBranch}`,
    );
    sendJson(res, 201, await this.detailJson(mr));
  }

  async update(
    req: SimRequest,
    res: http.ServerResponse,
    mr: GitLabMergeRequest,
  ) {
    const body = await req.form();
    const fields = [
      'title',
      'description',
      'target_branch',
      'labels',
      'add_labels',
      'remove_labels',
      'remove_source_branch',
      'state_event',
      'assignee_id',
      'assignee_ids',
      'reviewer_ids',
      'milestone_id',
      'squash',
      'discussion_locked',
      'allow_collaboration',
    ];
    if (!fields.some(f => body[f] !== undefined)) {
      sendJson(res, 400, {
        error: `${fields.join(
          ', ',
        )} are missing, at least one parameter must be provided`,
      });
      return;
    }
    if (mr.state === 'merged' && body.target_branch !== undefined) {
      sendJson(res, 422, {
        message: ['Target branch cannot be changed on a merged merge request'],
      });
      return;
    }
    if (
      body.target_branch !== undefined &&
      !(await this.gitlab.repos.resolve(
        this.full,
        `refs/heads/${body.target_branch}`,
      ))
    ) {
      sendJson(res, 422, {
        message: [`Target branch "${body.target_branch}" does not exist`],
      });
      return;
    }
    if (body.title !== undefined) mr.title = body.title;
    if (body.description !== undefined) mr.description = body.description;
    if (body.target_branch !== undefined) mr.targetBranch = body.target_branch;
    if (body.labels !== undefined) mr.labels = splitLabels(body.labels);
    for (const label of splitLabels(body.add_labels))
      if (!mr.labels.includes(label)) mr.labels.push(label);
    const removed = splitLabels(body.remove_labels);
    mr.labels = mr.labels.filter(l => !removed.includes(l));
    if (body.remove_source_branch !== undefined)
      mr.forceRemoveSourceBranch = body.remove_source_branch === 'true';
    if (body.state_event === 'close' && mr.state === 'opened') {
      mr.frozen = await this.refs(mr);
      mr.state = 'closed';
      mr.closedAt = Date.now();
      mr.closedBy = this.user;
    } else if (body.state_event === 'reopen' && mr.state === 'closed') {
      const other = this.project.mergeRequests.find(
        x =>
          x !== mr &&
          x.state === 'opened' &&
          x.sourceBranch === mr.sourceBranch,
      );
      if (other) {
        sendJson(res, 409, {
          message: [
            `Another open merge request already exists for this source branch: !${other.iid}`,
          ],
        });
        return;
      }
      mr.state = 'opened';
      mr.frozen = undefined;
      mr.closedAt = undefined;
      mr.closedBy = undefined;
    }
    mr.updatedAt = Date.now();
    sendJson(res, 200, await this.detailJson(mr));
  }

  /** The files the merge request changes, as `changes`/`diffs` list them. */
  async changes(mr: GitLabMergeRequest) {
    const refs = await this.refs(mr);
    if (!refs.head || !refs.base) return [];
    const diffs = await this.gitlab.repos.diff(this.full, refs.base, refs.head);
    return diffs.map(d => ({
      old_path: d.path,
      new_path: d.path,
      a_mode: d.status === 'A' ? '0' : d.oldMode,
      b_mode: d.status === 'D' ? '0' : d.newMode,
      new_file: d.status === 'A',
      renamed_file: false,
      deleted_file: d.status === 'D',
      generated_file: false,
      diff: d.diff,
    }));
  }

  async merge(
    req: SimRequest,
    res: http.ServerResponse,
    mr: GitLabMergeRequest,
  ) {
    const body = await req.form();
    if (mr.state !== 'opened') {
      sendJson(res, 405, { message: '405 Method Not Allowed' });
      return;
    }
    const repos = this.gitlab.repos;
    const head = await repos.resolve(
      this.full,
      `refs/heads/${mr.sourceBranch}`,
    );
    if (body.sha && head && body.sha !== head) {
      sendJson(res, 409, {
        message: `SHA does not match HEAD of source branch: ${head}`,
      });
      return;
    }
    const refs = await this.refs(mr);
    // GitLab answers 405 for a request it cannot merge (its source branch
    // is gone or it conflicts), 422 when the merge itself fails.
    if (!head || !refs.start || !(await this.canMerge(refs.start, head))) {
      sendJson(res, 405, { message: '405 Method Not Allowed' });
      return;
    }
    const message =
      body.merge_commit_message ||
      `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'\n\n${mr.title}\n\nSee merge request ${this.full}!${mr.iid}`;
    const result = await repos.mergeCommit(this.full, mr.targetBranch, head, {
      message,
      author: { name: this.user.name, email: this.user.email },
      expectedTip: refs.start,
    });
    if (result.status !== 'merged') {
      sendJson(res, 422, { message: 'Branch cannot be merged' });
      return;
    }
    mr.state = 'merged';
    mr.mergedAt = Date.now();
    mr.mergedBy = this.user;
    mr.updatedAt = mr.mergedAt;
    mr.mergeCommitSha = result.sha;
    mr.frozen = { ...refs, head };
    if (body.should_remove_source_branch !== undefined)
      mr.shouldRemoveSourceBranch = body.should_remove_source_branch === 'true';
    this.gitlab.log(
      `gitlab: ${this.full} merged !${mr.iid} into ${
        mr.targetBranch
      } (${result.sha.slice(0, 8)})`,
    );
    this.gitlab.announcePush({
      project: this.project,
      before: result.before,
      after: result.sha,
      ref: `refs/heads/${mr.targetBranch}`,
      user: this.user,
    });
    if (mr.shouldRemoveSourceBranch ?? mr.forceRemoveSourceBranch) {
      const removed = await repos.deleteBranch(this.full, mr.sourceBranch);
      if (removed) {
        this.gitlab.announcePush({
          project: this.project,
          before: removed,
          after: ZERO,
          ref: `refs/heads/${mr.sourceBranch}`,
          user: this.user,
        });
      }
    }
    sendJson(res, 200, await this.detailJson(mr));
  }

  /** Head, merge base and target tip of an open request; frozen ones after. */
  private async refs(mr: GitLabMergeRequest) {
    if (mr.frozen) return mr.frozen;
    const repos = this.gitlab.repos;
    const head =
      (await repos.resolve(this.full, `refs/heads/${mr.sourceBranch}`)) ?? '';
    const start =
      (await repos.resolve(this.full, `refs/heads/${mr.targetBranch}`)) ?? '';
    const base =
      head && start
        ? (await repos.mergeBase(this.full, start, head)) ?? ''
        : '';
    return { head, base, start };
  }

  private async json(mr: GitLabMergeRequest) {
    const refs = await this.refs(mr);
    const web = `${this.gitlab.baseUrl}/${this.full}/-/merge_requests/${mr.iid}`;
    const hasConflicts =
      mr.state === 'opened' && !!refs.head && !!refs.start
        ? !(await this.canMerge(refs.start, refs.head))
        : false;
    return {
      id: mr.id,
      iid: mr.iid,
      project_id: this.project.id,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: iso(mr.createdAt),
      updated_at: iso(mr.updatedAt),
      merged_by: mr.mergedBy ? this.userJson(mr.mergedBy) : null,
      merge_user: mr.mergedBy ? this.userJson(mr.mergedBy) : null,
      merged_at: mr.mergedAt ? iso(mr.mergedAt) : null,
      closed_by: mr.closedBy ? this.userJson(mr.closedBy) : null,
      closed_at: mr.closedAt ? iso(mr.closedAt) : null,
      target_branch: mr.targetBranch,
      source_branch: mr.sourceBranch,
      user_notes_count: 0,
      upvotes: 0,
      downvotes: 0,
      author: this.userJson(mr.author),
      assignees: [],
      assignee: null,
      reviewers: [],
      source_project_id: this.project.id,
      target_project_id: this.project.id,
      labels: mr.labels,
      draft: /^(draft:|\[draft\]|\(draft\))/i.test(mr.title),
      work_in_progress: /^(draft:|\[draft\]|\(draft\))/i.test(mr.title),
      milestone: null,
      merge_when_pipeline_succeeds: false,
      merge_status: hasConflicts ? 'cannot_be_merged' : 'can_be_merged',
      detailed_merge_status: detailedMergeStatus(mr, hasConflicts),
      sha: refs.head || null,
      merge_commit_sha: mr.mergeCommitSha ?? null,
      squash_commit_sha: null,
      discussion_locked: null,
      should_remove_source_branch: mr.shouldRemoveSourceBranch,
      force_remove_source_branch: mr.forceRemoveSourceBranch,
      prepared_at: iso(mr.createdAt),
      reference: `!${mr.iid}`,
      references: {
        short: `!${mr.iid}`,
        relative: `!${mr.iid}`,
        full: `${this.full}!${mr.iid}`,
      },
      web_url: web,
      time_stats: {
        time_estimate: 0,
        total_time_spent: 0,
        human_time_estimate: null,
        human_total_time_spent: null,
      },
      squash: false,
      squash_on_merge: false,
      task_completion_status: { count: 0, completed_count: 0 },
      has_conflicts: hasConflicts,
      blocking_discussions_resolved: true,
    };
  }

  /** The single merge request, with the fields only that endpoint has. */
  async detailJson(mr: GitLabMergeRequest) {
    const refs = await this.refs(mr);
    const changes = refs.head && refs.base ? await this.changes(mr) : [];
    return {
      ...(await this.json(mr)),
      subscribed: true,
      changes_count: String(changes.length),
      latest_build_started_at: null,
      latest_build_finished_at: null,
      first_deployed_to_production_at: null,
      pipeline: null,
      head_pipeline: null,
      diff_refs: {
        base_sha: refs.base || null,
        head_sha: refs.head || null,
        start_sha: refs.start || null,
      },
      merge_error: null,
      first_contribution: false,
      user: { can_merge: mr.state === 'opened' },
    };
  }

  private async canMerge(target: string, head: string) {
    try {
      await git(this.gitlab.repos.repoPath(this.full), [
        'merge-tree',
        '--write-tree',
        target,
        head,
      ]);
      return true;
    } catch {
      return false;
    }
  }

  private userJson(user: GitLabUser) {
    return {
      id: user.id,
      username: user.username,
      name: user.name,
      state: 'active',
      locked: false,
      avatar_url: null,
      web_url: `${this.gitlab.baseUrl}/${user.username}`,
    };
  }
}

/** Handles `/projects/:id/merge_requests[/…]` (`rest` starts at `merge_requests`). */
export async function mergeRequestsApi(
  gitlab: GitLabSimulator,
  req: SimRequest,
  res: http.ServerResponse,
  project: GitLabProject,
  rest: string[],
  user: GitLabUser,
): Promise<boolean> {
  const api = new MergeRequestsApi(gitlab, project, user);
  const m = req.method;
  if (rest.length === 1 && m === 'GET') {
    await api.list(req, res);
    return true;
  }
  if (rest.length === 1 && m === 'POST') {
    await api.create(req, res);
    return true;
  }
  if (rest.length < 2) return false;
  const mr = project.mergeRequests.find(x => x.iid === Number(rest[1]));
  if (!mr || !/^\d+$/.test(rest[1])) {
    sendJson(res, 404, { message: '404 Not found' });
    return true;
  }
  if (rest.length === 2 && m === 'GET') {
    sendJson(res, 200, await api.detailJson(mr));
    return true;
  }
  if (rest.length === 2 && m === 'PUT') {
    await api.update(req, res, mr);
    return true;
  }
  if (rest.length === 3 && m === 'GET' && rest[2] === 'changes') {
    const changes = await api.changes(mr);
    sendJson(res, 200, {
      ...(await api.detailJson(mr)),
      changes,
      overflow: false,
    });
    return true;
  }
  if (rest.length === 3 && m === 'GET' && rest[2] === 'diffs') {
    const changes = await api.changes(mr);
    sendJson(res, 200, changes, {
      'X-Page': '1',
      'X-Per-Page': '20',
      'X-Total': String(changes.length),
      'X-Total-Pages': '1',
    });
    return true;
  }
  if (rest.length === 3 && m === 'PUT' && rest[2] === 'merge') {
    await api.merge(req, res, mr);
    return true;
  }
  return false;
}

/**
 * The merge request's web page, reduced to text: title, state, branches,
 * description and the changed files, so a link a template outputs opens.
 */
export async function mergeRequestPage(
  gitlab: GitLabSimulator,
  project: GitLabProject,
  iid: number,
): Promise<string | undefined> {
  const mr = project.mergeRequests.find(x => x.iid === iid);
  if (!mr) return undefined;
  const api = new MergeRequestsApi(gitlab, project, mr.author);
  const changes = await api.changes(mr);
  return [
    `${mr.title} (!${mr.iid})`,
    `${mr.state}: ${mr.sourceBranch} -> ${mr.targetBranch}`,
    `labels: ${mr.labels.join(', ')}`,
    '',
    mr.description,
    '',
    `Changes (${changes.length}):`,
    ...changes.map(c => `${changeLetter(c)}\t${c.new_path}`),
    '',
  ].join('\n');
}

function changeLetter(change: { new_file: boolean; deleted_file: boolean }) {
  if (change.new_file) return 'A';
  return change.deleted_file ? 'D' : 'M';
}

function detailedMergeStatus(mr: GitLabMergeRequest, hasConflicts: boolean) {
  if (mr.state !== 'opened') return 'not_open';
  return hasConflicts ? 'conflict' : 'mergeable';
}

function splitLabels(value: string | undefined): string[] {
  if (!value) return [];
  let items: unknown = value;
  if (value.startsWith('[')) {
    try {
      items = JSON.parse(value);
    } catch {
      // a comma-separated list that starts with '['
    }
  }
  const list = Array.isArray(items) ? items.map(String) : value.split(',');
  return [...new Set(list.map(l => l.trim()).filter(Boolean))];
}

function iso(ms: number) {
  return new Date(ms).toISOString();
}
