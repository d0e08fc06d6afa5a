import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { deliveryApiRef } from '../../api';

/** The entity's ref, stable across renders so requests are not repeated. */
export function useEntityRef() {
  const { entity } = useEntity();
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  return useMemo(() => ({ kind, namespace, name }), [kind, namespace, name]);
}

export function useDeliverySummary(enabled = true) {
  const api = useApi(deliveryApiRef);
  const entityRef = useEntityRef();
  return useAsyncRetry(
    async () => (enabled ? api.getSummary(entityRef) : undefined),
    [api, entityRef, enabled],
  );
}

export function useDeliveryRuns(limit: number, enabled = true) {
  const api = useApi(deliveryApiRef);
  const entityRef = useEntityRef();
  return useAsyncRetry(
    async () => (enabled ? api.getRuns(entityRef, { limit }) : undefined),
    [api, entityRef, limit, enabled],
  );
}

export function useDeliveryVulnerabilities(
  runId: string | undefined,
  enabled = true,
) {
  const api = useApi(deliveryApiRef);
  const entityRef = useEntityRef();
  return useAsyncRetry(
    async () =>
      enabled ? api.getVulnerabilities(entityRef, { runId }) : undefined,
    [api, entityRef, runId, enabled],
  );
}
