import { test, expect, Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { keepScreenshot, signInAsGuest } from './helpers';

// From a component that is not on the road to the onboarding template,
// prefilled with that component.
test.describe('onboarding an existing service', () => {
  test.beforeEach(async ({ page }) => {
    await signInAsGuest(page);
  });

  test('the invitation on legacy-billing opens the onboarding template with the service filled in', async ({
    page,
  }) => {
    await page.goto('/catalog/default/component/legacy-billing');
    await expect(
      page.getByRole('heading', { name: 'legacy-billing', level: 2 }),
    ).toBeVisible();

    // The overview invites the team at the top, under About, without
    // scrolling.
    const overviewCard = page
      .locator('.MuiCard-root')
      .filter({ hasText: 'Not on the road yet' })
      .first();
    await expect(overviewCard).toBeInViewport();
    await expect(
      overviewCard.getByRole('list', { name: 'Missing annotations' }),
    ).toContainText('jenkins.io/job-full-name');
    await expect(
      overviewCard.getByRole('button', { name: 'Put it on the road' }),
    ).toHaveAttribute(
      'href',
      /^\/create\/templates\/default\/onboard-service\?formData=/,
    );
    await keepScreenshot(page, 'onboarding-invitation-overview');

    // The Delivery tab shows the invitation instead of empty cards.
    await page.getByRole('link', { name: 'Delivery', exact: true }).click();
    await expect(page.getByText('Not on the road yet')).toBeVisible();
    await expect(page.getByText(/^Add the annotation /)).toHaveCount(0);
    const missing = page.getByRole('list', { name: 'Missing annotations' });
    await expect(missing.getByText('jenkins.io/job-full-name')).toBeVisible();
    await expect(missing.getByText('argocd/app-selector')).toBeVisible();
    await keepScreenshot(page, 'onboarding-invitation');

    await page.getByRole('button', { name: 'Put it on the road' }).click();
    await expect(page).toHaveURL(
      /\/create\/templates\/default\/onboard-service\?formData=/,
    );
    await expect(
      page.getByText('Put an existing service on the road').first(),
    ).toBeVisible();
    // The EntityPicker shows the entity from the URL.
    await expect(page.getByRole('textbox', { name: 'Service' })).toHaveValue(
      'component:default/legacy-billing',
    );
    await keepScreenshot(page, 'onboarding-form-prefilled');
  });
});

// With the simulator, end to end (issue 10): legacy-billing is described by
// the catalog-info.yaml of its own repository (billing/legacy-billing on the
// simulated GitLab, registered by examples/entities.yaml), so after its
// onboarding merge request is merged, a refresh of the entity brings the
// delivery annotations, as it would in production. At the end the test
// puts the repository back as it was (one commit marked [ci skip]) and
// refreshes the entity, so the invitation above shows again on the next run
// against the same portal. The Jenkins job, SonarQube project, ECR
// repository, webhook and Argo CD application stay: a next run reuses them.
const gitlabUrl = 'http://127.0.0.1:7100';
const gitlabToken = 'glpat-simulator-0000000000';
const projectPath = 'billing/legacy-billing';
const sourceBranch = 'slipway/onboard-legacy-billing';
const projectApi = `${gitlabUrl}/api/v4/projects/${encodeURIComponent(
  projectPath,
)}`;
const jenkinsUrl = 'http://127.0.0.1:7101';
const jenkinsAuth = `Basic ${Buffer.from(
  'admin:11aa0000000000000000000000000000aa',
).toString('base64')}`;

/**
 * The number of the last build of services/legacy-billing's main branch,
 * 0 when the multibranch job or its main branch job does not exist yet.
 */
async function lastMainBuild(): Promise<number> {
  const response = await fetch(
    `${jenkinsUrl}/job/services/job/legacy-billing/job/main/api/json?tree=lastBuild[number]`,
    { headers: { Authorization: jenkinsAuth } },
  );
  if (response.status === 404) return 0;
  if (!response.ok) {
    throw new Error(`Jenkins main branch job: HTTP ${response.status}`);
  }
  const body = await response.json();
  return body.lastBuild?.number ?? 0;
}

async function gitlab(apiPath: string, init: RequestInit = {}) {
  const response = await fetch(`${projectApi}${apiPath}`, {
    ...init,
    headers: {
      'PRIVATE-TOKEN': gitlabToken,
      'Content-Type': 'application/json',
      ...init.headers,
    },
  });
  if (!response.ok) {
    throw new Error(
      `${init.method ?? 'GET'} ${apiPath}: HTTP ${
        response.status
      } ${await response.text()}`,
    );
  }
  return response.json();
}

const run = promisify(execFile);
async function git(cwd: string, args: string[]) {
  const { stdout } = await run(
    'git',
    [
      '-c',
      'user.name=Onboarding test',
      '-c',
      'user.email=onboarding-test@example.com',
      ...args,
    ],
    { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
  );
  return stdout.trim();
}

/** Reloads the page until `check` passes (the catalog and the tools move on their own). */
async function reloadUntil(
  page: Page,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await page.waitForTimeout(2_000);
    await page.reload();
  }
}

const DELIVERY_STAGES = [
  'Checkout',
  'Unit tests',
  'SonarQube analysis',
  'Quality gate',
  'Build image',
  'Trivy scan',
  'Push to ECR',
  'Update Helm values',
  'Push to GitLab',
];

/** Clicks through the onboarding form's pages to the review, then Create. */
async function reviewAndCreate(page: Page) {
  for (let i = 0; i < 3; i++) {
    await page.getByRole('button', { name: /^(Next|Review)$/ }).click();
  }
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/create\/tasks\/[0-9a-f-]+/);
  const link = page.getByRole('link', { name: /^Merge request\b/ }).first();
  await expect(link).toBeVisible({ timeout: 120_000 });
  return (await link.getAttribute('href'))!;
}

