import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { createDeliveryClients, DeliveryClients } from './clients';

/**
 * The delivery clients as a backend service: config is read once per
 * backend, and tests can replace the factory.
 *
 * @public
 */
export const deliveryClientsServiceRef = createServiceRef<DeliveryClients>({
  id: 'slipway.delivery.clients',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { config: coreServices.rootConfig },
      factory: ({ config }) => createDeliveryClients(config),
    }),
});
