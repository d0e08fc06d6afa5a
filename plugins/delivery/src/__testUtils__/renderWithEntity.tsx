import { ReactElement } from 'react';
import { Entity } from '@backstage/catalog-model';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { DeliveryApi, deliveryApiRef } from '../api';

/** A DeliveryApi whose every method is a jest mock; tests say what each returns. */
export function mockDeliveryApi(overrides: Partial<DeliveryApi> = {}) {
  return {
    getSummary: jest.fn(),
    getRuns: jest.fn(),
    getVulnerabilities: jest.fn(),
    ...overrides,
  } as jest.Mocked<DeliveryApi>;
}

/** Renders a card on an entity page with the given delivery API. */
export function renderWithEntity(
  element: ReactElement,
  options: { entity: Entity; api: DeliveryApi },
) {
  return renderInTestApp(
    <TestApiProvider apis={[[deliveryApiRef, options.api]]}>
      <EntityProvider entity={options.entity}>{element}</EntityProvider>
    </TestApiProvider>,
  );
}

/** A promise that never settles: the card stays loading. */
export function pending<T>(): Promise<T> {
  return new Promise<T>(() => {});
}
