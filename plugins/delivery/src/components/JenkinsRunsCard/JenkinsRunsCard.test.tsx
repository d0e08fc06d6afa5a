import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { JenkinsRunsCard } from './JenkinsRunsCard';
import { legacyBilling, paymentsApi } from '../../__fixtures__/entities';
import { failedGateRun, successfulRun } from '../../__fixtures__/runs';
import {
  mockDeliveryApi,
  pending,
  renderWithEntity,
} from '../../__testUtils__/renderWithEntity';

const runsResponse = {
  entityRef: 'component:default/payments-api',
  runs: [failedGateRun, successfulRun],
};

describe('JenkinsRunsCard', () => {
  it('says which annotation to add when the entity has no Jenkins job', async () => {
    const api = mockDeliveryApi();
    await renderWithEntity(<JenkinsRunsCard />, { entity: legacyBilling, api });
    expect(
      screen.getByText('Add the annotation jenkins.io/job-full-name'),
    ).toBeInTheDocument();
    expect(api.getRuns).not.toHaveBeenCalled();
  });

  it('shows progress while loading', async () => {
    const api = mockDeliveryApi({ getRuns: jest.fn(() => pending()) });
    await renderWithEntity(<JenkinsRunsCard />, { entity: paymentsApi, api });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows a failed request and retries it', async () => {
    const api = mockDeliveryApi({
      getRuns: jest
        .fn()
        .mockRejectedValueOnce(
          new Error('No Jenkins instance named "ci2" is configured'),
        )
        .mockResolvedValueOnce(runsResponse),
    });
    await renderWithEntity(<JenkinsRunsCard />, { entity: paymentsApi, api });
    expect(
      await screen.findByText('No Jenkins instance named "ci2" is configured'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('link', { name: /^#43/ }),
    ).toBeInTheDocument();
  });

  it('says when there are no runs yet', async () => {
    const api = mockDeliveryApi({
      getRuns: jest.fn().mockResolvedValue({
        entityRef: 'component:default/payments-api',
        runs: [],
      }),
    });
    await renderWithEntity(<JenkinsRunsCard />, { entity: paymentsApi, api });
    expect(await screen.findByText('No runs yet')).toBeInTheDocument();
  });

  it('lists recent runs with their result, branch, commit, timing and links', async () => {
    const api = mockDeliveryApi({
      getRuns: jest.fn().mockResolvedValue(runsResponse),
    });
    await renderWithEntity(<JenkinsRunsCard limit={5} />, {
      entity: paymentsApi,
      api,
    });
    expect(await screen.findByRole('link', { name: /^#43/ })).toHaveAttribute(
      'href',
      'https://jenkins.example.com/job/services/job/payments-api/job/main/43/',
    );
    expect(api.getRuns).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments-api' },
      { limit: 5 },
    );
    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1);
    const first = within(rows[0]);
    expect(first.getByText('Failed')).toBeInTheDocument();
    expect(first.getByText('main')).toBeInTheDocument();
    expect(first.getByRole('link', { name: /^7a8b9c0/ })).toBeInTheDocument();
    expect(first.getByText('2025-05-12 11:05 UTC')).toBeInTheDocument();
    expect(first.getByText('1m 1s')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Success')).toBeInTheDocument();
  });

  it('draws one bar segment per stage, coloured by status', async () => {
    const api = mockDeliveryApi({
      getRuns: jest.fn().mockResolvedValue(runsResponse),
    });
    await renderWithEntity(<JenkinsRunsCard />, { entity: paymentsApi, api });
    const bar = within(
      await screen.findByRole('list', { name: 'Stages of run #43' }),
    );
    const segments = bar.getAllByRole('listitem');
    expect(segments.map(s => s.getAttribute('data-status'))).toEqual([
      'success',
      'success',
      'success',
      'failed',
      'not-executed',
      'not-executed',
      'not-executed',
      'not-executed',
      'not-executed',
    ]);
    expect(segments[3]).toHaveAccessibleName(
      'Quality gate: Failed (8.5s)'.replace('8.5s', '9s'),
    );
    const fills = segments.map(
      s => getComputedStyle(s.firstElementChild!).backgroundColor,
    );
    expect(fills[3]).not.toEqual(fills[0]);
    expect(fills[4]).not.toEqual(fills[0]);
  });
});
