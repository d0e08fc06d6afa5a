import { test, expect } from '@playwright/test';
import { keepScreenshot, signInAsGuest } from './helpers';

// Without the simulator: from a component that is not on the road to the
// onboarding template, prefilled with that component. Running the template
// and the merge request are covered once the simulator is wired in.
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
