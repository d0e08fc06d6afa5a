/**
 * Slipway's delivery cards and the Delivery entity tab (new frontend system).
 * Apps on the legacy frontend system import from `@slipway/plugin-delivery/legacy`.
 *
 * @packageDocumentation
 */

import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { deliveryApi } from './apis';
import {
  entityDeliveryPipelineCard,
  entityJenkinsRunsCard,
  entityOnboardingCard,
  entitySonarQubeCard,
  entityTrivyCard,
} from './entityCards';
import { entityDeliveryContent } from './entityContent';

export { deliveryApiRef, DeliveryClient } from './api';
export type { DeliveryApi } from './api';

/**
 * The delivery plugin for the new frontend system.
 *
 * @public
 */
export default createFrontendPlugin({
  pluginId: 'delivery',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    deliveryApi,
    entityDeliveryPipelineCard,
    entitySonarQubeCard,
    entityTrivyCard,
    entityJenkinsRunsCard,
    entityOnboardingCard,
    entityDeliveryContent,
  ],
});
