import { Entity } from '@backstage/catalog-model';
import {
  ARGOCD_APP_NAME_ANNOTATION,
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
