import { expect, Page } from '@playwright/test';
import path from 'node:path';

/** Where browser tests keep their screenshots (ignored by git, kept by CI). */
export const screenshotDir = path.resolve(
  __dirname,
  '../../../e2e-artifacts/screenshots',
);

/** Signs in with the guest provider, as a developer on the embedded default does. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/** Keeps a full-page screenshot of what the page shows now. */
export async function keepScreenshot(page: Page, name: string) {
  await page.screenshot({
    path: path.join(screenshotDir, `${name}.png`),
    fullPage: true,
  });
}
