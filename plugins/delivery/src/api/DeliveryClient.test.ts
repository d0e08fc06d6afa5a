import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { mockApis } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { DeliveryClient } from './DeliveryClient';
import { summaryWithSuccessfulRun } from '../__fixtures__/summary';
import { failedGateRun, successfulRun } from '../__fixtures__/runs';
import { vulnerabilitiesResponse } from '../__fixtures__/vulnerabilities';

const baseUrl = 'http://localhost:7007/api/delivery';
const entityRef = {
  kind: 'Component',
  namespace: 'default',
  name: 'payments-api',
};

describe('DeliveryClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new DeliveryClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: { fetch: (...args) => fetch(...args) },
  });

  it('reads the summary of an entity', async () => {
    server.use(
      http.get(
        `${baseUrl}/v1/entities/default/component/payments-api/summary`,
        () => HttpResponse.json(summaryWithSuccessfulRun),
      ),
    );
    await expect(client.getSummary(entityRef)).resolves.toEqual(
      summaryWithSuccessfulRun,
    );
  });

  it('asks for the number of runs it wants', async () => {
    let limit: string | null = null;
    server.use(
      http.get(
        `${baseUrl}/v1/entities/default/component/payments-api/runs`,
        ({ request }) => {
          limit = new URL(request.url).searchParams.get('limit');
          return HttpResponse.json({
            entityRef: 'component:default/payments-api',
            runs: [failedGateRun, successfulRun],
          });
        },
      ),
    );
    const response = await client.getRuns(entityRef, { limit: 5 });
    expect(limit).toBe('5');
    expect(response.runs.map(r => r.number)).toEqual([43, 42]);
  });

  it('asks for the findings of one run', async () => {
    let run: string | null = null;
    server.use(
      http.get(
        `${baseUrl}/v1/entities/default/component/payments-api/vulnerabilities`,
        ({ request }) => {
          run = new URL(request.url).searchParams.get('run');
          return HttpResponse.json(vulnerabilitiesResponse);
        },
      ),
    );
    const response = await client.getVulnerabilities(entityRef, {
      runId: '44',
    });
    expect(run).toBe('44');
    expect(response.report.findings).toHaveLength(6);
  });

  it('encodes each part of the entity reference', async () => {
    server.use(
      http.get(
        `${baseUrl}/v1/entities/team%20a/component/odd%2Fname/summary`,
        () => HttpResponse.json(summaryWithSuccessfulRun),
      ),
    );
    await expect(
      client.getSummary({
        kind: 'Component',
        namespace: 'team a',
        name: 'odd/name',
      }),
    ).resolves.toEqual(summaryWithSuccessfulRun);
  });

  it("surfaces the backend's error message when a call fails", async () => {
    server.use(
      http.get(
        `${baseUrl}/v1/entities/default/component/payments-api/summary`,
        () =>
          HttpResponse.json(
            {
              error: {
                name: 'NotFoundError',
                message: 'No entity named component:default/payments-api',
              },
              request: {
                method: 'GET',
                url: '/v1/entities/default/component/payments-api/summary',
              },
              response: { statusCode: 404 },
            },
            { status: 404, statusText: 'Not Found' },
          ),
      ),
    );
    const error = await client.getSummary(entityRef).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.cause.message).toBe(
      'No entity named component:default/payments-api',
    );
  });

  it('fails on a non-JSON error page too', async () => {
    server.use(
      http.get(
        `${baseUrl}/v1/entities/default/component/payments-api/runs`,
        () =>
          new HttpResponse('Bad gateway', {
            status: 502,
            statusText: 'Bad Gateway',
          }),
      ),
    );
    await expect(client.getRuns(entityRef)).rejects.toThrow(
      'Request failed with 502 Bad Gateway',
    );
  });
});
