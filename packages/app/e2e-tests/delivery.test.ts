import { test, expect } from '@playwright/test';
import { keepScreenshot, signInAsGuest } from './helpers';

test.describe('the delivery cards', () => {
  test.beforeEach(async ({ page }) => {
    await signInAsGuest(page);
  });

  test('a component that is not on the road gets the invitation instead of empty cards', async ({
    page,
  }) => {
    await page.goto('/catalog/default/component/legacy-billing');
    await expect(
      page.getByRole('heading', { name: 'legacy-billing', level: 2 }),
    ).toBeVisible();
    // The overview shows the pipeline card only where the annotation is.
    await expect(page.getByText('Delivery pipeline')).toHaveCount(0);

    await page.getByRole('link', { name: 'Delivery', exact: true }).click();
    await expect(page).toHaveURL(
      /\/catalog\/default\/component\/legacy-billing\/delivery$/,
    );
    // Without any delivery annotation, the tab does not show one empty card
    // per source (those states are for a component that is partly on the
    // road; see the plugin's unit tests) but what to do about it.
    await expect(page.getByText('Not on the road yet')).toBeVisible();
    await expect(page.getByText(/^Add the annotation /)).toHaveCount(0);
    for (const title of ['Code quality', 'Vulnerabilities', 'Recent runs']) {
      await expect(page.getByText(title, { exact: true })).toHaveCount(0);
    }
    await expect(
      page.getByRole('button', { name: 'Put it on the road' }),
    ).toHaveAttribute(
      'href',
      /^\/create\/templates\/default\/onboard-service\?formData=/,
    );
    await keepScreenshot(page, 'delivery-not-on-the-road');
  });

  test("an example component shows its road with the simulator's data", async ({
    page,
  }) => {
    await page.goto('/catalog/default/component/payments-api');
    const pipeline = page
      .locator('article, .MuiCard-root')
      .filter({ hasText: 'Delivery pipeline' })
      .first();
    // The seeded history: seven runs, the latest successful and deployed
    await expect(pipeline.getByRole('link', { name: /Run #7/ })).toBeVisible();
    await expect(pipeline.getByText('Quality gate passed')).toBeVisible();
    await keepScreenshot(page, 'delivery-overview');

    await page.getByRole('link', { name: 'Delivery', exact: true }).click();
    for (const stage of [
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
    ]) {
      await expect(
        page.getByText(stage, { exact: true }).first(),
      ).toBeVisible();
    }
    // SonarQube, Trivy and Jenkins cards with data, not their empty states
    await expect(page.getByText('Code quality', { exact: true })).toBeVisible();
    await expect(page.getByText('Coverage').first()).toBeVisible();
    await expect(
      page.getByRole('link', { name: /^CVE-\d{4}-\d+/ }).first(),
    ).toBeVisible();
    const runs = page
      .locator('article, .MuiCard-root')
      .filter({ hasText: 'Recent runs' })
      .last();
    await expect(runs.getByRole('link', { name: /^#[1-7]\b/ })).toHaveCount(7);
    await expect(
      runs.getByRole('row').filter({ hasText: '#6' }).getByText('Failed'),
    ).toBeVisible();
    // Roadie's Argo CD overview, fed by the simulated Argo CD
    await expect(page.getByText('ArgoCD overview')).toBeVisible();
    await expect(page.getByText('Synced').first()).toBeVisible();
    await expect(page.getByTestId('progress')).toHaveCount(0);
    await keepScreenshot(page, 'delivery-tab');
  });

  test("a run stopped by a gate says why on the service's overview", async ({
    page,
  }) => {
    // orders-service's latest seeded run is stopped by Trivy
    await page.goto('/catalog/default/component/orders-service');
    await expect(
      page.getByText(/Trivy scan failed: \d+ blocking finding/),
    ).toBeVisible();
    await keepScreenshot(page, 'delivery-failed-run');
  });
});
