export { DeliveryContent } from './DeliveryContent';
export { DeliveryPipelineCard } from './DeliveryPipelineCard';
export { JenkinsRunsCard } from './JenkinsRunsCard';
export { SonarQubeCard } from './SonarQubeCard';
export { TrivyCard } from './TrivyCard';
export {
  isArgoCdAvailable,
  isJenkinsAvailable,
  isSonarQubeAvailable,
  isTrivyAvailable,
} from './common';
