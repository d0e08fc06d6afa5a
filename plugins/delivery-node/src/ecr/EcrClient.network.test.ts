import { ConfigReader } from '@backstage/config';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { isUpstreamError } from '../errors';
import { ACCOUNT, REGION } from '../__fixtures__/ecr';
import { EcrClient } from './EcrClient';

// The SDK's own HTTP stack, with the network mocked underneath it: what a
// dropped connection really looks like to the client.
const ENDPOINT = 'http://ecr.test:4566';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const target = {
  region: REGION,
  accountId: ACCOUNT,
  repositoryName: 'payments-api',
};

describe('EcrClient over the network', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const client = EcrClient.fromConfig(
    new ConfigReader({
      aws: {
        accounts: [
          {
            accountId: ACCOUNT,
            accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
            secretAccessKey: SECRET_KEY,
          },
        ],
      },
      delivery: { ecr: { endpoint: ENDPOINT }, timeouts: { ecr: 2000 } },
    }),
  );

  it('reports a dropped connection as unavailable, not as an unexpected answer', async () => {
    server.use(http.post(`${ENDPOINT}/`, () => HttpResponse.error()));
    const error = await client.describeLatestImage(target).catch(e => e);
    expect(isUpstreamError(error, 'unavailable')).toBe(true);
    expect(error.message).toBe(
      `ECR instance "${ACCOUNT}/${REGION}": ECR is unavailable for the images of "payments-api" (connection lost); try again later or check delivery.ecr.endpoint`,
    );
    expect(error.message).not.toContain(SECRET_KEY);
  });

  it('reads the newest tagged image from a real DescribeImages answer', async () => {
    server.use(
      http.post(`${ENDPOINT}/`, async ({ request }) => {
        expect(request.headers.get('x-amz-target')).toBe(
          'AmazonEC2ContainerRegistry_V20150921.DescribeImages',
        );
        expect(await request.json()).toEqual({
          repositoryName: 'payments-api',
          registryId: ACCOUNT,
          filter: { tagStatus: 'TAGGED' },
          maxResults: 1000,
        });
        // AWS JSON 1.1: timestamps are epoch seconds.
        return HttpResponse.json(
          {
            imageDetails: [
              {
                registryId: ACCOUNT,
                repositoryName: 'payments-api',
                imageDigest: 'sha256:aa11',
                imageTags: ['0c9d8e7f'],
                imagePushedAt: 1717858931,
              },
              {
                registryId: ACCOUNT,
                repositoryName: 'payments-api',
                imageDigest: 'sha256:bb22',
                imageTags: ['3f2c1ab9'],
                imagePushedAt: 1718011022,
                imageScanStatus: { status: 'COMPLETE' },
                imageScanFindingsSummary: {
                  imageScanCompletedAt: 1718011060,
                  findingSeverityCounts: { HIGH: 1, MEDIUM: 1 },
                },
              },
            ],
          },
          { headers: { 'Content-Type': 'application/x-amz-json-1.1' } },
        );
      }),
    );
    expect(await client.describeLatestImage(target)).toEqual({
      digest: 'sha256:bb22',
      tags: ['3f2c1ab9'],
      pushedAt: '2024-06-10T09:17:02.000Z',
      scanStatus: 'COMPLETE',
      findingSeverityCounts: { HIGH: 1, MEDIUM: 1 },
      scanCompletedAt: '2024-06-10T09:17:40.000Z',
    });
  });
});
