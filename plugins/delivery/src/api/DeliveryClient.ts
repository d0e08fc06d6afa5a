import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DeliveryRunsResponse,
  DeliverySummaryResponse,
  DeliveryVulnerabilitiesResponse,
} from '@slipway/plugin-delivery-common';
import { DeliveryApi } from './DeliveryApi';

/**
 * The {@link DeliveryApi} over the backend's REST API at `/api/delivery`.
 *
 * @public
 */
export class DeliveryClient implements DeliveryApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getSummary(
    entityRef: CompoundEntityRef,
  ): Promise<DeliverySummaryResponse> {
    return this.get(entityRef, 'summary');
  }

  async getRuns(
    entityRef: CompoundEntityRef,
    options?: { limit?: number },
  ): Promise<DeliveryRunsResponse> {
    const query = new URLSearchParams();
    if (options?.limit !== undefined) {
      query.set('limit', String(options.limit));
    }
    return this.get(entityRef, 'runs', query);
  }

  async getVulnerabilities(
    entityRef: CompoundEntityRef,
    options?: { runId?: string },
  ): Promise<DeliveryVulnerabilitiesResponse> {
    const query = new URLSearchParams();
    if (options?.runId) {
      query.set('run', options.runId);
    }
    return this.get(entityRef, 'vulnerabilities', query);
  }

  private async get<T>(
    entityRef: CompoundEntityRef,
    resource: string,
    query?: URLSearchParams,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('delivery');
    const path = [entityRef.namespace, entityRef.kind, entityRef.name]
      .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
      .join('/');
    const search = query && query.size > 0 ? `?${query}` : '';
    const response = await this.fetchApi.fetch(
      `${baseUrl}/v1/entities/${path}/${resource}${search}`,
    );
    if (!response.ok) {
      // Carries the backend's serialized error, so its message reaches the card.
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
