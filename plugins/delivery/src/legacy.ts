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
  EntityOnboardingCard,
  EntitySonarQubeCard,
  EntityTrivyCard,
} from './plugin';
export {
  isArgoCdAvailable,
  isJenkinsAvailable,
  isNotOnTheRoad,
  isOnTheRoad,
  isSonarQubeAvailable,
  isTrivyAvailable,
} from './components/common/annotations';
export { deliveryApiRef, DeliveryClient } from './api';
export type { DeliveryApi } from './api';
