import path from 'node:path';

/** templates/onboard-service, the folder under test. */
export const onboardTemplateFile = path.resolve(
  // This package only runs its tests from the source tree; it is never built.
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  '../../../../templates/onboard-service/template.yaml',
);

/** Existing repositories the template onboards, one folder each. */
export const fixtureRepositories = path.resolve(
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  '__fixtures__/repositories',
);
