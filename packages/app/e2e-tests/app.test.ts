import { test, expect } from '@playwright/test';
import { keepScreenshot, signInAsGuest } from './helpers';

test.describe('the portal on its embedded default', () => {
  test.beforeEach(async ({ page }) => {
    await signInAsGuest(page);
  });

  test('the catalog lists the example services', async ({ page }) => {
    // "All" rather than the default "Owned": the guest's team may own
    // services that other tests created
    await page.goto('/?filters%5Bkind%5D=component&filters%5Buser%5D=all');
    await expect(page.getByText('Slipway').first()).toBeVisible();
    const table = page.getByRole('table');
    for (const name of [
      'payments-api',
      'orders-service',
      'notifications-worker',
      'legacy-billing',
    ]) {
      await expect(table.getByRole('link', { name, exact: true })).toBeVisible();
    }
    await keepScreenshot(page, 'portal-catalog');
  });

  test('an example component shows its owner and system', async ({ page }) => {
    await page.goto('/catalog/default/component/payments-api');
    await expect(
      page.getByRole('heading', { name: 'payments-api', level: 2 }),
    ).toBeVisible();
    await expect(
      page.getByText('Authorises and captures card payments').first(),
    ).toBeVisible();
    await expect(page.getByRole('link', { name: 'commerce' }).first()).toBeVisible();
    await keepScreenshot(page, 'portal-component');
  });

  test('the Create page lists the software templates', async ({ page }) => {
    await page.goto('/create');
    await expect(page.getByText('Create a microservice')).toBeVisible();
    await keepScreenshot(page, 'portal-create');
  });
});
