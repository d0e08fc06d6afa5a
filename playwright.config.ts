import { defineConfig } from '@playwright/test';
import { getPackagesSync } from '@manypkg/get-packages';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Browser tests: every package with an `e2e-tests/` folder is a project.
 * They run against the portal started from this repository on its embedded
 * default (`yarn start`), in Debian's Chromium when it is installed
 * (`PLAYWRIGHT_CHROMIUM` overrides the path), else in Playwright's own build.
 * Screenshots go to `e2e-artifacts/` (ignored by git, kept by CI).
 */
const chromiumPath =
  process.env.PLAYWRIGHT_CHROMIUM ??
  (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

const { packages } = getPackagesSync(__dirname);
const projects = packages
  .filter(pkg => fs.existsSync(path.join(pkg.dir, 'e2e-tests')))
  .map(pkg => ({
    name: pkg.packageJson.name,
    testDir: path.join(pkg.dir, 'e2e-tests'),
  }));

export default defineConfig({
  timeout: 120_000,
  expect: { timeout: 30_000 },

  // One portal serves every test; start it unless one is already running.
  // Ready when the backend is; the frontend dev server holds requests until
  // its bundle is built.
  webServer: {
    command: 'yarn start',
    url: 'http://127.0.0.1:7007/.backstage/health/v1/readiness',
    reuseExistingServer: !process.env.CI,
    timeout: 300_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },

  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,

  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],

  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    actionTimeout: 30_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1440, height: 1000 },
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },

  outputDir: 'e2e-artifacts/results',
  projects,
});
