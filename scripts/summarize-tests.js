#!/usr/bin/env node
/*
 * Prints one closing line for the whole test run, e.g.
 *   "tests: 212 passed, 0 failed, 1 skipped"
 * from jest's --json output and Playwright's JSON reporter.
 */
const fs = require('node:fs');

const [jestFile, playwrightFile] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

const jest = JSON.parse(fs.readFileSync(jestFile, 'utf8'));
passed += jest.numPassedTests;
failed += jest.numFailedTests;
skipped += jest.numPendingTests + jest.numTodoTests;
console.log(
  `jest: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed in ${jest.numTotalTestSuites} suites`,
);

const playwright = JSON.parse(fs.readFileSync(playwrightFile, 'utf8'));
const { expected = 0, unexpected = 0, flaky = 0 } = playwright.stats;
const pwSkipped = playwright.stats.skipped ?? 0;
passed += expected + flaky;
failed += unexpected;
skipped += pwSkipped;
console.log(
  `playwright: ${expected + flaky} passed, ${unexpected} failed${
    flaky ? ` (${flaky} flaky)` : ''
  }`,
);

console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
