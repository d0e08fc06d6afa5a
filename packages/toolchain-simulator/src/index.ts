/**
 * Local stand-ins for GitLab, Jenkins, SonarQube, Argo CD and ECR that speak
 * the tools' real HTTP APIs. For development and tests only.
 *
 * @packageDocumentation
 */
export { startSimulator } from './startSimulator';
export type { RunningSimulator } from './startSimulator';
export { DEFAULT_CREDENTIALS, DEFAULT_PORTS } from './types';
export type { SimulatorCredentials, SimulatorOptions, ToolName } from './types';
export { SEED_COMPONENTS, SEED_WEBHOOK_TOKEN } from './seed/seed';
export { DEFAULT_TEMPLATES_PROJECT } from './seed/templates';
export type {
  TemplatesRepository,
  TemplatesRepositoryOptions,
} from './seed/templates';
export { STAGES } from './pipeline/PipelineRunner';
export {
  IMAGE_TAG_LENGTH,
  PIPELINE_BUMP_MARKER,
  PIPELINE_BUMP_TRAILER,
} from './pipeline/markers';