test.describe('onboarding legacy-billing with the simulator', () => {
  test.describe.configure({ mode: 'serial' });
  test.setTimeout(240_000);
  let mergeCommit: string | undefined;

  test.beforeEach(async ({ page }) => {
    await signInAsGuest(page);
  });

  test.afterAll(async ({ browser }) => {
    if (!mergeCommit) return;
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'onboarding-'));
    try {
      const url = new URL(`${gitlabUrl}/${projectPath}.git`);
      url.username = 'oauth2';
      url.password = gitlabToken;
      await git(work, ['clone', '--quiet', url.toString(), 'repo']);
      const repo = path.join(work, 'repo');
      await git(repo, ['rm', '-r', '-q', '.']);
      await git(repo, ['checkout', `${mergeCommit}^1`, '--', '.']);
      await git(repo, [
        'commit',
        '-q',
        '-m',
        'Take legacy-billing off the road again after the onboarding browser test [ci skip]',
      ]);
      await git(repo, ['push', '--quiet', 'origin', 'HEAD:main']);
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
    const page = await browser.newPage();
    await signInAsGuest(page);
    await page.goto('/catalog/default/component/legacy-billing');
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await reloadUntil(
      page,
      'legacy-billing to be off the road again',
      () =>
        page
          .getByText('Not on the road yet')
          .first()
          .isVisible({ timeout: 5_000 }),
      60_000,
    );
    await page.close();
  });

  test('from the invitation to a merge request, and after merging it to the first run', async ({
    page,
  }) => {
    // 1. The invitation on the entity's page, with the repository the
    //    catalog read legacy-billing from.
    await page.goto('/catalog/default/component/legacy-billing');
    const invitation = page
      .locator('.MuiCard-root')
      .filter({ hasText: 'Not on the road yet' })
      .first();
    await expect(invitation).toBeVisible();
    await invitation
      .getByRole('button', { name: 'Put it on the road' })
      .click();

    // 2. The form, prefilled with the service and its GitLab repository.
    await expect(page.getByRole('textbox', { name: 'Service' })).toHaveValue(
      'component:default/legacy-billing',
    );
    await expect(page.getByLabel('Host').getByRole('combobox')).toHaveText(
      /127\.0\.0\.1:7100/,
    );
    await expect(page.getByRole('textbox', { name: /^Owner/ })).toHaveValue(
      'billing',
    );
    await expect(
      page.getByRole('textbox', { name: /^Repository/ }),
    ).toHaveValue('legacy-billing');
    await keepScreenshot(page, 'onboarding-road-1-prefilled');
    await page.getByRole('button', { name: 'Next' }).click();

    // The rest: the simulator's AWS account, and how a Maven service builds.
    await page
      .getByRole('textbox', { name: /^AWS account ID/ })
      .fill('123456789012');
    await page.getByRole('button', { name: 'Next' }).click();
    for (const [label, value] of [
      [/^Build image/, 'maven:3.9.9-eclipse-temurin-21'],
      [/^Build command/, 'mvn -B package'],
      [/^What the build produces/, 'target/legacy-billing.jar'],
      [/^Runtime image/, 'eclipse-temurin:21.0.5_11-jre-alpine'],
      [/^Start command/, 'java -jar target/legacy-billing.jar'],
    ] as const) {
      await page.getByRole('textbox', { name: label }).fill(value);
    }
    await page.getByRole('button', { name: 'Review' }).click();
    await expect(page.getByText('mvn -B package').first()).toBeVisible();
    await keepScreenshot(page, 'onboarding-road-2-review');
    await page.getByRole('button', { name: 'Create' }).click();

    // 3. The task finishes with a link to the merge request, which opens.
    await expect(page).toHaveURL(/\/create\/tasks\/[0-9a-f-]+/);
    const link = page.getByRole('link', { name: /^Merge request\b/ }).first();
    await expect(link).toBeVisible({ timeout: 120_000 });
    await keepScreenshot(page, 'onboarding-road-3-task-done');
    const mergeRequestUrl = (await link.getAttribute('href'))!;
    expect(mergeRequestUrl).toMatch(
      new RegExp(`^${gitlabUrl}/${projectPath}/-/merge_requests/\\d+$`),
    );
    const iid = Number(mergeRequestUrl.split('/').pop());
    const mrPage = await page.context().newPage();
    await mrPage.goto(mergeRequestUrl);
    await expect(
      mrPage.getByText(`Put legacy-billing on the road (!${iid})`),
    ).toBeVisible();
    await keepScreenshot(mrPage, 'onboarding-road-4-merge-request');
    await mrPage.close();

    // 4. The merge request holds the delivery files, the generated
    //    Dockerfile and the merged catalog-info.yaml.
    const changes = await gitlab(`/merge_requests/${iid}/changes`);
    expect(changes).toMatchObject({
      state: 'opened',
      source_branch: sourceBranch,
      target_branch: 'main',
      labels: ['slipway-onboarding'],
    });
    const files: string[] = changes.changes.map(
      (c: { new_path: string }) => c.new_path,
    );
    expect(files).toEqual(
      expect.arrayContaining([
        'Jenkinsfile',
        'chart/Chart.yaml',
        'chart/values.yaml',
        'chart/values-dev.yaml',
        'chart/values-service.yaml',
        '.trivyignore',
        'sonar-project.properties',
        'scripts/bump-image-tag.sh',
        'Dockerfile',
        'catalog-info.yaml',
      ]),
    );
    // The service's own code is left alone.
    expect(files.filter(f => f.startsWith('src/') || f === 'pom.xml')).toEqual(
      [],
    );
    const raw = async (file: string) => {
      const response = await fetch(
        `${projectApi}/repository/files/${encodeURIComponent(
          file,
        )}/raw?ref=${encodeURIComponent(sourceBranch)}`,
        { headers: { 'PRIVATE-TOKEN': gitlabToken } },
      );
      expect(response.status).toBe(200);
      return response.text();
    };
    const dockerfile = await raw('Dockerfile');
    expect(dockerfile).toContain(
      'ARG BUILD_IMAGE=maven:3.9.9-eclipse-temurin-21',
    );
    expect(dockerfile).toContain('RUN mvn -B package');
    const catalogInfo = await raw('catalog-info.yaml');
    for (const line of [
      'gitlab.com/project-slug: billing/legacy-billing',
      'jenkins.io/job-full-name: services/legacy-billing',
      'sonarqube.org/project-key: legacy-billing',
      'argocd/app-selector: backstage-name=legacy-billing',
      'aws.amazon.com/aws-ecr-repository-arn: arn:aws:ecr:eu-west-1:123456789012:repository/legacy-billing',
      // What the repository's file held before stays.
      'example.com/pager-rotation: billing-oncall',
      'https://wiki.example.com/billing/runbook',
      'https://grafana.example.com/d/billing',
      '- batch',
    ]) {
      expect(catalogInfo).toContain(line);
    }

    // 5. Running the template again updates the same merge request.
    await page.getByRole('button', { name: 'Start Over' }).click();
    await expect(page.getByRole('textbox', { name: 'Service' })).toHaveValue(
      'component:default/legacy-billing',
    );
    expect(await reviewAndCreate(page)).toBe(mergeRequestUrl);
    const fromBranch = await gitlab(
      `/merge_requests?source_branch=${encodeURIComponent(sourceBranch)}`,
    );
    expect(
      fromBranch
        .filter((mr: { state: string }) => mr.state === 'opened')
        .map((mr: { iid: number }) => mr.iid),
    ).toEqual([iid]);

    // 6. The team merges it; the push to main starts the pipeline. On a
    //    fresh portal main has never been built, so this is run #1; a run
    //    against the same portal again gets the next number (the Jenkins
    //    job stays, and the restoring commit is not built).
    const expectedRun = (await lastMainBuild()) + 1;
    const merged = await gitlab(`/merge_requests/${iid}/merge`, {
      method: 'PUT',
      body: JSON.stringify({}),
    });
    expect(merged.state).toBe('merged');
    mergeCommit = merged.merge_commit_sha;

    // 7. The catalog reads the merged catalog-info.yaml once the entity is
    //    refreshed; the Delivery tab then shows the first run.
    await page.goto('/catalog/default/component/legacy-billing');
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect(page.getByText('Refresh scheduled')).toBeVisible();
    await reloadUntil(
      page,
      'the delivery annotations to reach the catalog',
      async () =>
        !(await page
          .getByText('Not on the road yet')
          .first()
          .isVisible({ timeout: 5_000 })) &&
        (await page
          .getByRole('link', { name: 'Delivery', exact: true })
          .isVisible()),
      60_000,
    );
    await page.getByRole('link', { name: 'Delivery', exact: true }).click();
    await reloadUntil(
      page,
      'the first run to pass every stage on the Delivery tab',
      async () => {
        const stages = page.getByRole('list', { name: 'Stages' }).first();
        await expect(stages).toBeVisible({ timeout: 10_000 });
        for (const stage of DELIVERY_STAGES) {
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
    // The run shown is main's (the multibranch job also built the
    // onboarding branch), of the merge commit.
    const pipeline = page
      .locator('.MuiCard-root')
      .filter({ hasText: 'Delivery pipeline' })
      .first();
    await expect(
      // The link opens Jenkins in a new window, and says so.
      pipeline.getByRole('link', {
        name: new RegExp(`^Run #${expectedRun}\\b`),
      }),
    ).toBeVisible();
    await expect(
      pipeline.getByRole('link', {
        name: new RegExp(`^${mergeCommit!.slice(0, 8)}\\b`),
      }),
    ).toBeVisible();
    await expect(pipeline).toContainText(
      `on main by Administrator: Merge branch '${sourceBranch}' into 'main'`,
    );
    await expect(pipeline.getByText('Quality gate passed')).toBeVisible();
    await expect(
      pipeline.getByText(`Image ${mergeCommit!.slice(0, 8)}`),
    ).toBeVisible();
    const recentRun = page
      .locator('.MuiCard-root')
      .filter({ hasText: 'Recent runs' })
      .getByRole('row')
      .filter({ hasText: new RegExp(`#${expectedRun}\\b`) })
      .first();
    await expect(recentRun).toContainText('main');
    await expect(recentRun).toContainText(mergeCommit!.slice(0, 8));
    await keepScreenshot(page, 'onboarding-road-5-first-run');
  });
});
