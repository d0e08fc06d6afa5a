import { createApiRef } from '@backstage/frontend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  DeliveryRunsResponse,
  DeliverySummaryResponse,
  DeliveryVulnerabilitiesResponse,
} from '@slipway/plugin-delivery-common';

/**
 * Reads what the `delivery` backend knows about an entity's road.
 *
 * @public
 */
export interface DeliveryApi {
  /** One result per source (Jenkins, SonarQube, Trivy, Argo CD, ECR). */
  getSummary(entityRef: CompoundEntityRef): Promise<DeliverySummaryResponse>;
  /** Recent runs, newest first, with their stages. */
  getRuns(
    entityRef: CompoundEntityRef,
    options?: { limit?: number },
  ): Promise<DeliveryRunsResponse>;
  /** The findings of one run's vulnerability report (the latest run when `runId` is absent). */
  getVulnerabilities(
    entityRef: CompoundEntityRef,
    options?: { runId?: string },
  ): Promise<DeliveryVulnerabilitiesResponse>;
}

/**
 * The {@link DeliveryApi}.
 *
 * @public
 */
export const deliveryApiRef = createApiRef<DeliveryApi>().with({
  id: 'plugin.delivery.service',
  pluginId: 'delivery',
});
