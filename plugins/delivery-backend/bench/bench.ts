/*
 * The delivery backend benchmark (issue 7): `yarn bench` in this package.
 *
 * Starts a fake Jenkins, SonarQube, Argo CD and ECR on 127.0.0.1 that answers
 * every call after a fixed latency (100 ms by default, BENCH_LATENCY_MS), runs
 * the plugin in a test backend against it, and prints:
 *   - cold summary latency (target ≤ 1.3 × one upstream latency)
 *   - warm p50/p95 with 50 concurrent clients (target p95 ≤ 20 ms)
 *   - upstream calls for 100 concurrent identical cold requests (target: one
 *     per upstream call the summary needs)
 *   - bytes read from Jenkins for one summary of a job with 100 builds
 *     (target ≤ 20 KB)
 * Loopback only; every loop is bounded.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import http from 'node:http';
import os from 'node:os';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  ACCOUNT,
  AWS_ACCESS_KEY_ID,
  FakeTool,
  FakeToolchain,
  JENKINS_USER,
  REGION,
  SECRETS,
} from '../src/__fixtures__/fakeToolchain';
import { deliveryPlugin } from '../src/plugin';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);
const TOOLS: FakeTool[] = ['jenkins', 'sonarqube', 'argocd', 'ecr'];
const COLD_SAMPLES = 5;
const WARM_CLIENTS = 50;
const WARM_REQUESTS_PER_CLIENT = 40;
const SUMMARY =
  '/api/delivery/v1/entities/default/component/payments-api/summary';

async function main() {
  const upstream = await startUpstream();
  try {
    const cold: number[] = [];
    for (let i = 0; i < COLD_SAMPLES; i++) {
      const backend = await startBackend(upstream.baseUrls);
      const start = performance.now();
      await get(backend.url, SUMMARY);
      cold.push(performance.now() - start);
      await backend.stop();
    }

    const warmBackend = await startBackend(upstream.baseUrls);
    await get(warmBackend.url, SUMMARY);
    // The clients run on their own thread, so that they do not take the
    // backend's event loop; the machine's other core serves them.
    const sequential: number[] = [];
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      await get(warmBackend.url, SUMMARY);
      sequential.push(performance.now() - start);
    }
    const warm = await loadFromWorker(
      `${warmBackend.url}${SUMMARY}`,
      WARM_CLIENTS,
      WARM_REQUESTS_PER_CLIENT,
    );
    await warmBackend.stop();

    const fanBackend = await startBackend(upstream.baseUrls);
    upstream.fake.requests.length = 0;
    await Promise.all(
      Array.from({ length: 100 }, () => get(fanBackend.url, SUMMARY)),
    );
    const calls = upstream.fake.requests.map(
      r => `${r.tool} ${r.method} ${new URL(r.url).pathname}${r.target ?? ''}`,
    );
    const distinct = new Set(calls);
    const perTool = Object.fromEntries(
      TOOLS.map(t => [t, calls.filter(c => c.startsWith(`${t} `)).length]),
    );
    await fanBackend.stop();

    upstream.fake.builds = 100;
    upstream.fake.deployedBuild = 99;
    const bytesBackend = await startBackend(upstream.baseUrls);
    const before = upstream.fake.bytesServed.jenkins;
    await get(bytesBackend.url, SUMMARY);
    const jenkinsBytes = upstream.fake.bytesServed.jenkins - before;
    await bytesBackend.stop();

    const coldMedian = percentile(cold, 50);
    const warmP50 = percentile(warm, 50);
    const warmP95 = percentile(warm, 95);
    const lines = [
      `Delivery backend benchmark — upstream latency ${LATENCY_MS} ms per call, Node ${
        process.version
      }, ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map(l => l.toFixed(1))
        .join(' ')}`,
      `cold summary latency:    median ${fmt(
        coldMedian,
      )} ms of ${COLD_SAMPLES} (${cold.map(fmt).join(', ')}) = ${(
        coldMedian / LATENCY_MS
      ).toFixed(2)} × upstream latency (target ≤ 1.30)`,
      `warm summary, ${WARM_CLIENTS} clients: p50 ${fmt(warmP50)} ms, p95 ${fmt(
        warmP95,
      )} ms over ${warm.length} requests (target p95 ≤ 20 ms)`,
      `warm summary, 1 client:  p50 ${fmt(
        percentile(sequential, 50),
      )} ms, p95 ${fmt(percentile(sequential, 95))} ms over ${
        sequential.length
      } requests`,
      `100 concurrent identical cold requests: ${
        calls.length
      } upstream calls, ${distinct.size} distinct (${TOOLS.map(
        t => `${t} ${perTool[t]}`,
      ).join(', ')}); each distinct call made ${
        calls.length === distinct.size ? 'once' : 'more than once'
      }`,
      `bytes read from Jenkins for one summary of a job with 100 builds: ${jenkinsBytes} B (${(
        jenkinsBytes / 1024
      ).toFixed(1)} KB, target ≤ 20 KB)`,
    ];
    // eslint-disable-next-line no-console
    console.log(lines.join('\n'));
  } finally {
    await upstream.stop();
  }
}

/** The fake toolchain on one loopback port, each tool under its own path. */
async function startUpstream() {
  let baseUrl = '';
  // Filled in once the port is known; the fake keeps this same object.
  const baseUrls = {} as Record<FakeTool, string>;
  const fake = new FakeToolchain(baseUrls);
  fake.builds = 5;
  fake.deployedBuild = 4;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const tool = TOOLS.find(t => req.url?.startsWith(`/${t}`));
      setTimeout(() => {
        if (!tool) {
          res.writeHead(404).end();
          return;
        }
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [
            k,
            Array.isArray(v) ? v.join(', ') : v,
          ]),
        );
        const response = fake.handle(tool, {
          method: req.method ?? 'GET',
          url: `${baseUrl}${req.url}`,
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const last = fake.requests[fake.requests.length - 1] as any;
        last.target = headers['x-amz-target']
          ? ` ${headers['x-amz-target']}`
          : '';
        res.writeHead(response.status, response.headers).end(response.body);
      }, LATENCY_MS);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const tool of TOOLS) {
    baseUrls[tool] = `${baseUrl}/${tool}`;
  }
  return {
    fake: fake as FakeToolchain & {
      requests: Array<{
        tool: FakeTool;
        method: string;
        url: string;
        target?: string;
      }>;
    },
    baseUrls,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startBackend(baseUrls: Record<FakeTool, string>) {
  const backend = await startTestBackend({
    features: [
      deliveryPlugin,
      mockServices.rootConfig.factory({
        data: {
          jenkins: {
            baseUrl: baseUrls.jenkins,
            username: JENKINS_USER,
            apiKey: SECRETS.jenkinsApiKey,
          },
          sonarqube: {
            baseUrl: baseUrls.sonarqube,
            apiKey: SECRETS.sonarToken,
          },
          argocd: {
            appLocatorMethods: [
              {
                type: 'config',
                instances: [
                  {
                    name: 'main',
                    url: baseUrls.argocd,
                    token: SECRETS.argocdToken,
                  },
                ],
              },
            ],
          },
          aws: {
            accounts: [
              {
                accountId: ACCOUNT,
                accessKeyId: AWS_ACCESS_KEY_ID,
                secretAccessKey: SECRETS.awsSecretAccessKey,
              },
            ],
          },
          delivery: {
            ecr: { endpoint: baseUrls.ecr },
            timeouts: { default: 5000 },
            cache: { ttlSeconds: 30 },
          },
        },
      }),
      mockServices.rootLogger.factory({ level: 'error' }),
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'payments-api',
              namespace: 'default',
              annotations: {
                'jenkins.io/job-full-name': 'services/payments-api',
                'sonarqube.org/project-key': 'payments-api',
                'argocd/app-selector': 'backstage-name=payments-api',
                'aws.amazon.com/aws-ecr-repository-arn': `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/payments-api`,
              },
            },
            spec: {
              type: 'service',
              owner: 'payments',
              lifecycle: 'production',
            },
          },
        ],
      }),
    ],
  });
  const address = backend.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    stop: () => backend.stop(),
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });

