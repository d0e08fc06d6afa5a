import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TrivyCard } from './TrivyCard';
import { legacyBilling, paymentsApi } from '../../__fixtures__/entities';
import {
  summaryFor,
  summaryWithSourceErrors,
  summaryWithSuccessfulRun,
} from '../../__fixtures__/summary';
import { failedTrivyRun } from '../../__fixtures__/runs';
import { vulnerabilitiesResponse } from '../../__fixtures__/vulnerabilities';
import {
  mockDeliveryApi,
  pending,
  renderWithEntity,
} from '../../__testUtils__/renderWithEntity';

function findingIds() {
  const table = screen.getByRole('table');
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      within(row)
        .getAllByRole('cell')[0]
        .textContent?.replace(/, Opens.*$/, ''),
    );
}

describe('TrivyCard', () => {
  it('says which annotation to add when the entity has neither a Jenkins job nor an ECR repository', async () => {
    const api = mockDeliveryApi();
    await renderWithEntity(<TrivyCard />, { entity: legacyBilling, api });
    expect(
      screen.getByText('Add the annotation jenkins.io/job-full-name'),
    ).toBeInTheDocument();
    expect(api.getSummary).not.toHaveBeenCalled();
  });

  it('shows progress while loading', async () => {
    const api = mockDeliveryApi({ getSummary: jest.fn(() => pending()) });
    await renderWithEntity(<TrivyCard />, { entity: paymentsApi, api });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it("shows the backend's message when there is no report, and retries", async () => {
    const api = mockDeliveryApi({
      getSummary: jest
        .fn()
        .mockResolvedValueOnce(summaryWithSourceErrors)
        .mockResolvedValueOnce(summaryFor(failedTrivyRun)),
      getVulnerabilities: jest.fn().mockResolvedValue(vulnerabilitiesResponse),
    });
    await renderWithEntity(<TrivyCard />, { entity: paymentsApi, api });
    expect(
      await screen.findByText('Run 42 archived no trivy-report.json'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('CVE-2024-45337')).toBeInTheDocument();
  });

  it('shows a failed findings request with a retry', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryFor(failedTrivyRun)),
      getVulnerabilities: jest
        .fn()
        .mockRejectedValueOnce(
          new Error('The report of run 44 could not be read'),
        )
        .mockResolvedValueOnce(vulnerabilitiesResponse),
    });
    await renderWithEntity(<TrivyCard />, { entity: paymentsApi, api });
    expect(
      await screen.findByText('The report of run 44 could not be read'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('CVE-2024-45337')).toBeInTheDocument();
    expect(api.getVulnerabilities).toHaveBeenLastCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments-api' },
      { runId: '44' },
    );
  });

  it('says when the scan found nothing', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryFor(undefined)),
    });
    await renderWithEntity(<TrivyCard />, { entity: paymentsApi, api });
    expect(await screen.findByText('No vulnerabilities')).toBeInTheDocument();
    expect(api.getVulnerabilities).not.toHaveBeenCalled();
  });

  it('shows counts per severity with fixable counts, the image and its digest', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryFor(failedTrivyRun)),
      getVulnerabilities: jest.fn().mockResolvedValue(vulnerabilitiesResponse),
    });
    await renderWithEntity(<TrivyCard />, { entity: paymentsApi, api });
    const filters = within(
      await screen.findByRole('group', { name: 'Filter by severity' }),
    );
    expect(filters.getAllByRole('button').map(b => b.textContent)).toEqual([
      'CRITICAL 1 (1 fixable)',
      'HIGH 2 (1 fixable)',
      'MEDIUM 2 (1 fixable)',
      'LOW 1 (0 fixable)',
      'UNKNOWN 0 (0 fixable)',
    ]);
    expect(
      screen.getByText(
        /123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/payments-api:3f2c1ab/,
      ),
    ).toBeInTheDocument();
  });

  it('lists findings most severe first, with links and versions', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryFor(failedTrivyRun)),
      getVulnerabilities: jest.fn().mockResolvedValue(vulnerabilitiesResponse),
    });
    await renderWithEntity(<TrivyCard />, { entity: paymentsApi, api });
    await screen.findByText('CVE-2024-45337');
    expect(findingIds()).toEqual([
      'CVE-2024-45337',
      'CVE-2024-21538',
      'CVE-2024-6119',
      'CVE-2024-9143',
      'GHSA-3h5v-q93c-6h6q',
      'CVE-2024-13176',
    ]);
    expect(
      screen.getByRole('link', { name: /^CVE-2024-45337/ }),
    ).toHaveAttribute('href', 'https://avd.aquasec.com/nvd/cve-2024-45337');
    expect(screen.getByText('v0.26.0 → 0.31.0')).toBeInTheDocument();
    expect(screen.getByText('3.3.1-r3 → no fix yet')).toBeInTheDocument();
  });

  it('filters findings by severity', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryFor(failedTrivyRun)),
      getVulnerabilities: jest.fn().mockResolvedValue(vulnerabilitiesResponse),
    });
    await renderWithEntity(<TrivyCard />, { entity: paymentsApi, api });
    await screen.findByText('CVE-2024-45337');
    for (const severity of ['MEDIUM', 'LOW', 'UNKNOWN']) {
      await userEvent.click(
        screen.getByRole('button', { name: new RegExp(`^${severity} `) }),
      );
    }
    expect(findingIds()).toEqual([
      'CVE-2024-45337',
      'CVE-2024-21538',
      'CVE-2024-6119',
    ]);
    expect(screen.getByRole('button', { name: /^LOW / })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
  });

  it('sorts findings by another column on request', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryFor(failedTrivyRun)),
      getVulnerabilities: jest.fn().mockResolvedValue(vulnerabilitiesResponse),
    });
    await renderWithEntity(<TrivyCard />, { entity: paymentsApi, api });
    await screen.findByText('CVE-2024-45337');
    const sortByPackage = screen
      .getAllByRole('button', { name: 'Package' })
      .find(b => b.classList.contains('MuiTableSortLabel-root'))!;
    await userEvent.click(sortByPackage);
    const packages = within(screen.getByRole('table'))
      .getAllByRole('row')
      .slice(1)
      .map(row => within(row).getAllByRole('cell')[1].textContent);
    expect(packages).toEqual([...packages].sort());
    expect(packages[0]).toBe('cross-spawn');
  });

  it('keeps summary errors of other sources out of its way', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryWithSuccessfulRun),
      getVulnerabilities: jest.fn().mockResolvedValue(vulnerabilitiesResponse),
    });
    await renderWithEntity(<TrivyCard />, { entity: paymentsApi, api });
    expect(await screen.findByText('CVE-2024-45337')).toBeInTheDocument();
    expect(api.getVulnerabilities).toHaveBeenCalledWith(expect.anything(), {
      runId: '42',
    });
  });
});
