#!/usr/bin/env bash
# Every check Slipway has, in the order that fails fastest: types, lint, the
# packages' unit and integration tests (jest), then the browser tests
# (Playwright in Chromium against the portal started from this repository).
#
# Database tests run on SQLite, and on PostgreSQL too when
# BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set.
set -euo pipefail
cd "$(dirname "$0")/.."

reports=e2e-artifacts/reports
mkdir -p "$reports"
rm -f "$reports"/jest.json "$reports"/playwright.json

echo "==> type check"
yarn tsc

echo "==> lint"
yarn lint:all

echo "==> unit and integration tests"
CI=true yarn backstage-cli repo test --json --outputFile="$PWD/$reports/jest.json"

echo "==> browser tests"
PLAYWRIGHT_JSON_OUTPUT_NAME="$reports/playwright.json" yarn playwright test --reporter=list,json

node scripts/summarize-tests.js "$reports/jest.json" "$reports/playwright.json"
