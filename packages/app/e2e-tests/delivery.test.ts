import { test, expect } from '@playwright/test';
import { keepScreenshot, signInAsGuest } from './helpers';

test.describe('the delivery cards', () => {
  test.beforeEach(async ({ page }) => {
    await signInAsGuest(page);
  });

  test('a component that is not on the road says which annotations to add', async ({
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
    await expect(
      page.getByText('Add the annotation jenkins.io/job-full-name'),
    ).toHaveCount(3);
    await expect(
      page.getByText('Add the annotation sonarqube.org/project-key'),
    ).toBeVisible();
    await expect(
      page.getByText('Add the annotation argocd/app-selector'),
    ).toBeVisible();
    const toTemplate = page
      .getByRole('button', { name: 'Create a service from the template' })
      .first();
    await expect(toTemplate).toHaveAttribute(
      'href',
      '/create/templates/default/microservice',
    );
    await keepScreenshot(page, 'delivery-missing-annotations');

    await toTemplate.click();
    await expect(page.getByText('Create a microservice').first()).toBeVisible();
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
