import fs from 'node:fs/promises';
import path from 'node:path';
import { Gitlab } from '@gitbeaker/rest';
import { RunningSimulator } from '../startSimulator';
import {
  authedGitUrl,
  basic,
  runGit,
  startTestSimulator,
  tempDir,
} from '../testUtils';

jest.setTimeout(60000);

describe('tools against the seeded simulator', () => {
  let sim: RunningSimulator;
  let work: string;

  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'slipway' });
    work = await tempDir();
  });
  afterAll(async () => {
    await sim.stop();
    await fs.rm(work, { recursive: true, force: true });
  });

  describe('wrong credentials give the real tools’ status codes', () => {
    it.each([
      [
        'Jenkins without credentials',
        () => fetch(`${sim.urls.jenkins}/api/json`),
        403,
      ],
      [
        'Jenkins with a wrong API token',
        () =>
          fetch(`${sim.urls.jenkins}/api/json`, {
            headers: { Authorization: basic('admin', 'nope') },
          }),
        401,
      ],
      [
        'Jenkins with a wrong crumb',
        () =>
          fetch(`${sim.urls.jenkins}/job/services/job/payments-api/build`, {
            method: 'POST',
            headers: {
              Authorization: basic(
                sim.credentials.jenkins.username,
                sim.credentials.jenkins.apiToken,
              ),
              'Jenkins-Crumb': 'forged',
            },
          }),
        403,
      ],
      [
        'SonarQube without a token',
        () => fetch(`${sim.urls.sonarqube}/api/projects/search`),
        401,
      ],
      [
        'SonarQube with a wrong token',
        () =>
          fetch(`${sim.urls.sonarqube}/api/projects/search`, {
            headers: { Authorization: basic('squ_wrong', '') },
          }),
        401,
      ],
      [
        'Argo CD without a token',
        () => fetch(`${sim.urls.argocd}/api/v1/applications`),
        401,
      ],
      [
        'Argo CD with a wrong token',
        () =>
          fetch(`${sim.urls.argocd}/api/v1/applications`, {
            headers: { Authorization: 'Bearer nope' },
          }),
        401,
      ],
      [
        'Argo CD session with a wrong password',
        () =>
          fetch(`${sim.urls.argocd}/api/v1/session`, {
            method: 'POST',
            body: JSON.stringify({ username: 'admin', password: 'nope' }),
          }),
        401,
      ],
      [
        'GitLab without a token',
        () => fetch(`${sim.urls.gitlab}/api/v4/user`),
        401,
      ],
      [
        'GitLab with a wrong token',
        () =>
          fetch(`${sim.urls.gitlab}/api/v4/user`, {
            headers: { 'PRIVATE-TOKEN': 'nope' },
          }),
        401,
      ],
    ])('%s', async (_name, call, status) => {
      expect((await call()).status).toBe(status);
    });

    it('refuses git clone with a wrong token', async () => {
      const result = await runGit(work, [
        'clone',
        authedGitUrl(sim, 'payments/payments-api', 'wrong'),
        path.join(work, 'denied'),
      ]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/Authentication failed|401/);
    });
  });

  it('lets git clone a seeded repository and push to it', async () => {
    const dir = path.join(work, 'payments-api');
    expect(
      (
        await runGit(work, [
          'clone',
          authedGitUrl(sim, 'payments/payments-api'),
          dir,
        ])
      ).code,
    ).toBe(0);
    const log = await runGit(dir, ['log', '--format=%s', '-n', '2']);
    expect(log.stdout).toMatch(/\[pipeline-bump\]/);
    await fs.writeFile(path.join(dir, 'docs.md'), 'hello\n');
    await runGit(dir, ['add', '-A']);
    await runGit(dir, ['commit', '-m', 'docs: hello']);
    const push = await runGit(dir, ['push', 'origin', 'HEAD:feature/docs']);
    expect(push.code).toBe(0);
    await sim.idle();
    const hook = sim.tools.gitlab.findProject('payments/payments-api')!
      .hooks[0];
    expect(hook.deliveries.at(-1)).toMatchObject({
      status: 200,
      event: 'Push Hook',
    });
  });

  it('serves the calls publish:gitlab makes through gitbeaker', async () => {
    const api = new Gitlab({
      host: sim.urls.gitlab,
      token: sim.credentials.gitlab.token,
    });
    const ns: any = await api.Namespaces.show('orders');
    expect(ns).toMatchObject({ kind: 'group', full_path: 'orders' });
    const me: any = await api.Users.showCurrentUser();
    expect(me.username).toBe('root');
    const existing: any[] = await api.Groups.allProjects('orders', {
      search: 'orders-service',
    });
    expect(existing.map(p => p.path)).toContain('orders-service');
    const created: any = await api.Projects.create({
      namespaceId: ns.id,
      name: 'shipping-api',
      path: 'shipping-api',
      visibility: 'private',
    });
    expect(created.http_url_to_repo).toBe(
      `${sim.urls.gitlab}/orders/shipping-api.git`,
    );
    await expect(
      api.Projects.create({
        namespaceId: ns.id,
        name: 'shipping-api',
        path: 'shipping-api',
      }),
    ).rejects.toMatchObject({
      cause: { response: { status: 400 } },
    });
    await expect(api.Namespaces.show('nope')).rejects.toMatchObject({
      cause: { response: { status: 404 } },
    });
    const hook: any = await api.ProjectHooks.add(
      'orders/shipping-api',
      'http://127.0.0.1:1/project/services/shipping-api',
      {
        pushEvents: true,
        token: 'secret',
      },
    );
    expect(hook).toMatchObject({ push_events: true, project_id: created.id });
    expect(hook).not.toHaveProperty('token');
    const hooks: any[] = await api.ProjectHooks.all('orders/shipping-api');
    expect(hooks).toHaveLength(1);
  });

  it('serves seeded Jenkins history with tree= filtering', async () => {
    const res = await fetch(
      `${
        sim.urls.jenkins
      }/job/services/job/payments-api/api/json?tree=${encodeURIComponent(
        'builds[number,result,actions[lastBuiltRevision[SHA1]]]{0,7}',
      )}`,
      {
        headers: {
          Authorization: basic(
            sim.credentials.jenkins.username,
            sim.credentials.jenkins.apiToken,
          ),
        },
      },
    );
    const job = await res.json();
    expect(job.builds).toHaveLength(7);
    expect(Object.keys(job.builds[0]).sort()).toEqual([
      '_class',
      'actions',
      'number',
      'result',
    ]);
    expect(job.builds.map((b: any) => b.result)).toContain('FAILURE');
    const crumb = await (
      await fetch(`${sim.urls.jenkins}/crumbIssuer/api/json`, {
        headers: {
          Authorization: basic(
            sim.credentials.jenkins.username,
            sim.credentials.jenkins.apiToken,
          ),
        },
      })
    ).json();
    expect(crumb).toMatchObject({
      _class: 'hudson.security.csrf.DefaultCrumbIssuer',
      crumbRequestField: 'Jenkins-Crumb',
    });
  });

  it('serves the seeded SonarQube and Argo CD state the cards show', async () => {
    const sonar = (p: string) =>
      fetch(`${sim.urls.sonarqube}${p}`, {
        headers: { Authorization: `Bearer ${sim.credentials.sonarqube.token}` },
      }).then(r => r.json());
    const search = await sonar(
      '/api/projects/search?projects=payments-api,orders-service,notifications-worker',
    );
    expect(search.components).toHaveLength(3);
    const analyses = await sonar(
      '/api/project_analyses/search?project=payments-api',
    );
    expect(
      analyses.analyses.some((a: any) =>
        a.events.some((e: any) => e.category === 'QUALITY_GATE'),
      ),
    ).toBe(true);
    const unknown = await fetch(
      `${sim.urls.sonarqube}/api/measures/component?component=payments-api&metricKeys=nope`,
      {
        headers: { Authorization: `Bearer ${sim.credentials.sonarqube.token}` },
      },
    );
    expect(unknown.status).toBe(404);

    const session = await (
      await fetch(`${sim.urls.argocd}/api/v1/session`, {
        method: 'POST',
        body: JSON.stringify({
          username: 'admin',
          password: sim.credentials.argocd.password,
        }),
      })
    ).json();
    const list = await (
      await fetch(
        `${sim.urls.argocd}/api/v1/applications?selector=backstage-name%3Dnotifications-worker`,
        { headers: { Authorization: `Bearer ${session.token}` } },
      )
    ).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0].status.health.status).toBe('Degraded');
    expect(list.items[0].status.history.length).toBeGreaterThan(3);
    const missing = await fetch(`${sim.urls.argocd}/api/v1/applications/nope`, {
      headers: { Authorization: `Bearer ${session.token}` },
    });
    expect(missing.status).toBe(403);
  });
});
