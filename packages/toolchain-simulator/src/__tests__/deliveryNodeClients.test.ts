import { ConfigReader } from '@backstage/config';
import {
  ArgoCdClient,
  EcrClient,
  JenkinsClient,
  SonarQubeClient,
} from '@slipway/plugin-delivery-node';
import { RunningSimulator } from '../startSimulator';
import { startTestSimulator } from '../testUtils';

jest.setTimeout(60000);

/** The Slipway clients, configured as the portal configures them, against the seeded simulator. */
describe('@slipway/plugin-delivery-node clients against the simulator', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startTestSimulator({ seed: 'slipway' });
  });
  afterAll(() => sim.stop());

  it('JenkinsClient reads builds, stages and the Trivy report', async () => {
    const jenkins = new JenkinsClient({
      instance: {
        name: 'default',
        baseUrl: sim.urls.jenkins,
        username: sim.credentials.jenkins.username,
        apiKey: sim.credentials.jenkins.apiToken,
        timeoutMs: 5000,
      },
    });
    const builds: any = await jenkins.listBuilds(['services', 'payments-api'], {
      limit: 10,
    });
    expect(JSON.stringify(builds)).toContain('FAILURE');
    const stages: any = await jenkins.getRunStages(
      ['services', 'payments-api'],
      'lastBuild',
    );
    expect(JSON.stringify(stages)).toContain('Push to GitLab');
    const report: any = await jenkins.getTrivyReport(
      ['services', 'orders-service'],
      7,
    );
    expect(report).toBeDefined();
    await expect(
      new JenkinsClient({
        instance: {
          name: 'default',
          baseUrl: sim.urls.jenkins,
          username: 'admin',
          apiKey: 'wrong',
          timeoutMs: 5000,
        },
      }).listBuilds(['services', 'payments-api']),
    ).rejects.toThrow();
  });

  it('SonarQubeClient reads the gate and measures', async () => {
    const sonar = new SonarQubeClient({
      instance: {
        name: 'default',
        baseUrl: sim.urls.sonarqube,
        apiKey: sim.credentials.sonarqube.token,
        timeoutMs: 5000,
      },
    });
    const report: any = await sonar.getQualityReport('payments-api');
    expect(JSON.stringify(report)).toMatch(/OK|ERROR/);
    expect(await sonar.findProject('nope')).toBeUndefined();
  });

  it('ArgoCdClient logs in with username and password and lists by selector', async () => {
    const argo = new ArgoCdClient({
      instance: {
        name: 'default',
        url: sim.urls.argocd,
        username: 'admin',
        password: sim.credentials.argocd.password,
        timeoutMs: 5000,
      },
    });
    const apps: any[] = await argo.listApplications({
      selector: 'backstage-name=notifications-worker',
    });
    expect(apps).toHaveLength(1);
    expect(JSON.stringify(apps[0])).toContain('Degraded');
  });

  it('EcrClient finds the latest image and its scan findings through the endpoint override', async () => {
    const ecr = EcrClient.fromConfig(
      new ConfigReader({
        aws: {
          accounts: [
            {
              accountId: sim.credentials.aws.accountId,
              accessKeyId: sim.credentials.aws.accessKeyId,
              secretAccessKey: sim.credentials.aws.secretAccessKey,
            },
          ],
        },
        delivery: { ecr: { endpoint: sim.urls.ecr } },
      }),
    );
    const target = {
      region: 'eu-west-1',
      accountId: sim.credentials.aws.accountId,
      repositoryName: 'payments-api',
    };
    const latest: any = await ecr.describeLatestImage(target);
    expect(latest).toBeDefined();
    const tag = JSON.stringify(latest).match(/"([0-9a-f]{8})"/)?.[1];
    expect(tag).toBeDefined();
    const findings = await ecr.getImageScanFindings(target, { tag: tag! });
    expect(findings).toBeDefined();
  });
});
