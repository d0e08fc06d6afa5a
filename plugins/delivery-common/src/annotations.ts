/**
 * The annotation keys Slipway reads (DESIGN §2). They are the keys the
 * community and Roadie plugins already use, so one `catalog-info.yaml`
 * serves every plugin.
 */

/**
 * GitLab project path, e.g. `payments/payments-api`.
 *
 * @public
 */
export const GITLAB_PROJECT_SLUG_ANNOTATION = 'gitlab.com/project-slug';

/**
 * Jenkins job full name with an optional instance prefix, e.g.
 * `services/payments-api` or `ci2:services/payments-api`.
 *
 * @public
 */
export const JENKINS_JOB_FULL_NAME_ANNOTATION = 'jenkins.io/job-full-name';

/**
 * SonarQube project key with an optional instance prefix, e.g.
 * `payments-api` or `sonar2/payments-api`.
 *
 * @public
 */
export const SONARQUBE_PROJECT_KEY_ANNOTATION = 'sonarqube.org/project-key';

/**
 * Argo CD label selector for the entity's applications, e.g.
 * `backstage-name=payments-api`.
 *
 * @public
 */
export const ARGOCD_APP_SELECTOR_ANNOTATION = 'argocd/app-selector';

/**
 * A single Argo CD application name, e.g. `payments-api-prd`.
 *
 * @public
 */
export const ARGOCD_APP_NAME_ANNOTATION = 'argocd/app-name';

/**
 * The Argo CD instance (from `argocd.appLocatorMethods[].instances[].name`);
 * the first configured instance when absent.
 *
 * @public
 */
export const ARGOCD_INSTANCE_NAME_ANNOTATION = 'argocd/instance-name';

/**
 * The namespace of an Argo CD Application when "apps in any namespace" is used.
 *
 * @public
 */
export const ARGOCD_APP_NAMESPACE_ANNOTATION = 'argocd/app-namespace';

/**
 * ARN of the service's ECR repository, e.g.
 * `arn:aws:ecr:eu-west-1:123456789012:repository/payments-api`.
 *
 * @public
 */
export const ECR_REPOSITORY_ARN_ANNOTATION =
  'aws.amazon.com/aws-ecr-repository-arn';

/**
 * Kubernetes plugin: the id of the entity's workloads.
 *
 * @public
 */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

/**
 * Kubernetes plugin: the namespace of the entity's workloads.
 *
 * @public
 */
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';
