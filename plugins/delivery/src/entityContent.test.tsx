import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { entityDeliveryContent } from './entityContent';
import { deliveryApiRef } from './api';
import { legacyBilling, paymentsApi } from './__fixtures__/entities';
import { summaryWithSuccessfulRun } from './__fixtures__/summary';
import { failedGateRun, successfulRun } from './__fixtures__/runs';
import { vulnerabilitiesResponse } from './__fixtures__/vulnerabilities';
import { mockDeliveryApi } from './__testUtils__/renderWithEntity';
import { Entity } from '@backstage/catalog-model';

function render(entity: Entity) {
  const api = mockDeliveryApi({
    getSummary: jest.fn().mockResolvedValue(summaryWithSuccessfulRun),
    getRuns: jest.fn().mockResolvedValue({
      entityRef: 'component:default/payments-api',
      runs: [failedGateRun, successfulRun],
    }),
    getVulnerabilities: jest.fn().mockResolvedValue(vulnerabilitiesResponse),
  });
  return renderInTestApp(
    <TestApiProvider apis={[[deliveryApiRef, api]]}>
      <EntityProvider entity={entity}>
        {createExtensionTester(entityDeliveryContent).reactElement()}
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('Delivery entity content', () => {
  it('is the Delivery tab of every component', () => {
    const tester = createExtensionTester(entityDeliveryContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('delivery');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Delivery');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(paymentsApi)).toBe(true);
    expect(filter?.(legacyBilling)).toBe(true);
    expect(
      filter?.({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'System',
        metadata: { name: 'payments' },
        spec: { owner: 'group:default/payments' },
      }),
    ).toBe(false);
    expect(
      tester.get(EntityContentBlueprint.dataRefs.filterExpression),
    ).toBeUndefined();
  });

  it('composes the pipeline, runs, quality and vulnerability cards', async () => {
    await render(paymentsApi);
    expect(await screen.findByText('Delivery pipeline')).toBeInTheDocument();
    expect(screen.getByText('Recent runs')).toBeInTheDocument();
    expect(screen.getByText('Code quality')).toBeInTheDocument();
    expect(screen.getByText('Vulnerabilities')).toBeInTheDocument();
    expect(
      await screen.findByText('CVE-2024-9143', undefined, { timeout: 5000 }),
    ).toBeInTheDocument();
    // Roadie's Argo CD API is not in this test app: the tab says what to install.
    expect(
      screen.getByText(/Add @roadiehq\/backstage-plugin-argo-cd to the app/),
    ).toBeInTheDocument();
  });

  it('invites a component without delivery annotations to onboard instead of showing empty cards', async () => {
    await render(legacyBilling);
    expect(await screen.findByText('Not on the road yet')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Put it on the road' }),
    ).toHaveAttribute(
      'href',
      expect.stringContaining(
        '/create/templates/default/onboard-service?formData=',
      ),
    );
    expect(screen.queryByText('Delivery pipeline')).toBeNull();
    expect(screen.queryByText(/^Add the annotation /)).toBeNull();
  });

  it('keeps the per-card missing states for a component that is partly on the road', async () => {
    await render({
      ...legacyBilling,
      metadata: {
        ...legacyBilling.metadata,
        annotations: { 'sonarqube.org/project-key': 'legacy-billing' },
      },
    });
    expect(
      await screen.findAllByText('Add the annotation jenkins.io/job-full-name'),
    ).toHaveLength(3);
    expect(
      screen.getByText('Add the annotation argocd/app-selector'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Not on the road yet')).toBeNull();
  });
});
