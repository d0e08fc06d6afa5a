/**
 * Scaffolder actions of the Slipway delivery road: `aws:ecr:repository:create`,
 * `argocd:application:create`, `jenkins:job:create`,
 * `sonarqube:project:create` and `gitlab:webhook:create`.
 *
 * @packageDocumentation
 */

export { scaffolderModuleDelivery as default } from './module';
export * from './actions';
