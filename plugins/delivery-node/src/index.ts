/**
 * Typed clients for Jenkins, SonarQube, Argo CD and ECR, the Trivy report
 * model and the instance config readers of the Slipway delivery plugins.
 *
 * @packageDocumentation
 */

export * from './argocd/ArgoCdClient';
export * from './clients';
export {
  readArgoCdInstances,
  readEcrConfig,
  readJenkinsInstances,
  readSonarQubeInstances,
  readTimeoutMs,
} from './config/readers';
export type {
  ArgoCdInstanceConfig,
  EcrConfig,
  JenkinsInstanceConfig,
  SonarQubeInstanceConfig,
} from './config/readers';
export * from './ecr/EcrClient';
export * from './errors';
export * from './jenkins/JenkinsClient';
export * from './service';
export * from './sonarqube/SonarQubeClient';
export { parseTrivyReport, toSeverity } from './trivy/parseTrivyReport';
export type { TrivyReport, TrivyTarget } from './trivy/parseTrivyReport';
