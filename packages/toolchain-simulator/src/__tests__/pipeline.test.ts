import fs from 'node:fs/promises';
import path from 'node:path';
import { RunningSimulator } from '../startSimulator';
import {
  authedGitUrl,
  basic,
  runGit,
  startTestSimulator,
  tempDir,
  waitFor,
} from '../testUtils';
import { STAGES } from '../pipeline/PipelineRunner';
import { pipelineConfigXml } from '../jenkins/JenkinsSimulator';

jest.setTimeout(120000);

/**
 * The whole road through the tools' own HTTP APIs: a project, a Jenkins job,
 * a GitLab hook and an Argo CD application are created the way the
 * scaffolder actions create them, then real `git push`es drive builds.
 */
describe('push-triggered pipeline', () => {
  let sim: RunningSimulator;
  let work: string;

  beforeAll(async () => {
    sim = await startTestSimulator();
    work = await tempDir();
  });
  afterAll(async () => {
    await sim.stop();
    await fs.rm(work, { recursive: true, force: true });
  });

  const gl = (p: string, init: RequestInit = {}) =>
    fetch(`${sim.urls.gitlab}/api/v4${p}`, {
      ...init,
      headers: {
        'PRIVATE-TOKEN': sim.credentials.gitlab.token,
        'Content-Type': 'application/json',
        ...init.headers,
      },
    });
  const jenkins = (p: string, init: RequestInit = {}) =>
    fetch(`${sim.urls.jenkins}${p}`, {
      ...init,
      headers: {
        Authorization: basic(
          sim.credentials.jenkins.username,
          sim.credentials.jenkins.apiToken,
        ),
        ...init.headers,
      },
    });
  const argo = (p: string, init: RequestInit = {}) =>
    fetch(`${sim.urls.argocd}${p}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${sim.credentials.argocd.token}`,
        'Content-Type': 'application/json',
        ...init.headers,
      },
    });
  const ecrRepo = (name: string) =>
    sim.tools.ecr.createRepository(name, { scanOnPush: true });

  /** Creates everything a new service gets from the template, via the APIs. */
  async function onboard(name: string, group = 'team') {
    let ns = await gl(`/namespaces/${group}`);
    if (ns.status === 404) {
      await gl('/groups', {
        method: 'POST',
        body: JSON.stringify({ name: group, path: group }),
      });
      ns = await gl(`/namespaces/${group}`);
    }
    const { id: namespaceId } = await ns.json();
    const created = await gl('/projects', {
      method: 'POST',
      body: JSON.stringify({
        namespace_id: namespaceId,
        name,
        path: name,
        visibility: 'private',
      }),
    });
    expect(created.status).toBe(201);
    const project = await created.json();

    let folder = await jenkins('/job/services/api/json');
    if (folder.status === 404) {
      folder = await jenkins(
        '/createItem?name=services&mode=com.cloudbees.hudson.plugins.folder.Folder',
        { method: 'POST' },
      );
      expect(folder.status).toBe(200);
    }
    const job = await jenkins(`/job/services/createItem?name=${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml' },
      body: pipelineConfigXml({
        description: name,
        gitUrl: project.http_url_to_repo,
        branch: 'main',
        secretToken: `secret-${name}`,
      }),
    });
    expect(job.status).toBe(200);
    const hook = await gl(`/projects/${project.id}/hooks`, {
      method: 'POST',
      body: JSON.stringify({
        url: `${sim.urls.jenkins}/project/services/${name}`,
        push_events: true,
        token: `secret-${name}`,
      }),
    });
    expect(hook.status).toBe(201);
    ecrRepo(name);
    const app = await argo('/api/v1/applications?upsert=true', {
      method: 'POST',
      body: JSON.stringify({
        metadata: { name, labels: { 'backstage-name': name } },
        spec: {
          project: 'default',
          source: {
            repoURL: project.http_url_to_repo,
            path: 'chart',
            targetRevision: 'main',
            helm: { valueFiles: ['values.yaml'] },
          },
          destination: {
            server: 'https://kubernetes.default.svc',
            namespace: name,
          },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ['CreateNamespace=true'],
          },
        },
      }),
    });
    expect(app.status).toBe(200);
    return project;
  }

  async function pushFiles(
    fullPath: string,
    files: Record<string, string>,
    message: string,
  ) {
    const dir = path.join(
      work,
      `${fullPath.replace('/', '_')}-${Date.now()}-${Math.random()
        .toString(36)
        .slice(2)}`,
    );
    const clone = await runGit(work, [
      'clone',
      authedGitUrl(sim, fullPath),
      dir,
    ]);
    expect(clone.code).toBe(0);
    for (const [file, content] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await fs.writeFile(path.join(dir, file), content);
    }
    await runGit(dir, ['add', '-A']);
    await runGit(dir, ['commit', '-m', message]);
    const push = await runGit(dir, ['push', 'origin', 'HEAD:main']);
    expect(push.stderr).not.toMatch(/rejected|fatal/);
    const sha = (await runGit(dir, ['rev-parse', 'HEAD'])).stdout.trim();
    return { dir, sha };
  }

  const service = (name: string) => ({
    Jenkinsfile: 'pipeline { agent any }\n',
    'sonar-project.properties': `sonar.projectKey=${name}\n`,
    'chart/Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
    'chart/values.yaml': `replicaCount: 1\nimage:\n  repository: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}\n  tag: "none" # bumped by the pipeline\n`,
  });

  it('walks every stage after a push and deploys through Argo CD', async () => {
    const project = await onboard('cart-api');
    const { sha } = await pushFiles(
      project.path_with_namespace,
      service('cart-api'),
      'feat: first version',
    );
    await sim.idle();

    const describe = await (
      await jenkins('/job/services/job/cart-api/1/wfapi/describe')
    ).json();
    expect(describe.status).toBe('SUCCESS');
    expect(describe.stages.map((s: any) => s.name)).toEqual(
      STAGES.map(([n]) => n),
    );
    expect(describe.stages.every((s: any) => s.status === 'SUCCESS')).toBe(
      true,
    );

    const build = await (
      await jenkins('/job/services/job/cart-api/1/api/json')
    ).json();
    expect(
      build.actions.find((a: any) => a.lastBuiltRevision)?.lastBuiltRevision
        .SHA1,
    ).toBe(sha);
    expect(build.artifacts.map((a: any) => a.relativePath)).toEqual([
      'trivy-report.json',
    ]);
    const report = await (
      await jenkins('/job/services/job/cart-api/1/artifact/trivy-report.json')
    ).json();
    expect(report.SchemaVersion).toBe(2);
    expect(report.ArtifactName).toBe(
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/cart-api:${sha.slice(
        0,
        8,
      )}`,
    );

    const gate = await (
      await fetch(
        `${sim.urls.sonarqube}/api/qualitygates/project_status?projectKey=cart-api`,
        {
          headers: {
            Authorization: `Bearer ${sim.credentials.sonarqube.token}`,
          },
        },
      )
    ).json();
    expect(gate.projectStatus.status).toBe('OK');
    expect(
      sim.tools.ecr.repositories.get('cart-api')!.images[0].imageTags,
    ).toEqual([sha.slice(0, 8)]);

    // The bump commit is on main, marked, and did not start another build.
    const commits = await (
      await gl(`/projects/${project.id}/repository/commits?ref_name=main`)
    ).json();
    expect(commits[0].title).toBe(
      `chore(deploy): cart-api image ${sha.slice(0, 8)} [pipeline-bump]`,
    );
    expect(commits[1].id).toBe(sha);
    const values = await (
      await gl(
        `/projects/${project.id}/repository/files/chart%2Fvalues.yaml/raw?ref=main`,
      )
    ).text();
    expect(values).toContain(
      `  tag: "${sha.slice(0, 8)}" # bumped by the pipeline`,
    );
    const job = await (
      await jenkins('/job/services/job/cart-api/api/json?tree=builds[number]')
    ).json();
    expect(job.builds).toHaveLength(1);

    const app = await (await argo('/api/v1/applications/cart-api')).json();
    expect(app.status.sync).toMatchObject({
      status: 'Synced',
      revision: commits[0].id,
    });
    expect(app.status.health.status).toBe('Healthy');
    expect(app.status.history.map((h: any) => h.revision)).toContain(
      commits[0].id,
    );
    expect(app.status.summary.images).toEqual([
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/cart-api:${sha.slice(
        0,
        8,
      )}`,
    ]);
    const meta = await (
      await argo(
        `/api/v1/applications/cart-api/revisions/${commits[0].id}/metadata`,
      )
    ).json();
    expect(meta.author).toBe('Jenkins <jenkins@slipway.example>');
  });

  it('walks Argo CD through OutOfSync, Progressing and Healthy in observable steps', async () => {
    const slow = await startTestSimulator({ timeScale: 0.03 });
    try {
      const { gitlab, argocd } = slow.tools;
      const project = await gitlab.createProject({
        namespace: gitlab.ensureGroup('team'),
        name: 'slow',
        path: 'slow',
      });
      await gitlab.repos.commitFiles(
        'team/slow',
        'main',
        async () => [
          { path: 'chart/values.yaml', content: 'image:\n  tag: "abc1234"\n' },
        ],
        {
          message: 'init',
          author: { name: 'Dev', email: 'dev@example.com' },
        },
      );
      argocd.createApplication({
        name: 'slow',
        spec: {
          project: 'default',
          source: {
            repoURL: gitlab.gitUrl(project),
            path: 'chart',
            targetRevision: 'main',
          },
          destination: {
            namespace: 'slow',
            server: 'https://kubernetes.default.svc',
          },
        },
      });
      const app = argocd.applications.get('slow')!;
      const seen: string[] = [];
      const deploy = argocd.deploy('slow', undefined, { automated: true });
      while (app.status.health.status !== 'Healthy') {
        const state = `${app.status.sync.status}/${app.status.health.status}`;
        if (seen[seen.length - 1] !== state) seen.push(state);
        await new Promise(r => setTimeout(r, 5));
      }
      await deploy;
      // A new application starts Unknown/Missing until its first comparison.
      expect(seen.filter(st => st !== 'Unknown/Missing')).toEqual([
        'OutOfSync/Missing',
        'Synced/Progressing',
      ]);
      expect(app.status.history).toHaveLength(1);
      expect(app.status.summary.images).toEqual([
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/slow:abc1234',
      ]);
    } finally {
      await slow.stop();
    }
  });

  it('stops at the quality gate when the repository asks for it', async () => {
    const project = await onboard('gate-api');
    await pushFiles(
      project.path_with_namespace,
      { ...service('gate-api'), '.simulator/quality-gate': 'fail\n' },
      'feat: untested code',
    );
    await sim.idle();
    const d = await (
      await jenkins('/job/services/job/gate-api/lastBuild/wfapi/describe')
    ).json();
    expect(d.status).toBe('FAILED');
    const byName = Object.fromEntries(
      d.stages.map((s: any) => [s.name, s.status]),
    );
    expect(byName['Quality gate']).toBe('FAILED');
    expect(byName['Build image']).toBe('NOT_EXECUTED');
    expect(
      sim.tools.sonarqube.projects.get('gate-api')!.analyses[0].gateStatus,
    ).toBe('ERROR');
    expect(sim.tools.ecr.repositories.get('gate-api')!.images).toHaveLength(0);
  });

  it('stops at Trivy on a CRITICAL finding but still archives the report', async () => {
    const project = await onboard('trivy-api');
    await pushFiles(
      project.path_with_namespace,
      { ...service('trivy-api'), '.simulator/trivy': 'critical\n' },
      'chore: old base image',
    );
    await sim.idle();
    const d = await (
      await jenkins('/job/services/job/trivy-api/lastBuild/wfapi/describe')
    ).json();
    expect(d.stages.find((s: any) => s.name === 'Trivy scan').status).toBe(
      'FAILED',
    );
    const report = await (
      await jenkins(
        '/job/services/job/trivy-api/lastBuild/artifact/trivy-report.json',
      )
    ).json();
    const severities = report.Results.flatMap((r: any) =>
      (r.Vulnerabilities ?? []).map((v: any) => v.Severity),
    );
    expect(severities).toContain('CRITICAL');
  });

  it('builds a multibranch job through the GitLab Branch Source endpoint', async () => {
    // What jenkins:job:create makes for kind: multibranch, and the hook
    // gitlab:webhook:create points at the plugin's single endpoint.
    const project = await onboard('basket-api');
    const removed = await jenkins('/job/services/job/basket-api/doDelete', {
      method: 'POST',
    });
    expect(removed.status).toBeLessThan(400);
    const job = await jenkins('/job/services/createItem?name=basket-api', {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml' },
      body: `<?xml version='1.1' encoding='UTF-8'?>
<org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject plugin="workflow-multibranch">
  <description>basket-api</description>
  <sources class="jenkins.branch.MultiBranchProject$BranchSourceList">
    <data>
      <jenkins.branch.BranchSource>
        <source class="io.jenkins.plugins.gitlabbranchsource.GitLabSCMSource" plugin="gitlab-branch-source">
          <id>gitlab-${project.path_with_namespace}</id>
          <serverName>gitlab</serverName>
          <projectOwner>team</projectOwner>
          <projectPath>${project.path_with_namespace}</projectPath>
          <credentialsId>gitlab-checkout</credentialsId>
        </source>
      </jenkins.branch.BranchSource>
    </data>
  </sources>
  <factory class="org.jenkinsci.plugins.workflow.multibranch.WorkflowBranchProjectFactory">
    <scriptPath>Jenkinsfile</scriptPath>
  </factory>
</org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject>`,
    });
    expect(job.status).toBe(200);
    const hooks = await (await gl(`/projects/${project.id}/hooks`)).json();
    const edited = await gl(`/projects/${project.id}/hooks/${hooks[0].id}`, {
      method: 'PUT',
      body: JSON.stringify({
        url: `${sim.urls.jenkins}/gitlab-webhook/post`,
        push_events: true,
      }),
    });
    expect(edited.status).toBe(200);

    await pushFiles(
      project.path_with_namespace,
      service('basket-api'),
      'feat: first version',
    );
    await sim.idle();

    const describe = await (
      await jenkins('/job/services/job/basket-api/job/main/1/wfapi/describe')
    ).json();
    expect(describe.status).toBe('SUCCESS');
    expect(describe.stages.map((s: any) => s.name)).toEqual(
      STAGES.map(([n]) => n),
    );
  });

  it('rejects a webhook with the wrong secret like the GitLab plugin', async () => {
    const res = await fetch(`${sim.urls.jenkins}/project/services/cart-api`, {
      method: 'POST',
      headers: {
        'X-Gitlab-Event': 'Push Hook',
        'X-Gitlab-Token': 'wrong',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ object_kind: 'push' }),
    });
    expect(res.status).toBe(401);
  });

  it('keeps state consistent under 20 concurrent pushes', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `svc-${i}`);
    const projects = [];
    for (const name of names) projects.push(await onboard(name, 'load'));
    // First pushes of all 20 at once, then a second push to each while the
    // first builds are still bumping main: the bump must retry, not clobber.
    const first = await Promise.all(
      projects.map((p, i) =>
        pushFiles(p.path_with_namespace, service(names[i]), 'feat: one'),
      ),
    );
    const second = await Promise.all(
      first.map(async ({ dir }, i) => {
        await fs.writeFile(path.join(dir, 'CHANGELOG.md'), 'two\n');
        await runGit(dir, ['add', '-A']);
        await runGit(dir, ['commit', '-m', 'feat: two']);
        let push = await runGit(dir, ['push', 'origin', 'HEAD:main']);
        if (push.code !== 0) {
          // main moved (the pipeline's bump landed first): rebase like a developer would.
          await runGit(dir, ['pull', '--rebase', 'origin', 'main']);
          push = await runGit(dir, ['push', 'origin', 'HEAD:main']);
        }
        expect(push.code).toBe(0);
        return names[i];
      }),
    );
    expect(second).toHaveLength(20);
    await sim.idle();

    for (const [i, name] of names.entries()) {
      const job = sim.tools.jenkins.find(`services/${name}`)!;
      expect(job.builds.map(b => b.number).sort()).toEqual([1, 2]);
      expect(job.builds.every(b => b.result === 'SUCCESS')).toBe(true);
      const full = projects[i].path_with_namespace;
      const log = await sim.tools.gitlab.repos.log(full, 'main', 50);
      const bumps = log.filter(c => c.message.includes('[pipeline-bump]'));
      expect(bumps).toHaveLength(2);
      expect(sim.tools.ecr.repositories.get(name)!.images).toHaveLength(2);
      const app = sim.tools.argocd.applications.get(name)!;
      expect(app.status.sync.revision).toBe(log[0].sha);
      expect(app.status.health.status).toBe('Healthy');
    }
  });

  it('fails the next Argo CD create once when asked (retry tests)', async () => {
    const arm = await fetch(
      `${sim.urls.argocd}/_simulator/argocd/fail-next-create`,
      { method: 'POST' },
    );
    expect(arm.status).toBe(200);
    const body = JSON.stringify({
      metadata: { name: 'retry-me', labels: { 'backstage-name': 'retry-me' } },
      spec: {
        project: 'default',
        source: { repoURL: 'http://example/x.git', path: 'chart' },
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: 'x',
        },
      },
    });
    const first = await argo('/api/v1/applications?upsert=true', {
      method: 'POST',
      body,
    });
    expect(first.status).toBe(500);
    const second = await argo('/api/v1/applications?upsert=true', {
      method: 'POST',
      body,
    });
    expect(second.status).toBe(200);
    await waitFor(() => sim.tools.argocd.applications.get('retry-me'));
  });
});
