import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createDeliveryClients } from '@slipway/plugin-delivery-node';
import {
  createArgoCdApplicationCreateAction,
  createEcrRepositoryCreateAction,
  createGitLabMergeRequestEnsureAction,
  createGitLabWebhookCreateAction,
  createJenkinsJobCreateAction,
  createSonarQubeProjectCreateAction,
} from './actions';
import { createCatalogInfoMergeAction } from './actions/catalogInfoMerge';

/**
 * The scaffolder actions of the Slipway delivery road: ECR repository,
 * Argo CD application, Jenkins job, SonarQube project and GitLab webhook;
 * and, to onboard an existing service, the catalog-info.yaml merge and the
 * merge request that a second run updates instead of duplicating.
 *
 * @public
 */
export const scaffolderModuleDelivery = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'delivery',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, config }) {
        const integrations = ScmIntegrations.fromConfig(config);
        const clients = createDeliveryClients(config);

        scaffolder.addActions(
          createSonarQubeProjectCreateAction({
            sonarqube: clients.sonarqube,
            jenkins: clients.jenkins,
          }),
          createEcrRepositoryCreateAction({ ecr: clients.ecr }),
          createJenkinsJobCreateAction({
            jenkins: clients.jenkins,
            integrations,
          }),
          createGitLabWebhookCreateAction({ integrations }),
          createGitLabMergeRequestEnsureAction({ integrations }),
          createArgoCdApplicationCreateAction({ argocd: clients.argocd }),
          createCatalogInfoMergeAction(),
        );
      },
    });
  },
});
