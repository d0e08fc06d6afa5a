import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  isJenkinsAvailable,
  isNotOnTheRoad,
  isSonarQubeAvailable,
  isTrivyAvailable,
} from './components/common/annotations';

/**
 * The latest run end to end, on the entity overview of every entity with a
 * Jenkins job.
 *
 * @public
 */
export const entityDeliveryPipelineCard = EntityCardBlueprint.make({
  name: 'pipeline',
  params: {
    filter: isJenkinsAvailable,
    loader: () =>
      import('./components/DeliveryPipelineCard').then(m => (
        <m.DeliveryPipelineCard />
      )),
  },
});

/**
 * The SonarQube card; on the Delivery tab, and on the overview once enabled
 * in `app.extensions`.
 *
 * @public
 */
export const entitySonarQubeCard = EntityCardBlueprint.make({
  name: 'sonarqube',
  disabled: true,
  params: {
    filter: isSonarQubeAvailable,
    loader: () =>
      import('./components/SonarQubeCard').then(m => <m.SonarQubeCard />),
  },
});

/**
 * The Trivy card; on the Delivery tab, and on the overview once enabled.
 *
 * @public
 */
export const entityTrivyCard = EntityCardBlueprint.make({
  name: 'trivy',
  disabled: true,
  params: {
    filter: isTrivyAvailable,
    loader: () => import('./components/TrivyCard').then(m => <m.TrivyCard />),
  },
});

/**
 * The recent Jenkins runs; on the Delivery tab, and on the overview once enabled.
 *
 * @public
 */
export const entityJenkinsRunsCard = EntityCardBlueprint.make({
  name: 'jenkins-runs',
  disabled: true,
  params: {
    filter: isJenkinsAvailable,
    loader: () =>
      import('./components/JenkinsRunsCard').then(m => <m.JenkinsRunsCard />),
  },
});

/**
 * On the overview of every component without delivery annotations: the
 * service is not on the road yet, what is missing, and the onboarding
 * template with the entity filled in. An `info` card, so that it sits under
 * the About card at the top of the page; as a content card it would come
 * after every catalog card, below the fold.
 *
 * @public
 */
export const entityOnboardingCard = EntityCardBlueprint.make({
  name: 'onboarding',
  params: {
    type: 'info',
    filter: isNotOnTheRoad,
    loader: () =>
      import('./components/OnboardingCard').then(m => <m.OnboardingCard />),
  },
});
