import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  entityDeliveryPipelineCard,
  entityJenkinsRunsCard,
  entityOnboardingCard,
  entitySonarQubeCard,
  entityTrivyCard,
} from './entityCards';
import { deliveryApiRef } from './api';
import { legacyBilling, paymentsApi } from './__fixtures__/entities';
import { summaryWithSuccessfulRun } from './__fixtures__/summary';
import { failedGateRun, successfulRun } from './__fixtures__/runs';
import { vulnerabilitiesResponse } from './__fixtures__/vulnerabilities';
import { mockDeliveryApi } from './__testUtils__/renderWithEntity';

const api = mockDeliveryApi({
  getSummary: jest.fn().mockResolvedValue(summaryWithSuccessfulRun),
  getRuns: jest.fn().mockResolvedValue({
    entityRef: 'component:default/payments-api',
    runs: [failedGateRun, successfulRun],
  }),
  getVulnerabilities: jest.fn().mockResolvedValue(vulnerabilitiesResponse),
});

async function renderExtension(element: JSX.Element) {
  return renderInTestApp(
    <TestApiProvider apis={[[deliveryApiRef, api]]}>
      <EntityProvider entity={paymentsApi}>{element}</EntityProvider>
    </TestApiProvider>,
  );
}

describe('entity cards', () => {
  const testers = {
    pipeline: () => createExtensionTester(entityDeliveryPipelineCard),
    sonarqube: () => createExtensionTester(entitySonarQubeCard),
    trivy: () => createExtensionTester(entityTrivyCard),
    'jenkins-runs': () => createExtensionTester(entityJenkinsRunsCard),
  };

  it.each([
    ['pipeline', /^Run #42/],
    ['sonarqube', 'Passed'],
    ['trivy', 'CVE-2024-9143'],
    ['jenkins-runs', /^#43/],
  ] as const)('renders the %s card lazily', async (name, text) => {
    await renderExtension(testers[name]().reactElement());
    expect(
      typeof text === 'string'
        ? await screen.findByText(text)
        : await screen.findByRole('link', { name: text }),
    ).toBeInTheDocument();
  });

  it('shows the cards only on entities with their annotations', () => {
    for (const tester of Object.values(testers)) {
      const filter = tester().get(EntityCardBlueprint.dataRefs.filterFunction);
      expect(filter?.(paymentsApi)).toBe(true);
      expect(filter?.(legacyBilling)).toBe(false);
    }
  });

  it('shows the onboarding card only on components without delivery annotations', async () => {
    const filter = createExtensionTester(entityOnboardingCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    expect(filter?.(legacyBilling)).toBe(true);
    expect(filter?.(paymentsApi)).toBe(false);
    expect(filter?.({ ...legacyBilling, kind: 'API' })).toBe(false);

    await renderInTestApp(
      <TestApiProvider apis={[[deliveryApiRef, api]]}>
        <EntityProvider entity={legacyBilling}>
          {createExtensionTester(entityOnboardingCard).reactElement()}
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText('Not on the road yet')).toBeInTheDocument();
  });

  it('puts the onboarding card at the top of the overview, under About', () => {
    const tester = createExtensionTester(entityOnboardingCard);
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('info');
    expect((entityOnboardingCard as { disabled?: boolean }).disabled).toBe(
      false,
    );
  });

  it('puts only the pipeline card on the overview by default', () => {
    const disabled = (extension: object) =>
      (extension as { disabled?: boolean }).disabled;
    expect(disabled(entityDeliveryPipelineCard)).toBe(false);
    for (const extension of [
      entitySonarQubeCard,
      entityTrivyCard,
      entityJenkinsRunsCard,
    ]) {
      expect(disabled(extension)).toBe(true);
    }
  });
});