function get(base: string, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { agent }, res => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200
          ? resolve()
          : reject(new Error(`GET ${path} answered ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
  });
}

/** Runs `clients` concurrent clients on a worker thread; returns latencies. */
function loadFromWorker(
  url: string,
  clients: number,
  perClient: number,
): Promise<number[]> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const http = require('node:http');
    const { performance } = require('node:perf_hooks');
    const agent = new http.Agent({ keepAlive: true, maxSockets: workerData.clients });
    const get = () => new Promise((resolve, reject) => {
      http.get(workerData.url, { agent }, res => {
        res.resume();
        res.on('end', () => res.statusCode === 200 ? resolve() : reject(new Error('HTTP ' + res.statusCode)));
      }).on('error', reject);
    });
    (async () => {
      const latencies = [];
      await Promise.all(Array.from({ length: workerData.clients }, async () => {
        for (let i = 0; i < workerData.perClient; i++) {
          const start = performance.now();
          await get();
          latencies.push(performance.now() - start);
        }
      }));
      parentPort.postMessage(latencies);
    })().catch(error => { throw error; });
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, {
      eval: true,
      workerData: { url, clients, perClient },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

function fmt(ms: number): string {
  return ms.toFixed(1);
}

main().then(
  () => process.exit(0),
  error => {
    // eslint-disable-next-line no-console
    console.error(error);
    process.exit(1);
  },
);
