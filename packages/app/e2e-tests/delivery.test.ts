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

  test('an example component shows the pipeline card on its overview and the Delivery tab', async ({
    page,
  }) => {
    await page.goto('/catalog/default/component/payments-api');
    await expect(page.getByText('Delivery pipeline')).toBeVisible();
    // Whatever the backend answers, the card leaves its loading state.
    await expect(page.getByTestId('progress')).toHaveCount(0);
    await keepScreenshot(page, 'delivery-overview');

    await page.getByRole('link', { name: 'Delivery', exact: true }).click();
    for (const title of [
      'Delivery pipeline',
      'Code quality',
      'Vulnerabilities',
      'Recent runs',
    ]) {
      await expect(
        page.getByText(title, { exact: true }).first(),
      ).toBeVisible();
    }
    await expect(page.getByTestId('progress')).toHaveCount(0);
    await keepScreenshot(page, 'delivery-tab');
  });
});
