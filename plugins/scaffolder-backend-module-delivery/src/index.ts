/**
 * Scaffolder actions of the Slipway delivery road: `aws:ecr:repository:create`,
 * `argocd:application:create`, `jenkins:job:create`,
 * `sonarqube:project:create`, `gitlab:webhook:create`,
 * `gitlab:mergeRequest:ensure` and `slipway:catalog-info:merge`.
 *
 * @packageDocumentation
 */

export { scaffolderModuleDelivery as default } from './module';
export * from './actions';
