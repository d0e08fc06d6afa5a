import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { DeliveryClient, deliveryApiRef } from './api';

/**
 * The delivery plugin for the legacy frontend system.
 *
 * @public
 */
export const deliveryPlugin = createPlugin({
  id: 'delivery',
  apis: [
    createApiFactory({
      api: deliveryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DeliveryClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/** @public */
export const EntityDeliveryPipelineCard = deliveryPlugin.provide(
  createComponentExtension({
    name: 'EntityDeliveryPipelineCard',
    component: {
      lazy: () =>
        import('./components/DeliveryPipelineCard').then(
          m => m.DeliveryPipelineCard,
        ),
    },
  }),
);

/** @public */
export const EntitySonarQubeCard = deliveryPlugin.provide(
  createComponentExtension({
    name: 'EntitySonarQubeCard',
    component: {
      lazy: () =>
        import('./components/SonarQubeCard').then(m => m.SonarQubeCard),
    },
  }),
);

/** @public */
export const EntityTrivyCard = deliveryPlugin.provide(
  createComponentExtension({
    name: 'EntityTrivyCard',
    component: {
      lazy: () => import('./components/TrivyCard').then(m => m.TrivyCard),
    },
  }),
);

/** @public */
export const EntityJenkinsRunsCard = deliveryPlugin.provide(
  createComponentExtension({
    name: 'EntityJenkinsRunsCard',
    component: {
      lazy: () =>
        import('./components/JenkinsRunsCard').then(m => m.JenkinsRunsCard),
    },
  }),
);

/** @public */
export const EntityDeliveryContent = deliveryPlugin.provide(
  createComponentExtension({
    name: 'EntityDeliveryContent',
    component: {
      lazy: () =>
        import('./components/DeliveryContent').then(m => m.DeliveryContent),
    },
  }),
);

/**
 * The onboarding invitation; show it where `isNotOnTheRoad` holds.
 *
 * @public
 */
export const EntityOnboardingCard = deliveryPlugin.provide(
  createComponentExtension({
    name: 'EntityOnboardingCard',
    component: {
      lazy: () =>
        import('./components/OnboardingCard').then(m => m.OnboardingCard),
    },
  }),
);
