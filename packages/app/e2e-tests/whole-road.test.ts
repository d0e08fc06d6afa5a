import { test, expect, Page } from '@playwright/test';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { keepScreenshot, signInAsGuest } from './helpers';
import {
  argocd,
  authedCloneUrl,
  describeEcrRepository,
  failNextArgoCdCreate,
  git,
  gitlab,
  gitlabFile,
  gitlabProject,
  jenkins,
  sonarqube,
  tools,
  waitFor,
} from './toolchain';

/**
 * The mission in one test (issue 9): on the embedded default, a developer
 * creates a service with "Create a microservice", follows it through every
 * tool, pushes a commit and watches it travel the road to a healthy
 * deployment. The simulator keeps its state while it runs, so every run uses
 * fresh names.
 */
const suffix = Date.now().toString(36).slice(-5);
const service = `road-${suffix}`;
const group = 'payments';

const STAGES = [
  'Checkout',
  'Unit tests',
  'SonarQube analysis',
  'Quality gate',
  'Build image',
  'Trivy scan',
  'Push to ECR',
  'Update Helm values',
  'Push to GitLab',
  'Sync',
  'Healthy',
];

/** Opens "Create a microservice" from the Create page. */
async function openTemplate(page: Page) {
  await page.goto('/create');
  const card = page
    .locator('[data-testid="template-card"], .MuiCard-root')
    .filter({ hasText: 'Create a microservice' })
    .first();
  await card.getByRole('button', { name: 'Choose' }).click();
  await expect(
    page.getByRole('heading', { name: /Create a microservice/ }).first(),
  ).toBeVisible();
}

