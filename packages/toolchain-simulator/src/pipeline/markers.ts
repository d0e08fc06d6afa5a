/**
 * How the pipeline marks its own values bump commit, exactly as the
 * microservice skeleton's scripts/bump-image-tag.sh does, so the build that
 * commit would trigger is skipped.
 */
export const PIPELINE_BUMP_MARKER = '[pipeline-bump]';
export const PIPELINE_BUMP_TRAILER = 'Pipeline-Bump: true';

/** The image tag: the commit's first 8 characters, like the skeleton's Jenkinsfile. */
export const IMAGE_TAG_LENGTH = 8;
