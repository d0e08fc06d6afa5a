import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { DeliveryClients } from './clients';
import { deliveryClientsServiceRef } from './service';

describe('deliveryClientsServiceRef', () => {
  it('gives plugins the clients of the root config by default', async () => {
    let received: DeliveryClients | undefined;
    const consumer = createBackendPlugin({
      pluginId: 'consumer',
      register(env) {
        env.registerInit({
          deps: { clients: deliveryClientsServiceRef },
          async init({ clients }) {
            received = clients;
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        consumer,
        mockServices.rootConfig.factory({
          data: {
            jenkins: {
              baseUrl: 'https://jenkins.example.com',
              username: 'u',
              apiKey: 'k',
            },
          },
        }),
      ],
    });
    expect(received?.jenkins.get().instanceName).toBe('default');
    expect(received?.argocd.names()).toEqual([]);
    await backend.stop();
  });
});
