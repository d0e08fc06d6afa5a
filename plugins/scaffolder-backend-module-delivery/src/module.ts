import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createDeliveryClients } from '@slipway/plugin-delivery-node';
import {
  createArgoCdApplicationCreateAction,
  createEcrRepositoryCreateAction,
  createGitLabMergeRequestEnsureAction,
  createGitLabWebhookCreateAction,
  createJenkinsJobCreateAction,
  createServicePreflightAction,
  createSonarQubeProjectCreateAction,
} from './actions';
import { createCatalogInfoMergeAction } from './actions/catalogInfoMerge';

/**
 * The scaffolder actions of the Slipway delivery road: the preflight that
 * checks a new service's name is free, ECR repository,
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
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, catalog }) {
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
          createServicePreflightAction({ integrations, catalog }),
        );
      },
    });
  },
});
