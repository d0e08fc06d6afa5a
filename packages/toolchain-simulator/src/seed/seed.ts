/*
 * Seed state: the example components (examples/entities.yaml) with three
 * weeks of history in every tool, produced by running the same pipeline in
 * virtual time: successful runs, one stopped by the quality gate
 * (payments-api), the latest one stopped by Trivy (orders-service) and a degraded
 * Argo CD application (notifications-worker).
 */
import { VirtualClock } from '../types';
import type { GitLabSimulator } from '../gitlab/GitLabSimulator';
import type { JenkinsSimulator } from '../jenkins/JenkinsSimulator';
import { pipelineConfigXml } from '../jenkins/JenkinsSimulator';
import type { SonarQubeSimulator } from '../sonarqube/SonarQubeSimulator';
import type { EcrSimulator } from '../ecr/EcrSimulator';
import type { ArgoCdSimulator } from '../argocd/ArgoCdSimulator';
import type { PipelineRunner } from '../pipeline/PipelineRunner';
import { Random } from '../random';
import { seedLegacyBilling } from './legacyBilling';

export interface SeedComponent {
  name: string;
  group: string;
  description: string;
  owner: string;
  author: { name: string; email: string; username: string };
  /** Steering per run index (0-based), applied in that run's commit. */
  events: Record<number, Record<string, string | null>>;
}

/** Secret the seeded GitLab hooks send and the seeded Jenkins jobs expect. */
export const SEED_WEBHOOK_TOKEN = 'slipway-simulator-webhook-token';

export const SEED_COMPONENTS: SeedComponent[] = [
  {
    name: 'payments-api',
    group: 'payments',
    description: 'Authorises and captures card payments',
    owner: 'team-payments',
    author: {
      name: 'Ada Lovelace',
      email: 'ada.lovelace@example.com',
      username: 'ada.lovelace',
    },
    events: { 5: { 'quality-gate': 'fail' }, 6: { 'quality-gate': null } },
  },
  {
    name: 'orders-service',
    group: 'orders',
    description: 'Records orders and their state',
    owner: 'team-orders',
    author: {
      name: 'Grace Hopper',
      email: 'grace.hopper@example.com',
      username: 'grace.hopper',
    },
    // Its latest run is stopped by Trivy, so a fresh portal shows a service
    // that is blocked, and why
    events: { 6: { trivy: 'critical' } },
  },
  {
    name: 'notifications-worker',
    group: 'orders',
    description: 'Sends order and payment e-mails from the event stream',
    owner: 'team-orders',
    author: {
      name: 'Grace Hopper',
      email: 'grace.hopper@example.com',
      username: 'grace.hopper',
    },
    events: { 6: { argocd: 'degraded' } },
  },
];

const RUNS = 7;
const DAY = 86400000;

const FEATURES = [
  'feat: add idempotency keys to POST requests',
  'fix: retry transient database errors',
  'chore(deps): bump express to 4.21.1',
  'feat: expose readiness and liveness probes',
  'refactor: extract the repository layer',
  'fix: handle empty pages in list endpoints',
  'feat: structured logging with request ids',
  'test: cover error paths of the handlers',
];

