import path from 'node:path';

/** templates/microservice, the folder under test. */
export const templateDir = path.resolve(
  // This package only runs its tests from the source tree; it is never built.
  // eslint-disable-next-line no-restricted-syntax
  __dirname,
  '../../../../templates/microservice',
);
export const templateFile = path.join(templateDir, 'template.yaml');
export const skeletonDir = path.join(templateDir, 'skeleton');
export const bumpScript = path.join(skeletonDir, 'scripts/bump-image-tag.sh');
