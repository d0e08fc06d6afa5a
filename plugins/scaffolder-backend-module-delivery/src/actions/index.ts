export { createArgoCdApplicationCreateAction } from './argocdApplicationCreate';
export { createEcrRepositoryCreateAction } from './ecrRepositoryCreate';
export { createGitLabMergeRequestEnsureAction } from './gitlabMergeRequestEnsure';
export { createGitLabWebhookCreateAction } from './gitlabWebhookCreate';
export { createJenkinsJobCreateAction } from './jenkinsJobCreate';
export { createServicePreflightAction } from './servicePreflight';
export { createSonarQubeProjectCreateAction } from './sonarqubeProjectCreate';
