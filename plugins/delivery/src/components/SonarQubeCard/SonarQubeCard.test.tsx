import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SonarQubeCard } from './SonarQubeCard';
import { legacyBilling, paymentsApi } from '../../__fixtures__/entities';
import {
  summaryFor,
  summaryWithSourceErrors,
  summaryWithSuccessfulRun,
} from '../../__fixtures__/summary';
import { failedGateRun } from '../../__fixtures__/runs';
import {
  mockDeliveryApi,
  pending,
  renderWithEntity,
} from '../../__testUtils__/renderWithEntity';

describe('SonarQubeCard', () => {
  it('says which annotation to add when the entity has no SonarQube project', async () => {
    const api = mockDeliveryApi();
    await renderWithEntity(<SonarQubeCard />, { entity: legacyBilling, api });
    expect(
      screen.getByText('Add the annotation sonarqube.org/project-key'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', {
        name: 'Create a service from the template',
      }),
    ).toHaveAttribute('href', '/create/templates/default/microservice');
    expect(api.getSummary).not.toHaveBeenCalled();
  });

  it('shows progress while loading', async () => {
    const api = mockDeliveryApi({ getSummary: jest.fn(() => pending()) });
    await renderWithEntity(<SonarQubeCard />, { entity: paymentsApi, api });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows a failed request and retries it', async () => {
    const api = mockDeliveryApi({
      getSummary: jest
        .fn()
        .mockRejectedValueOnce(new Error('Failed to fetch'))
        .mockResolvedValueOnce(summaryWithSuccessfulRun),
    });
    await renderWithEntity(<SonarQubeCard />, { entity: paymentsApi, api });
    expect(await screen.findByText('Failed to fetch')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Passed')).toBeInTheDocument();
  });

  it("shows the backend's reason when SonarQube is not configured", async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryWithSourceErrors),
    });
    await renderWithEntity(<SonarQubeCard />, { entity: paymentsApi, api });
    expect(
      await screen.findByText(
        'No SonarQube instance named "sonar2" is configured; add it under sonarqube.instances',
      ),
    ).toBeInTheDocument();
  });

  it('shows the upstream error of SonarQube with a retry', async () => {
    const summary = {
      ...summaryWithSuccessfulRun,
      sonarqube: {
        status: 'error' as const,
        error: {
          name: 'UpstreamError',
          message: 'SonarQube answered 503 Service Unavailable',
        },
      },
    };
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summary),
    });
    await renderWithEntity(<SonarQubeCard />, { entity: paymentsApi, api });
    expect(
      await screen.findByText('SonarQube answered 503 Service Unavailable'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('says when the project has no analysis yet', async () => {
    const summary = {
      ...summaryWithSuccessfulRun,
      sonarqube: {
        status: 'ok' as const,
        data: {
          instance: 'default',
          projectKey: 'payments-api',
          status: 'NONE' as const,
          conditions: [],
        },
      },
    };
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summary),
    });
    await renderWithEntity(<SonarQubeCard />, { entity: paymentsApi, api });
    expect(await screen.findByText('No analysis yet')).toBeInTheDocument();
  });

  it('shows the gate, the measures, the ratings and the dashboard link', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryWithSuccessfulRun),
    });
    await renderWithEntity(<SonarQubeCard />, { entity: paymentsApi, api });
    expect(await screen.findByText('Passed')).toBeInTheDocument();
    expect(screen.getByLabelText('Coverage')).toHaveTextContent('87.2%');
    expect(screen.getByLabelText('Duplications')).toHaveTextContent('1.4%');
    expect(screen.getByLabelText('Vulnerabilities')).toHaveTextContent(
      '1 rating B',
    );
    expect(screen.getByLabelText('Security hotspots')).toHaveTextContent(
      '2 rating C',
    );
    expect(screen.getByLabelText('Code smells')).toHaveTextContent(
      '14 rating A',
    );
    expect(screen.getByLabelText('Bugs')).toHaveTextContent('0 rating A');
    expect(
      screen.getByRole('link', { name: /Open the SonarQube dashboard/ }),
    ).toHaveAttribute(
      'href',
      'https://sonarqube.example.com/dashboard?id=payments-api',
    );
    expect(
      screen.queryByRole('list', { name: 'Failed conditions' }),
    ).not.toBeInTheDocument();
  });

  it('lists the conditions that failed the gate', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryFor(failedGateRun)),
    });
    await renderWithEntity(<SonarQubeCard />, { entity: paymentsApi, api });
    expect(await screen.findByText('Failed')).toBeInTheDocument();
    const failed = within(
      screen.getByRole('list', { name: 'Failed conditions' }),
    );
    expect(failed.getAllByRole('listitem').map(li => li.textContent)).toEqual([
      'Coverage on new code: 61.5 (must be at least 80)',
    ]);
  });
});
