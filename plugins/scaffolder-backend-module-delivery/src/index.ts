/**
 * Scaffolder actions of the Slipway delivery road: `aws:ecr:repository:create`,
 * `argocd:application:create`, `jenkins:job:create`,
 * `sonarqube:project:create`, `gitlab:webhook:create`,
 * `gitlab:mergeRequest:ensure`, `slipway:catalog-info:merge` and
 * `slipway:service:preflight`.
 *
 * @packageDocumentation
 */

export { scaffolderModuleDelivery as default } from './module';
export * from './actions';
