import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Gitlab } from '@gitbeaker/rest';
import { RunningSimulator } from '../startSimulator';
import { runGit, startTestSimulator, waitFor } from '../testUtils';
import { LEGACY_BILLING, seedLegacyBilling } from '../seed/legacyBilling';

jest.setTimeout(60000);

type Change = {
  new_path: string;
  new_file: boolean;
  deleted_file: boolean;
  diff: string;
};

/**
 * The merge request API as gitlab:mergeRequest:ensure and the onboarding
 * browser test use it, checked with gitbeaker (the client the GitLab
 * scaffolder actions use) and with plain HTTP for GitLab's status codes.
 */
describe('GitLab merge requests', () => {
  let sim: RunningSimulator;
  let api: InstanceType<typeof Gitlab>;
  let hookServer: http.Server;
  const pushes: { event: string; body: any }[] = [];
  const project = `${LEGACY_BILLING.group}/${LEGACY_BILLING.name}`;

  const gl = (p: string, init: RequestInit = {}) =>
    fetch(`${sim.urls.gitlab}/api/v4${p}`, {
      ...init,
      headers: {
        'PRIVATE-TOKEN': sim.credentials.gitlab.token,
        'Content-Type': 'application/json',
        ...init.headers,
      },
    });
  const mrs = `/projects/${encodeURIComponent(project)}/merge_requests`;

  beforeAll(async () => {
    sim = await startTestSimulator();
    await seedLegacyBilling(sim.tools.gitlab, {
      now: new Date('2025-06-01T12:00:00Z').getTime(),
    });
    api = new Gitlab({
      host: sim.urls.gitlab,
      token: sim.credentials.gitlab.token,
    });
    hookServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        pushes.push({
          event: String(req.headers['x-gitlab-event']),
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        res.end('ok');
      });
    });
    await new Promise<void>(r => hookServer.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await sim.stop();
    await new Promise(r => hookServer.close(r));
  });

  /** A branch off main with one more commit, as gitlab:repo:push leaves it. */
  async function branchWithChange(
    branch: string,
    files: Record<string, string>,
  ) {
    const gitlab = sim.tools.gitlab;
    const dir = gitlab.repos.repoPath(project);
    expect((await runGit(dir, ['branch', branch, 'main'])).code).toBe(0);
    await gitlab.repos.commitFiles(
      project,
      branch,
      async () =>
        Object.entries(files).map(([path, content]) => ({ path, content })),
      {
        message: `Change on ${branch}`,
        author: { name: 'Dev', email: 'dev@example.com' },
      },
    );
  }

  it('seeds billing/legacy-billing: a Maven service with its own catalog-info.yaml and no Dockerfile', async () => {
    const tree = (await api.Repositories.allRepositoryTrees(project, {
      recursive: true,
    })) as { path: string; type: string }[];
    const files = tree.filter(e => e.type === 'blob').map(e => e.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'pom.xml',
        'catalog-info.yaml',
        'src/main/java/com/example/billing/InvoiceBatch.java',
      ]),
    );
    expect(files).not.toContain('Dockerfile');
    expect(files).not.toContain('Jenkinsfile');
    const info = await sim.tools.gitlab.repos.readFile(
      project,
      'main',
      'catalog-info.yaml',
    );
    expect(info).toContain('name: legacy-billing');
    expect(info).toContain('https://wiki.example.com/billing/runbook');
    expect(info).not.toMatch(/jenkins\.io|argocd\/|project-slug/);
    const commits = await api.Commits.all(project);
    expect(commits.length).toBe(3);
  });

  it('takes project hook settings as JSON, as our clients send them', async () => {
    const response = await gl(
      `/projects/${encodeURIComponent(project)}/hooks`,
      {
        method: 'POST',
        body: JSON.stringify({
          url: `http://127.0.0.1:${
            (hookServer.address() as AddressInfo).port
          }/hook`,
          token: 'hook-secret',
          push_events: true,
          merge_requests_events: true,
          tag_push_events: false,
          enable_ssl_verification: false,
        }),
      },
    );
    expect(response.status).toBe(201);
    const hook = await response.json();
    expect(hook).toMatchObject({
      push_events: true,
      merge_requests_events: true,
      tag_push_events: false,
      enable_ssl_verification: false,
    });
    expect(JSON.stringify(hook)).not.toContain('hook-secret');
    const edited = await gl(
      `/projects/${encodeURIComponent(project)}/hooks/${hook.id}`,
      { method: 'PUT', body: JSON.stringify({ merge_requests_events: false }) },
    );
    expect((await edited.json()).merge_requests_events).toBe(false);
    await gl(`/projects/${encodeURIComponent(project)}/hooks/${hook.id}`, {
      method: 'PUT',
      body: JSON.stringify({ merge_requests_events: true }),
    });
  });

  it('creates a branch from a ref, as gitlab:repo:push does for a new branch', async () => {
    const branch = await api.Branches.create(project, 'from-api', 'main');
    expect(branch).toMatchObject({ name: 'from-api', default: false });
    expect(branch.commit.id).toBe(
      await sim.tools.gitlab.repos.resolve(project, 'refs/heads/main'),
    );
    const again = await gl(
      `/projects/${encodeURIComponent(project)}/repository/branches`,
      {
        method: 'POST',
        body: JSON.stringify({ branch: 'from-api', ref: 'main' }),
      },
    );
    expect(again.status).toBe(400);
    expect((await again.json()).message).toBe('Branch already exists');
  });

  it('opens a merge request, refuses a second open one from the same branch, and updates it', async () => {
    await branchWithChange('onboard', {
      Jenkinsfile:
        "pipeline { agent any\n stages { stage('Checkout') { steps { checkout scm } } } }\n",
      'catalog-info.yaml': `${await sim.tools.gitlab.repos.readFile(
        project,
        'main',
        'catalog-info.yaml',
      )}# onboarded\n`,
    });
    const created = await api.MergeRequests.create(
      project,
      'onboard',
      'main',
      'Put legacy-billing on the road',
      {
        description: 'Adds the pipeline',
        labels: 'slipway-onboarding',
        removeSourceBranch: true,
      },
    );
    expect(created).toMatchObject({
      iid: 1,
      state: 'opened',
      source_branch: 'onboard',
      target_branch: 'main',
      labels: ['slipway-onboarding'],
      force_remove_source_branch: true,
      detailed_merge_status: 'mergeable',
      web_url: `${sim.urls.gitlab}/${project}/-/merge_requests/1`,
    });
    expect(created.source_project_id).toBe(created.target_project_id);

    const again = await gl(mrs, {
      method: 'POST',
      body: JSON.stringify({
        source_branch: 'onboard',
        target_branch: 'main',
        title: 'Again',
      }),
    });
    expect(again.status).toBe(409);
    expect((await again.json()).message).toEqual([
      'Another open merge request already exists for this source branch: !1',
    ]);

    const missing = await gl(mrs, {
      method: 'POST',
      body: JSON.stringify({ source_branch: 'nope', target_branch: 'main' }),
    });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toBe('title is missing');
    const noBranch = await gl(mrs, {
      method: 'POST',
      body: JSON.stringify({
        source_branch: 'nope',
        target_branch: 'main',
        title: 'x',
      }),
    });
    expect(noBranch.status).toBe(422);

    const updated = await gl(`${mrs}/1`, {
      method: 'PUT',
      body: JSON.stringify({
        title: 'Put legacy-billing on the road (v2)',
        add_labels: 'delivery',
      }),
    });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({
      title: 'Put legacy-billing on the road (v2)',
      labels: ['slipway-onboarding', 'delivery'],
    });

    const open = await api.MergeRequests.all({
      projectId: project,
      state: 'opened',
      sourceBranch: 'onboard',
    });
    expect(open.map(m => m.iid)).toEqual([1]);
    expect(
      await api.MergeRequests.all({ projectId: project, state: 'merged' }),
    ).toEqual([]);
    expect(
      await api.MergeRequests.all({
        projectId: project,
        targetBranch: 'release',
      }),
    ).toEqual([]);
    expect((await gl(`${mrs}/99`)).status).toBe(404);
  });

  it('lists the changed files with their diffs', async () => {
    const changes = await api.MergeRequests.showChanges(project, 1);
    expect(
      (changes.changes as Change[]).map(c => [
        c.new_path,
        c.new_file,
        c.deleted_file,
      ]),
    ).toEqual([
      ['Jenkinsfile', true, false],
      ['catalog-info.yaml', false, false],
    ]);
    const info = (changes.changes as Change[]).find(
      c => c.new_path === 'catalog-info.yaml',
    )!;
    expect(info.diff).toMatch(/^@@ /);
    expect(info.diff).toContain('+# onboarded');
    const diffs = await api.MergeRequests.allDiffs(project, 1);
    expect(diffs.map(d => d.new_path)).toEqual([
      'Jenkinsfile',
      'catalog-info.yaml',
    ]);
    expect(diffs[0]).toMatchObject({ a_mode: '0', b_mode: '100644' });
  });

  it('shows the merge request at its web URL', async () => {
    const page = await fetch(
      `${sim.urls.gitlab}/${project}/-/merge_requests/1`,
    );
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('Put legacy-billing on the road (v2) (!1)');
    expect(text).toContain('opened: onboard -> main');
    expect(text).toContain('A\tJenkinsfile');
    expect(
      (await fetch(`${sim.urls.gitlab}/${project}/-/merge_requests/7`)).status,
    ).toBe(404);
  });

  it('merges with a merge commit, removes the source branch and fires the push hook', async () => {
    const before = await sim.tools.gitlab.repos.resolve(
      project,
      'refs/heads/main',
    );
    pushes.length = 0;
    const merged = await api.MergeRequests.merge(project, 1);
    expect(merged).toMatchObject({
      state: 'merged',
      detailed_merge_status: 'not_open',
    });
    const sha = merged.merge_commit_sha as string;
    const commit = await api.Commits.show(project, sha);
    expect(commit.parent_ids as string[]).toEqual([before, expect.any(String)]);
    expect(commit.title).toBe("Merge branch 'onboard' into 'main'");
    expect(
      await sim.tools.gitlab.repos.readFile(project, 'main', 'Jenkinsfile'),
    ).toContain('pipeline');
    expect(
      await sim.tools.gitlab.repos.resolve(project, 'refs/heads/onboard'),
    ).toBeUndefined();

    await sim.tools.gitlab.idle();
    const mainPush = await waitFor(() =>
      pushes.find(p => p.body.ref === 'refs/heads/main'),
    );
    expect(mainPush.event).toBe('Push Hook');
    expect(mainPush.body).toMatchObject({ before, after: sha });
    expect(
      pushes.find(p => p.body.ref === 'refs/heads/onboard')?.body.after,
    ).toMatch(/^0{40}$/);

    // The changes of a merged request stay what was merged.
    const changes = await api.MergeRequests.showChanges(project, 1);
    expect((changes.changes as Change[]).map(c => c.new_path)).toEqual([
      'Jenkinsfile',
      'catalog-info.yaml',
    ]);

    const twice = await gl(`${mrs}/1/merge`, { method: 'PUT' });
    expect(twice.status).toBe(405);
    expect(
      (
        await api.MergeRequests.all({ projectId: project, state: 'merged' })
      ).map(m => m.iid),
    ).toEqual([1]);
  });

  it('refuses to merge a branch that conflicts or moved on', async () => {
    await branchWithChange('conflicting', { 'README.md': 'ours\n' });
    await sim.tools.gitlab.repos.commitFiles(
      project,
      'main',
      async () => [{ path: 'README.md', content: 'theirs\n' }],
      { message: 'theirs', author: { name: 'Dev', email: 'dev@example.com' } },
    );
    const created = await api.MergeRequests.create(
      project,
      'conflicting',
      'main',
      'Conflicting',
    );
    expect(created).toMatchObject({
      has_conflicts: true,
      detailed_merge_status: 'conflict',
    });
    const stale = await gl(`${mrs}/${created.iid}/merge`, {
      method: 'PUT',
      body: JSON.stringify({ sha: '0'.repeat(40) }),
    });
    expect(stale.status).toBe(409);
    const conflict = await gl(`${mrs}/${created.iid}/merge`, { method: 'PUT' });
    expect(conflict.status).toBe(405);
    const closed = await gl(`${mrs}/${created.iid}`, {
      method: 'PUT',
      body: JSON.stringify({ state_event: 'close' }),
    });
    expect((await closed.json()).state).toBe('closed');
  });
});
