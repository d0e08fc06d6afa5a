/**
 * The delivery plugin for apps on the legacy frontend system.
 *
 * @packageDocumentation
 */

export {
  deliveryPlugin,
  deliveryPlugin as plugin,
  EntityDeliveryContent,
  EntityDeliveryPipelineCard,
  EntityJenkinsRunsCard,
  EntitySonarQubeCard,
  EntityTrivyCard,
} from './plugin';
export {
  isArgoCdAvailable,
  isJenkinsAvailable,
  isSonarQubeAvailable,
  isTrivyAvailable,
} from './components/common/annotations';
export { deliveryApiRef, DeliveryClient } from './api';
export type { DeliveryApi } from './api';