/** Fills a text field, again if the form re-renders and drops the value. */
async function fillStable(page: Page, label: RegExp, value: string) {
  const field = page.getByRole('textbox', { name: label }).first();
  await expect(async () => {
    await field.fill(value);
    await page.waitForTimeout(300);
    await expect(field).toHaveValue(value, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
}

async function next(page: Page) {
  await page.getByRole('button', { name: /^(Next|Review)$/ }).click();
}

/** Picks `option` in a catalog autocomplete (OwnerPicker, EntityPicker). */
async function pick(page: Page, label: string, option: string) {
  const input = page.getByLabel(label, { exact: false }).first();
  // The options come from the catalog; type again until they are there.
  await expect(async () => {
    await input.click();
    await input.fill('');
    await input.fill(option);
    await page
      .getByRole('option')
      .filter({ hasText: new RegExp(`^${option}$`, 'i') })
      .first()
      .click({ timeout: 3_000 });
    await expect(input).toHaveValue(new RegExp(option, 'i'), {
      timeout: 1_000,
    });
  }).toPass({ timeout: 60_000 });
}

/** Fills the form's three pages for `name` and stops on the review page. */
async function fillForm(page: Page, name: string, options: { bad?: boolean }) {
  await fillStable(
    page,
    /^Description/,
    `Created by the whole-road browser test (${name}).`,
  );
  await pick(page, 'Owner', 'platform');
  await pick(page, 'System', 'commerce');
  if (options.bad) {
    await fillStable(page, /^Name/, 'Payments_API');
    await next(page);
    await expect(
      page.getByText(/Use lowercase letters, digits and hyphens only/).first(),
    ).toBeVisible();
    await keepScreenshot(page, 'road-1-bad-name');
  }
  await fillStable(page, /^Name/, name);
  await next(page);

  // The repository: the simulator's GitLab, group "payments".
  const host = page.getByLabel('Host').getByRole('combobox');
  if (!(await host.textContent())?.includes('127.0.0.1:7100')) {
    await host.click();
    await page.getByRole('option', { name: '127.0.0.1:7100' }).click();
  }
  // Both are autocompletes that take typed text as it is.
  for (const [label, value] of [
    [/^Owner/, group],
    [/^Repository/, name],
  ] as const) {
    const field = page.getByRole('textbox', { name: label });
    await field.click();
    await field.pressSequentially(value);
    await field.press('Tab');
    await expect(field).toHaveValue(value);
  }
  await page.waitForTimeout(700); // the picker debounces its updates
  await next(page);

  // Delivery: the defaults, and the simulator's AWS account.
  await page
    .getByRole('textbox', { name: /^AWS account ID/ })
    .fill('123456789012');
  await next(page);
  await expect(page.getByRole('button', { name: 'Create' })).toBeVisible();
}

/** A guest token for the portal's own API. */
async function guestToken(page: Page): Promise<string> {
  const response = await page.request.get(
    'http://localhost:7007/api/auth/guest/refresh?env=development',
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expect(response.ok()).toBe(true);
  return (await response.json()).backstageIdentity.token;
}

type TaskEvent = {
  type: string;
  body: { message?: string; stepId?: string; status?: string };
};

/** A scaffolder task's status and log, from the portal's API. */
async function readTask(page: Page, taskId: string) {
  const headers = { Authorization: `Bearer ${await guestToken(page)}` };
  const base = `http://localhost:7007/api/scaffolder/v2/tasks/${taskId}`;
  const task = await (await page.request.get(base, { headers })).json();
  const events: TaskEvent[] = await (
    await page.request.get(`${base}/events`, { headers })
  ).json();
  return { status: task.status as string, events };
}

/** Waits for the task the page shows to end as `outcome`; returns its log. */
async function waitForTask(page: Page, outcome: 'completed' | 'failed') {
  await expect(page).toHaveURL(/\/create\/tasks\/[0-9a-f-]+/);
  const taskId = /\/create\/tasks\/([0-9a-f-]+)/.exec(page.url())![1];
  const task = await waitFor(
    `task ${taskId} to end ${outcome}`,
    async () => {
      const read = await readTask(page, taskId);
      return read.status === outcome ? read : undefined;
    },
    90_000,
  );
  if (outcome === 'completed') {
    await expect(
      page.getByRole('link', { name: 'Open in catalog' }).first(),
    ).toBeVisible();
  }
  return { taskId, ...task };
}

/** The hrefs of the task's output links, by title. */
async function outputLinks(page: Page) {
  const links: Record<string, string> = {};
  for (const title of [
    'Repository',
    'Jenkins job',
    'SonarQube dashboard',
    'ECR repository',
    'Argo CD application',
  ]) {
    // External links' names end with ", Opens in a new window".
    const link = page
      .getByRole('link', { name: new RegExp(`^${title}\\b`) })
      .first();
    await expect(link).toBeVisible();
    links[title] = (await link.getAttribute('href'))!;
  }
  return links;
}

test.describe.serial('the whole road', () => {
  test.setTimeout(240_000);

  test.beforeEach(async ({ page }) => {
    await signInAsGuest(page);
  });

  test('a developer creates a service, pushes a commit and watches it deploy', async ({
    page,
  }) => {
    const fullPath = `${group}/${service}`;

    // 1. The form: a bad name is rejected, then review and create.
    await openTemplate(page);
    await fillForm(page, service, { bad: true });
    await expect(page.getByText(service).first()).toBeVisible();
    await keepScreenshot(page, 'road-1-review');
    await page.getByRole('button', { name: 'Create' }).click();

    // 2. The task log finishes; every output link resolves.
    await waitForTask(page, 'completed');
    await keepScreenshot(page, 'road-2-task-done');
    const links = await outputLinks(page);

    expect(links.Repository).toBe(`${tools.gitlab}/${fullPath}`);
    const project = await gitlabProject(fullPath);
    expect(project.web_url).toBe(links.Repository);
    const lsRemote = await git(os.tmpdir(), [
      'ls-remote',
      authedCloneUrl(fullPath),
      'refs/heads/main',
    ]);
    expect(lsRemote).toMatch(/^[0-9a-f]{40}\s+refs\/heads\/main$/);

    expect(links['Jenkins job']).toBe(
      `${tools.jenkins}/job/services/job/${service}/`,
    );
    const job = await jenkins(`${links['Jenkins job']}api/json`);
    expect(job._class).toBe(
      'org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject',
    );

    const dashboard = new URL(links['SonarQube dashboard']);
    expect(dashboard.origin).toBe(tools.sonarqube);
    expect(dashboard.searchParams.get('id')).toBe(service);
    const component = await sonarqube(
      `/api/components/show?component=${service}`,
    );
    expect(component.component.key).toBe(service);

    expect(links['ECR repository']).toBe(
      `https://eu-west-1.console.aws.amazon.com/ecr/repositories/private/123456789012/${service}?region=eu-west-1`,
    );
    const ecrRepository = await describeEcrRepository(service);

    expect(links['Argo CD application']).toBe(
      `${tools.argocd}/applications/${service}-dev`,
    );
    const application = await argocd(`/api/v1/applications/${service}-dev`);

    // 3. Each exists with the requested settings.
    const tree: Array<{ path: string }> = await gitlab(
      `/projects/${project.id}/repository/tree?recursive=true&per_page=100`,
    );
    const files = tree.map(entry => entry.path);
    for (const file of [
      'Jenkinsfile',
      'Dockerfile',
      'catalog-info.yaml',
      'sonar-project.properties',
      'chart/Chart.yaml',
      'chart/values-dev.yaml',
      'scripts/bump-image-tag.sh',
    ]) {
      expect(files).toContain(file);
    }
    const catalogInfo = await gitlabFile(project.id, 'catalog-info.yaml');
    expect(catalogInfo).toContain(`name: ${service}`);
    expect(catalogInfo).toContain(
      `jenkins.io/job-full-name: services/${service}`,
    );
    expect(catalogInfo).not.toContain('${{');

    expect(ecrRepository).toMatchObject({
      repositoryName: service,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
    });

    expect(application.spec.source).toMatchObject({
      repoURL: expect.stringContaining(`/${fullPath}.git`),
      path: 'chart',
      targetRevision: 'main',
      helm: { valueFiles: ['values-dev.yaml'] },
    });
    expect(application.spec.destination.namespace).toBe(service);
    expect(application.metadata.labels['backstage-name']).toBe(service);

    const jobConfig = await jenkins(
      `${links['Jenkins job']}config.xml`,
      'text',
    );
    expect(jobConfig).toContain(`<projectPath>${fullPath}</projectPath>`);

    const gate = await sonarqube(
      `/api/qualitygates/get_by_project?project=${service}`,
    );
    expect(gate.qualityGate.name).toBe('Sonar way');
    const sonarHooks = await sonarqube(`/api/webhooks/list?project=${service}`);
    expect(sonarHooks.webhooks.map((h: { url: string }) => h.url)).toContain(
      `${tools.jenkins}/sonarqube-webhook/`,
    );

    const hooks: Array<{ url: string; push_events: boolean }> = await gitlab(
      `/projects/${project.id}/hooks`,
    );
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({
      url: `${tools.jenkins}/gitlab-webhook/post`,
      push_events: true,
    });

    // The catalog entity: its Delivery tab shows no runs yet.
    // catalog:register adds the location; the entity follows within seconds.
    await waitFor('the catalog to process the new entity', async () => {
      const response = await page.request.get(
        `http://localhost:7007/api/catalog/entities/by-name/component/default/${service}`,
        { headers: { Authorization: `Bearer ${await guestToken(page)}` } },
      );
      return response.ok();
    });
    await page.getByRole('link', { name: 'Open in catalog' }).first().click();
    await expect(
      page.getByRole('heading', { name: service, level: 2 }),
    ).toBeVisible();
    await page.getByRole('link', { name: 'Delivery', exact: true }).click();
    await expect(page.getByText('No runs yet').first()).toBeVisible();
    await keepScreenshot(page, 'road-3-delivery-no-runs');

    // 4. A commit pushed with real git over HTTP travels the road.
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'whole-road-'));
    try {
      await git(work, ['clone', authedCloneUrl(fullPath), 'repo']);
      const repo = path.join(work, 'repo');
      await fs.appendFile(
        path.join(repo, 'README.md'),
        '\nFirst change, pushed by the whole-road browser test.\n',
      );
      await git(repo, [
        'commit',
        '-am',
        'docs: say hello from the browser test',
      ]);
      await git(repo, ['push', 'origin', 'HEAD:main']);
      const sha = await git(repo, ['rev-parse', 'HEAD']);
      const tag = sha.slice(0, 8);

      // The bump commit appears in the repository.
      const bump = await waitFor(
        'the image tag bump commit',
        async () => {
          const commits: Array<{ id: string; title: string; message: string }> =
            await gitlab(
              `/projects/${project.id}/repository/commits?ref_name=main`,
            );
          return commits[0]?.id !== sha && commits[1]?.id === sha
            ? commits[0]
            : undefined;
        },
        90_000,
      );
      expect(bump.title).toContain(tag);
      const values = await gitlabFile(project.id, 'chart/values-dev.yaml');
      expect(values).toContain(tag);

      // Argo CD reports the new image synced and healthy.
      const deployed = await waitFor(
        'Argo CD to sync the new image',
        async () => {
          const app = await argocd(`/api/v1/applications/${service}-dev`);
          return app.status?.sync?.status === 'Synced' &&
            app.status?.health?.status === 'Healthy' &&
            JSON.stringify(app.status).includes(tag)
            ? app
            : undefined;
        },
        90_000,
      );
      expect(deployed.status.sync.status).toBe('Synced');

      // The Delivery tab shows the run walking every stage.
      await waitFor(
        'the Delivery tab to show every stage done',
        async () => {
          await page.reload();
          const stages = page.getByRole('list', { name: 'Stages' }).first();
          await expect(stages).toBeVisible({ timeout: 15_000 });
          for (const stage of STAGES) {
            if (
              !(await stages
                .getByLabel(`${stage}: Success`, { exact: true })
                .isVisible())
            ) {
              return false;
            }
          }
          return true;
        },
        90_000,
      );
      await expect(page.getByText(sha.slice(0, 7)).first()).toBeVisible();
      await keepScreenshot(page, 'road-4-delivery-deployed');
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  });

  test('the same name again fails before anything is created twice', async ({
    page,
  }) => {
    const project = await gitlabProject(`${group}/${service}`);
    const before = await gitlab(`/projects/${project.id}/hooks`);

    await openTemplate(page);
    await fillForm(page, service, {});
    await page.getByRole('button', { name: 'Create' }).click();
    const task = await waitForTask(page, 'failed');
    const failed = task.events.filter(e => e.body.status === 'failed');
    // The preflight step stops it, before the repository is generated.
    expect(failed.map(e => e.body.stepId)).toEqual(['preflight']);
    expect(failed[0].body.message).toMatch(
      new RegExp(
        `A service named \`${service}\` already exists: component:default/${service} in the catalog \\(owner [^)]+\\) and the GitLab project ${group}/${service} \\(http[^)]+\\)\\. Choose another name, or put the existing service on the road with the "Put an existing service on the road" template\\.`,
      ),
    );
    expect(failed[0].body.message).not.toMatch(/has already been taken/);
    const ran = new Set(
      task.events
        .filter(e => e.body.stepId && e.body.status !== 'skipped')
        .map(e => e.body.stepId),
    );
    expect([...ran]).toEqual(['preflight']);
    // The task page leads with it (the name renders as code).
    await expect(
      page
        .getByRole('heading', {
          name: new RegExp(`^Error: A service named ${service} already exists`),
        })
        .first(),
    ).toBeVisible();
    await keepScreenshot(page, 'road-5-same-name');

    // Nothing after the preflight ran: no second hook, job or application.
    expect(await gitlab(`/projects/${project.id}/hooks`)).toEqual(before);
    const sonarHooks = await sonarqube(`/api/webhooks/list?project=${service}`);
    expect(sonarHooks.webhooks).toHaveLength(1);
  });

  test('a task whose Argo CD step failed completes on retry without repeating the earlier steps', async ({
    page,
  }) => {
    const name = `retry-${suffix}`;
    await failNextArgoCdCreate();

    await openTemplate(page);
    await fillForm(page, name, {});
    await page.getByRole('button', { name: 'Create' }).click();
    const failedTask = await waitForTask(page, 'failed');
    expect(
      failedTask.events
        .filter(e => e.body.status === 'failed')
        .map(e => e.body.stepId),
    ).toEqual(['argocd']);
    await keepScreenshot(page, 'road-5-argocd-failed');

    // The task page offers Retry (the template opts in to recovery).
    await page.getByRole('button', { name: 'Retry' }).click();
    const retried = await waitForTask(page, 'completed');
    const skipped = retried.events
      .filter(e =>
        /because it was already completed/.test(e.body.message ?? ''),
      )
      .map(e => e.body.stepId);
    expect(skipped).toEqual([
      'preflight',
      'fetch',
      'publish',
      'sonarqube',
      'ecr',
      'jenkins',
      'webhook',
    ]);
    await keepScreenshot(page, 'road-5-retried');

    // One of each: the earlier steps did not run again.
    const projects: Array<{ path: string }> = await gitlab(
      `/groups/${group}/projects?search=${name}`,
    );
    expect(projects.filter(p => p.path === name)).toHaveLength(1);
    const project = await gitlabProject(`${group}/${name}`);
    const commits = await gitlab(
      `/projects/${project.id}/repository/commits?ref_name=main`,
    );
    expect(commits).toHaveLength(1);
    expect(await gitlab(`/projects/${project.id}/hooks`)).toHaveLength(1);
    const sonarHooks = await sonarqube(`/api/webhooks/list?project=${name}`);
    expect(sonarHooks.webhooks).toHaveLength(1);
    const application = await argocd(`/api/v1/applications/${name}-dev`);
    expect(application.metadata.name).toBe(`${name}-dev`);
  });
});