export async function seedTools(
  tools: {
    gitlab: GitLabSimulator;
    jenkins: JenkinsSimulator;
    sonarqube: SonarQubeSimulator;
    ecr: EcrSimulator;
    argocd: ArgoCdSimulator;
  },
  runner: PipelineRunner,
  options: { seed: string; now: number },
): Promise<void> {
  const { gitlab, jenkins, sonarqube, ecr, argocd } = tools;
  gitlab.addUser('jenkins', 'Jenkins', 'jenkins@slipway.example');
  const start = options.now - 21 * DAY;
  const clock = new VirtualClock(start);
  await seedLegacyBilling(gitlab, { now: options.now });

  for (const component of SEED_COMPONENTS) {
    const random = new Random(`${options.seed}:seed:${component.name}`);
    gitlab.addUser(
      component.author.username,
      component.author.name,
      component.author.email,
    );
    const group = gitlab.ensureGroup(component.group, start);
    const project = await gitlab.createProject({
      namespace: group,
      name: component.name,
      path: component.name,
      description: component.description,
      createdAt: start,
      topics: ['slipway'],
    });
    const full = gitlab.fullPath(project);
    gitlab.addHook(project, {
      url: `${jenkins.baseUrl}/project/services/${component.name}`,
      token: SEED_WEBHOOK_TOKEN,
      pushEvents: true,
      mergeRequestsEvents: true,
      createdAt: start,
    });
    jenkins.ensureJob(
      `services/${component.name}`,
      pipelineConfigXml({
        description: component.description,
        gitUrl: gitlab.gitUrl(project),
        branch: project.defaultBranch,
        secretToken: SEED_WEBHOOK_TOKEN,
      }),
    );
    const sonar = sonarqube.createProject(component.name, component.name, {
      createdAt: start,
    });
    sonar.qualityGate = 'Sonar way';
    sonarqube.webhooks.push({
      key: `AXseed${component.name.replace(/-/g, '')}`,
      name: 'Jenkins',
      url: `${jenkins.baseUrl}/sonarqube-webhook/`,
      project: component.name,
    });
    ecr.createRepository(component.name, {
      createdAt: start,
      imageTagMutability: 'IMMUTABLE',
      scanOnPush: true,
      tags: [
        { Key: 'backstage-name', Value: component.name },
        { Key: 'owner', Value: component.owner },
      ],
      lifecyclePolicyText: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: 'Keep the last 30 images',
            selection: {
              tagStatus: 'any',
              countType: 'imageCountMoreThan',
              countNumber: 30,
            },
            action: { type: 'expire' },
          },
        ],
      }),
    });

    // Initial commit: the service as the template generates it.
    clock.set(start + 3600000);
    await gitlab.repos.commitFiles(
      full,
      project.defaultBranch,
      async () =>
        skeletonFiles(
          component,
          ecr.repositoryUri(component.name),
          gitlab.gitUrl(project),
        ),
      {
        message: `Initial commit of ${component.name} from the Slipway template`,
        author: component.author,
        date: new Date(clock.now()),
      },
    );
    argocd.createApplication({
      name: component.name,
      labels: { 'backstage-name': component.name },
      createdAt: start + 2 * 3600000,
      spec: {
        project: 'default',
        source: {
          repoURL: gitlab.gitUrl(project),
          path: 'chart',
          targetRevision: project.defaultBranch,
          helm: { valueFiles: ['values.yaml', 'values-production.yaml'] },
        },
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: component.name,
        },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=true'],
        },
      },
    });

    const steering: Record<string, string> = {};
    for (let run = 0; run < RUNS; run++) {
      const at =
        start +
        DAY +
        run * 3 * DAY +
        random.int(9, 16) * 3600000 +
        random.int(0, 59) * 60000;
      clock.set(at);
      for (const [k, v] of Object.entries(component.events[run] ?? {})) {
        if (v === null) delete steering[k];
        else steering[k] = v;
      }
      const message = FEATURES[(run + random.int(0, 3)) % FEATURES.length];
      const snapshot = { ...steering };
      const commit = await gitlab.repos.commitFiles(
        full,
        project.defaultBranch,
        async read => {
          const changes: { path: string; content: string | null }[] = [];
          const changelog = (await read('CHANGELOG.md')) ?? '# Changelog\n';
          changes.push({
            path: 'CHANGELOG.md',
            content: `${changelog}\n- ${message}\n`,
          });
          for (const name of [
            'unit-tests',
            'quality-gate',
            'trivy',
            'argocd',
          ]) {
            const existing = await read(`.simulator/${name}`);
            const wanted = snapshot[name];
            if (wanted && existing?.trim() !== wanted)
              changes.push({
                path: `.simulator/${name}`,
                content: `${wanted}\n`,
              });
            if (!wanted && existing !== undefined)
              changes.push({ path: `.simulator/${name}`, content: null });
          }
          return changes;
        },
        { message, author: component.author, date: new Date(at) },
      );
      clock.set(at + random.int(1, 4) * 60000);
      const job = jenkins.find(`services/${component.name}`)!;
      const build = jenkins.newBuild(
        job,
        {
          _class: 'com.dabsquared.gitlabjenkins.cause.GitLabWebHookCause',
          shortDescription: `Started by GitLab push by ${component.author.name}`,
        },
        clock.now(),
      );
      await runner.run(
        job,
        build,
        {
          cause: build.causes[0],
          projectPath: full,
          sha: commit.sha,
          branch: project.defaultBranch,
        },
        clock,
        { announce: false },
      );
      if (build.result === 'SUCCESS') {
        const head = await gitlab.repos.resolve(
          full,
          `refs/heads/${project.defaultBranch}`,
        );
        await runner.deploy(component.name, head, { automated: true }, clock);
      }
    }
  }
}

