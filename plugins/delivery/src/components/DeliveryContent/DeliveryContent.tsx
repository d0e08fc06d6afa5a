import Grid from '@material-ui/core/Grid';
import { InfoCard } from '@backstage/core-components';
import { useApiHolder } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  EntityArgoCDHistoryCard,
  EntityArgoCDOverviewCard,
  argoCDApiRef,
} from '@roadiehq/backstage-plugin-argo-cd';
import { ARGOCD_APP_SELECTOR_ANNOTATION } from '@slipway/plugin-delivery-common';
import { DeliveryPipelineCard } from '../DeliveryPipelineCard';
import { JenkinsRunsCard } from '../JenkinsRunsCard';
import { SonarQubeCard } from '../SonarQubeCard';
import { TrivyCard } from '../TrivyCard';
import { OnboardingCard } from '../OnboardingCard';
import {
  MissingAnnotationState,
  isArgoCdAvailable,
  isOnTheRoad,
} from '../common';

/**
 * The Delivery tab: where the latest change is and whether it is safe —
 * the pipeline, the runs, the code quality, the vulnerabilities and what
 * Argo CD deployed. A component with none of the annotations gets the
 * onboarding invitation instead.
 *
 * @public
 */
export function DeliveryContent() {
  const { entity } = useEntity();
  if (!isOnTheRoad(entity)) {
    // Every card would only say what is missing: invite to onboard instead.
    return (
      <Grid container spacing={3}>
        <Grid item xs={12} md={8}>
          <OnboardingCard />
        </Grid>
      </Grid>
    );
  }
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12}>
        <DeliveryPipelineCard />
      </Grid>
      <ArgoCdCards />
      <Grid item xs={12} md={6}>
        <SonarQubeCard />
      </Grid>
      <Grid item xs={12} md={6}>
        <TrivyCard />
      </Grid>
      <Grid item xs={12}>
        <JenkinsRunsCard />
      </Grid>
    </Grid>
  );
}

/** Roadie's Argo CD cards, when the entity names its applications and the app provides their API. */
function ArgoCdCards() {
  const { entity } = useEntity();
  const apis = useApiHolder();
  if (!isArgoCdAvailable(entity)) {
    return (
      <Grid item xs={12}>
        <InfoCard title="Deployments" subheader="Argo CD">
          <MissingAnnotationState
            annotation={ARGOCD_APP_SELECTOR_ANNOTATION}
            example={`backstage-name=${entity.metadata.name}`}
            what="the Argo CD applications that deploy the service"
          />
        </InfoCard>
      </Grid>
    );
  }
  if (!apis.get(argoCDApiRef)) {
    return (
      <Grid item xs={12}>
        <InfoCard title="Deployments" subheader="Argo CD">
          Add @roadiehq/backstage-plugin-argo-cd to the app to see the Argo CD
          applications here.
        </InfoCard>
      </Grid>
    );
  }
  return (
    <>
      <Grid item xs={12} md={6}>
        <EntityArgoCDOverviewCard />
      </Grid>
      <Grid item xs={12} md={6}>
        <EntityArgoCDHistoryCard />
      </Grid>
    </>
  );
}
