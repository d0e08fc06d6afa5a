import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { DeliveryPipelineCard } from './DeliveryPipelineCard';
import { legacyBilling, paymentsApi } from '../../__fixtures__/entities';
import {
  summaryFor,
  summaryWithSourceErrors,
  summaryWithSuccessfulRun,
} from '../../__fixtures__/summary';
import { failedGateRun, failedTrivyRun } from '../../__fixtures__/runs';
import {
  mockDeliveryApi,
  pending,
  renderWithEntity,
} from '../../__testUtils__/renderWithEntity';

describe('DeliveryPipelineCard', () => {
  it('says which annotation to add when the entity has no Jenkins job', async () => {
    const api = mockDeliveryApi();
    await renderWithEntity(<DeliveryPipelineCard />, {
      entity: legacyBilling,
      api,
    });
    expect(
      screen.getByText('Add the annotation jenkins.io/job-full-name'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', {
        name: 'Create a service from the template',
      }),
    ).toHaveAttribute('href', '/create/templates/default/microservice');
    expect(api.getSummary).not.toHaveBeenCalled();
  });

  it('shows progress while the summary loads', async () => {
    const api = mockDeliveryApi({ getSummary: jest.fn(() => pending()) });
    await renderWithEntity(<DeliveryPipelineCard />, {
      entity: paymentsApi,
      api,
    });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it("shows the backend's message and retries on request", async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'NotFoundError',
          message: 'No entity named component:default/payments-api',
        },
        request: { method: 'GET', url: '/summary' },
        response: { statusCode: 404 },
      }),
      {
        status: 404,
        statusText: 'Not Found',
        headers: { 'content-type': 'application/json' },
      },
    );
    const api = mockDeliveryApi({
      getSummary: jest
        .fn()
        .mockRejectedValueOnce(await ResponseError.fromResponse(response))
        .mockResolvedValueOnce(summaryWithSuccessfulRun),
    });
    await renderWithEntity(<DeliveryPipelineCard />, {
      entity: paymentsApi,
      api,
    });
    expect(
      await screen.findByText(
        'No entity named component:default/payments-api (HTTP 404)',
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('link', { name: /^Run #42/ }),
    ).toBeInTheDocument();
  });

  it('shows the Jenkins error when only Jenkins is down', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryWithSourceErrors),
    });
    await renderWithEntity(<DeliveryPipelineCard />, {
      entity: paymentsApi,
      api,
    });
    expect(
      await screen.findByText(
        'Jenkins instance "default" did not answer within 10 seconds',
      ),
    ).toBeInTheDocument();
  });

  it('says there are no runs yet for a new job', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryFor(undefined)),
    });
    await renderWithEntity(<DeliveryPipelineCard />, {
      entity: paymentsApi,
      api,
    });
    expect(await screen.findByText('No runs yet')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /^services\/payments-api/ }),
    ).toBeInTheDocument();
  });

  it('shows every stage in order, then Argo CD, the commit, the image and the chips', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryWithSuccessfulRun),
    });
    await renderWithEntity(<DeliveryPipelineCard />, {
      entity: paymentsApi,
      api,
    });
    const stages = within(await screen.findByRole('list', { name: 'Stages' }));
    expect(
      stages
        .getAllByRole('listitem')
        .map(item => item.getAttribute('aria-label')),
    ).toEqual([
      'Checkout: Success',
      'Unit tests: Success',
      'SonarQube analysis: Success',
      'Quality gate: Success',
      'Build image: Success',
      'Trivy scan: Success',
      'Push to ECR: Success',
      'Update Helm values: Success',
      'Push to GitLab: Success',
      'Sync: Success',
      'Healthy: Success',
    ]);
    expect(screen.getByRole('link', { name: /^3f2c1ab/ })).toHaveAttribute(
      'href',
      expect.stringContaining('/-/commit/3f2c1ab9d0e4'),
    );
    expect(
      screen.getByText(/by Ada Lovelace: Capture payments in two steps/),
    ).toBeInTheDocument();
    expect(screen.getByText('Image 3f2c1ab').closest('a')).toHaveAttribute(
      'href',
      expect.stringContaining('console.aws.amazon.com/ecr'),
    );
    expect(screen.getByText('Quality gate passed')).toBeInTheDocument();
    expect(
      screen.getByText('Vulnerabilities: 0 critical, 0 high, 2 medium, 1 low'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('says in one line which gate conditions failed', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryFor(failedGateRun)),
    });
    await renderWithEntity(<DeliveryPipelineCard />, {
      entity: paymentsApi,
      api,
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Quality gate failed: new_coverage is 61.5 (must be at least 80).',
    );
    const stages = within(screen.getByRole('list', { name: 'Stages' }));
    expect(stages.getByLabelText('Quality gate: Failed')).toBeInTheDocument();
    expect(stages.getByLabelText('Build image: Not run')).toBeInTheDocument();
    expect(stages.getByLabelText('Sync: Not run')).toBeInTheDocument();
  });

  it('says how many blocking findings failed the Trivy gate', async () => {
    const api = mockDeliveryApi({
      getSummary: jest.fn().mockResolvedValue(summaryFor(failedTrivyRun)),
    });
    await renderWithEntity(<DeliveryPipelineCard />, {
      entity: paymentsApi,
      api,
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Trivy scan failed: 3 blocking findings (1 critical, 2 high).',
    );
  });
});
