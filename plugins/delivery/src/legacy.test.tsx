import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  EntityDeliveryPipelineCard,
  deliveryApiRef,
  deliveryPlugin,
} from './legacy';
import { paymentsApi } from './__fixtures__/entities';
import { summaryFor } from './__fixtures__/summary';
import { failedGateRun } from './__fixtures__/runs';
import { mockDeliveryApi } from './__testUtils__/renderWithEntity';

describe('legacy exports', () => {
  it('is a legacy plugin with the delivery API', () => {
    expect(deliveryPlugin.getId()).toBe('delivery');
    expect([...deliveryPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.delivery.service',
    ]);
  });

  it('renders the pipeline card as a legacy component extension', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryFor(failedGateRun)),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[deliveryApiRef, api]]}>
        <EntityProvider entity={paymentsApi}>
          <EntityDeliveryPipelineCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Quality gate failed: new_coverage is 61.5',
    );
  });
});
