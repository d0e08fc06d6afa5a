import {
  Entity,
  ANNOTATION_SOURCE_LOCATION,
  ANNOTATION_LOCATION,
  parseLocationRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ARGOCD_APP_NAME_ANNOTATION,
  GITLAB_PROJECT_SLUG_ANNOTATION,
  ARGOCD_APP_SELECTOR_ANNOTATION,
  ECR_REPOSITORY_ARN_ANNOTATION,
  JENKINS_JOB_FULL_NAME_ANNOTATION,
  SONARQUBE_PROJECT_KEY_ANNOTATION,
} from '@slipway/plugin-delivery-common';

/** Where a service that is not on the road yet can start from. */
export const TEMPLATE_PATH = '/create/templates/default/microservice';

function hasAnnotation(entity: Entity, annotation: string): boolean {
  return Boolean(entity.metadata.annotations?.[annotation]?.trim());
}

/** The Jenkins job is what the pipeline card, the runs card and the Trivy report hang off. */
export const isJenkinsAvailable = (entity: Entity) =>
  hasAnnotation(entity, JENKINS_JOB_FULL_NAME_ANNOTATION);

export const isSonarQubeAvailable = (entity: Entity) =>
  hasAnnotation(entity, SONARQUBE_PROJECT_KEY_ANNOTATION);

/** Trivy reports come from the Jenkins build; ECR scan findings stand in when there is none. */
export const isTrivyAvailable = (entity: Entity) =>
  hasAnnotation(entity, JENKINS_JOB_FULL_NAME_ANNOTATION) ||
  hasAnnotation(entity, ECR_REPOSITORY_ARN_ANNOTATION);

export const isArgoCdAvailable = (entity: Entity) =>
  hasAnnotation(entity, ARGOCD_APP_SELECTOR_ANNOTATION) ||
  hasAnnotation(entity, ARGOCD_APP_NAME_ANNOTATION);

/** The template that puts an existing service on the road. */
export const ONBOARD_TEMPLATE_PATH =
  '/create/templates/default/onboard-service';

/** What the road writes into catalog-info.yaml (DESIGN §2), and what each is for. */
export const ROAD_ANNOTATIONS: ReadonlyArray<{
  annotation: string;
  what: string;
}> = [
  { annotation: GITLAB_PROJECT_SLUG_ANNOTATION, what: 'the GitLab project' },
  {
    annotation: JENKINS_JOB_FULL_NAME_ANNOTATION,
    what: 'the Jenkins pipeline',
  },
  {
    annotation: SONARQUBE_PROJECT_KEY_ANNOTATION,
    what: 'the SonarQube project',
  },
  {
    annotation: ARGOCD_APP_SELECTOR_ANNOTATION,
    what: 'the Argo CD applications',
  },
  {
    annotation: ECR_REPOSITORY_ARN_ANNOTATION,
    what: 'the ECR image repository',
  },
  { annotation: 'backstage.io/kubernetes-id', what: 'the Kubernetes objects' },
];

/**
 * A component is on the road once it has any of the annotations the delivery
 * cards read; until then the cards would all be empty, and the entity page
 * invites the team to onboard it instead.
 */
export const isOnTheRoad = (entity: Entity) =>
  isJenkinsAvailable(entity) ||
  isSonarQubeAvailable(entity) ||
  isTrivyAvailable(entity) ||
  isArgoCdAvailable(entity);

/** Components the onboarding invitation is for. */
export const isNotOnTheRoad = (entity: Entity) =>
  entity.kind.toLocaleLowerCase('en-US') === 'component' &&
  !isOnTheRoad(entity);

/** The road annotations the entity does not have yet. */
export function missingRoadAnnotations(entity: Entity) {
  return ROAD_ANNOTATIONS.filter(
    ({ annotation }) => !hasAnnotation(entity, annotation),
  );
}

/**
 * The onboarding template with the entity filled in, and its GitLab
 * repository when the entity says where it is: the project from
 * `gitlab.com/project-slug` (or the source location's path), the host from
 * the source location. The scaffolder reads `formData` from the query string.
 */
export function onboardingLink(entity: Entity): string {
  const formData: Record<string, string> = {
    entity: stringifyEntityRef(entity),
  };
  const repoUrl = gitLabRepoUrl(entity);
  if (repoUrl) {
    formData.repoUrl = repoUrl;
  }
  return `${ONBOARD_TEMPLATE_PATH}?${new URLSearchParams({
    formData: JSON.stringify(formData),
  })}`;
}

/** `host?owner=group&repo=project`, as the scaffolder's RepoUrlPicker holds it. */
function gitLabRepoUrl(entity: Entity): string | undefined {
  const source = sourceUrl(entity);
  const slug =
    entity.metadata.annotations?.[GITLAB_PROJECT_SLUG_ANNOTATION]?.trim() ||
    (source && source.pathname.split('/-/')[0].replace(/^\/+|\/+$/g, ''));
  if (!source || !slug || !slug.includes('/')) {
    return undefined;
  }
  const owner = slug.slice(0, slug.lastIndexOf('/'));
  const repo = slug.slice(slug.lastIndexOf('/') + 1).replace(/\.git$/, '');
  return `${source.host}?${new URLSearchParams({ owner, repo })}`;
}

function sourceUrl(entity: Entity): URL | undefined {
  for (const key of [ANNOTATION_SOURCE_LOCATION, ANNOTATION_LOCATION]) {
    const value = entity.metadata.annotations?.[key];
    if (!value) continue;
    try {
      const { type, target } = parseLocationRef(value);
      if (type === 'url') return new URL(target);
    } catch {
      // Not a location we can read a host from; try the next one.
    }
  }
  return undefined;
}
