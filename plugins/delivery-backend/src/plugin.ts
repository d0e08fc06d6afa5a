import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { deliveryClientsServiceRef } from '@slipway/plugin-delivery-node';
import { createRouter } from './router';
import { CoalescingCache } from './service/CoalescingCache';
import {
  createRedactor,
  readConfiguredSecrets,
  readDeliveryBackendConfig,
} from './service/config';
import { DeliveryService } from './service/DeliveryService';

/**
 * The delivery backend plugin: one read-only API for the whole road of a
 * service (Jenkins, SonarQube, Trivy, Argo CD, ECR), served under
 * `/api/delivery`.
 *
 * @public
 */
export const deliveryPlugin = createBackendPlugin({
  pluginId: 'delivery',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        cache: coreServices.cache,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        catalog: catalogServiceRef,
        clients: deliveryClientsServiceRef,
      },
      async init({
        config,
        logger,
        cache,
        httpAuth,
        httpRouter,
        catalog,
        clients,
      }) {
        const settings = readDeliveryBackendConfig(config);
        const delivery = new DeliveryService({
          clients,
          cache: new CoalescingCache(cache, settings.cacheTtlMs, logger),
          logger,
          redact: createRedactor(readConfiguredSecrets(config)),
          gitlabBaseUrl: settings.gitlabBaseUrl,
          summaryTtlMs: settings.summaryTtlMs,
        });
        httpRouter.use(await createRouter({ httpAuth, catalog, delivery }));
      },
    });
  },
});