function skeletonFiles(
  component: SeedComponent,
  imageRepository: string,
  gitUrl: string,
) {
  const n = component.name;
  const files: Record<string, string> = {
    'README.md': `# ${n}\n\n${component.description}.\n\nBuilt and deployed by the Slipway paved road.\n`,
    'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${n}
  description: ${component.description}
  annotations:
    gitlab.com/project-slug: ${component.group}/${n}
    jenkins.io/job-full-name: services/${n}
    sonarqube.org/project-key: ${n}
    argocd/app-selector: backstage-name=${n}
    aws.amazon.com/aws-ecr-repository-arn: arn:aws:ecr:eu-west-1:123456789012:repository/${n}
    backstage.io/kubernetes-id: ${n}
    backstage.io/kubernetes-namespace: ${n}
spec:
  type: service
  lifecycle: production
  owner: ${component.owner}
`,
    Jenkinsfile: `pipeline {
  agent any
  stages {
    stage('Checkout') { steps { checkout scm } }
    stage('Unit tests') { steps { sh 'npm ci && npm test' } }
    stage('SonarQube analysis') { steps { withSonarQubeEnv('sonarqube') { sh 'npx sonar-scanner' } } }
    stage('Quality gate') { steps { timeout(time: 10, unit: 'MINUTES') { waitForQualityGate abortPipeline: true } } }
    stage('Build image') { steps { sh 'docker build -t $IMAGE:$GIT_COMMIT_SHORT .' } }
    stage('Trivy scan') { steps { sh 'trivy image --format json --output trivy-report.json $IMAGE:$GIT_COMMIT_SHORT && trivy image --exit-code 1 --severity CRITICAL $IMAGE:$GIT_COMMIT_SHORT' } post { always { archiveArtifacts artifacts: 'trivy-report.json' } } }
    stage('Push to ECR') { when { branch 'main' } steps { sh 'docker push $IMAGE:$GIT_COMMIT_SHORT' } }
    stage('Update Helm values') { when { branch 'main' } steps { sh './scripts/bump-image-tag.sh $GIT_COMMIT_SHORT' } }
    stage('Push to GitLab') { when { branch 'main' } steps { sh './scripts/push-with-retry.sh' } }
  }
}
`,
    Dockerfile: `FROM node:22.11.0-alpine3.19 AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n\nFROM node:22.11.0-alpine3.19\nWORKDIR /app\nCOPY --from=build /app/dist ./dist\nUSER 10001\nCMD ["node", "dist/index.js"]\n`,
    'sonar-project.properties': `sonar.projectKey=${n}\nsonar.projectName=${n}\nsonar.sources=src\nsonar.tests=test\nsonar.javascript.lcov.reportPaths=coverage/lcov.info\n`,
    '.trivyignore': `# Accepted findings, each with an expiry\nCVE-2024-43796 exp:2099-12-31\n`,
    'chart/Chart.yaml': `apiVersion: v2\nname: ${n}\ndescription: ${component.description}\ntype: application\nversion: 0.1.0\nappVersion: "1.0.0"\n`,
    'chart/values.yaml': `replicaCount: 2\nimage:\n  repository: ${imageRepository}\n  tag: "latest"\n  pullPolicy: IfNotPresent\nservice:\n  port: 8080\n`,
    'chart/values-production.yaml': `# Production overrides; the pipeline bumps image.tag here.\nreplicaCount: 3\nimage:\n  tag: "initial" # set by the pipeline\n`,
    'CHANGELOG.md': '# Changelog\n',
    'scripts/bump-image-tag.sh': `#!/bin/sh\n# Sets image.tag in the values files; the commit is marked [pipeline-bump].\nset -eu\n`,
  };
  void gitUrl;
  return Object.entries(files).map(([path, content]) => ({ path, content }));
}
