import fs from 'node:fs/promises';
import path from 'node:path';
import { type Entity } from '@backstage/catalog-model';
import { setupServer } from 'msw/node';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { skeletonDir } from '../microservice/paths';
import {
  deliveryValues,
  dryRunOnboardTemplate,
  repositoryFiles,
} from './dryRun';
import { gitlabServingRepository } from './gitlabArchive';
import { fixtureRepositories } from './paths';

const API = 'https://gitlab.example.com/api/v4';

/** The catalog's copy of an entity, with what the catalog adds to it. */
async function catalogEntity(repository: string): Promise<Entity> {
  const file = await fs.readFile(
    path.join(fixtureRepositories, repository, 'catalog-info.yaml'),
    'utf8',
  );
  const entity = parseYaml(file) as Entity;
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      namespace: 'default',
      uid: `uid-${repository}`,
      annotations: {
        ...entity.metadata.annotations,
        'backstage.io/managed-by-location': `url:https://gitlab.example.com/x/${repository}/-/blob/main/catalog-info.yaml`,
      },
    },
  };
}

/** The delivery files as the skeleton has them, without templating. */
const UNTEMPLATED = [
  'chart/templates/deployment.yaml',
  'chart/templates/_helpers.tpl',
  'scripts/bump-image-tag.sh',
];

describe('onboard-service, dry run through the real scaffolder', () => {
  const server = setupServer();
  beforeAll(() =>
    server.listen({
      // The test talks to the scaffolder on localhost; anything else that
      // leaves the process is a request nobody answers here.
      onUnhandledRequest(request, print) {
        if (new URL(request.url).hostname !== '127.0.0.1') print.error();
      },
    }),
  );
  afterAll(() => server.close());

  describe('a repository with its own catalog-info.yaml and no Dockerfile', () => {
    let files: Map<string, string>;
    let result: Awaited<ReturnType<typeof dryRunOnboardTemplate>>;
    let gitlabRequests: string[];

    beforeAll(async () => {
      const gitlab = await gitlabServingRepository({
        apiBaseUrl: API,
        projectPath: 'billing/legacy-billing',
        directory: path.join(fixtureRepositories, 'legacy-billing'),
      });
      gitlabRequests = gitlab.requests;
      server.use(...gitlab.handlers);
      result = await dryRunOnboardTemplate({
        entities: [await catalogEntity('legacy-billing')],
        values: {
          entity: 'component:default/legacy-billing',
          repoUrl: 'gitlab.example.com?owner=billing&repo=legacy-billing',
          ...deliveryValues,
        },
      });
      files = repositoryFiles(result.files);
    }, 60_000);

    it('reads the repository from GitLab with the real fetch:plain', () => {
      expect(gitlabRequests).toEqual([
        '/api/v4/projects/billing%2Flegacy-billing',
        '/api/v4/projects/billing%2Flegacy-billing/repository/commits',
        '/api/v4/projects/billing%2Flegacy-billing/repository/archive',
      ]);
    });

    it('keeps every link, tag, comment and annotation of catalog-info.yaml and adds the delivery annotations', () => {
      const text = files.get('catalog-info.yaml')!;
      expect(text).toContain("# The billing team's own entry");
      expect(text).toContain('# the on-call rota');
      const [entity] = parseAllDocuments(text).map(d => d.toJS());
      expect(entity.metadata.tags).toEqual(['java', 'billing']);
      expect(entity.metadata.links).toEqual([
        {
          url: 'https://wiki.example.com/billing/runbook',
          title: 'Runbook',
          icon: 'docs',
        },
      ]);
      expect(entity.metadata.annotations).toEqual({
        'pagerduty.com/service-id': 'PBILL01',
        'backstage.io/techdocs-ref': 'dir:.',
        'gitlab.com/project-slug': 'billing/legacy-billing',
        'jenkins.io/job-full-name': 'services/legacy-billing',
        'sonarqube.org/project-key': 'legacy-billing',
        'argocd/app-selector': 'backstage-name=legacy-billing',
        'aws.amazon.com/aws-ecr-repository-arn':
          'arn:aws:ecr:eu-west-1:123456789012:repository/legacy-billing',
        'backstage.io/kubernetes-id': 'legacy-billing',
        'backstage.io/kubernetes-namespace': 'legacy-billing',
      });
      expect(entity.spec).toEqual({
        type: 'service',
        lifecycle: 'production',
        owner: 'team-payments',
        system: 'commerce',
      });
    });

    it('adds the delivery files of the microservice skeleton, rendered for the service', () => {
      expect(files.get('Jenkinsfile')).toContain(
        "SERVICE_NAME = 'legacy-billing'",
      );
      expect(files.get('Jenkinsfile')).toContain(
        "VALUES_FILE = 'chart/values-staging.yaml'",
      );
      expect(files.get('sonar-project.properties')).toContain(
        'sonar.projectKey=legacy-billing',
      );
      expect(parseYaml(files.get('chart/Chart.yaml')!).name).toBe(
        'legacy-billing',
      );
      expect(parseYaml(files.get('chart/values.yaml')!).image.repository).toBe(
        '123456789012.dkr.ecr.eu-west-1.amazonaws.com/legacy-billing',
      );
      expect(files.has('chart/values-staging.yaml')).toBe(true);
      expect(files.has('.trivyignore')).toBe(true);
    });

    it('copies Helm templates and the bump script byte for byte from the skeleton', async () => {
      for (const file of UNTEMPLATED) {
        expect(files.get(file)).toBe(
          await fs.readFile(path.join(skeletonDir, file), 'utf8'),
        );
      }
    });

    it('adds a Dockerfile that builds with the given command and runs on the given port, because the repository has none', () => {
      const dockerfile = files.get('Dockerfile')!;
      expect(dockerfile).not.toBe(undefined);
      // Not the skeleton's Node.js one: this service is built with Maven.
      expect(dockerfile).not.toContain('npm');
      const instructions = dockerfile
        .split('\n')
        .filter(line => line && !line.startsWith('#'));
      expect(instructions).toEqual([
        'ARG BUILD_IMAGE=maven:3.9.9-eclipse-temurin-21-alpine',
        'ARG RUNTIME_IMAGE=eclipse-temurin:21.0.5_11-jre-alpine',
        'FROM ${BUILD_IMAGE} AS build',
        'WORKDIR /src',
        'COPY . .',
        'RUN mvn -B package -DskipTests',
        'FROM ${RUNTIME_IMAGE} AS runtime',
        'WORKDIR /app',
        'COPY --from=build --chown=root:root /src/target/legacy-billing.jar ./target/legacy-billing.jar',
        'ENV PORT=8081',
        'USER 1000:1000',
        'EXPOSE 8081',
        'CMD exec java -jar target/legacy-billing.jar',
      ]);
    });

    it('sets the chart to the port, in a values file Argo CD reads before the environment one', () => {
      expect(parseYaml(files.get('chart/values-service.yaml')!)).toEqual({
        containerPort: 8081,
      });
      const argocd = result.template.spec.steps.find(
        (s: { id: string }) => s.id === 'argocd',
      );
      expect(argocd.input.valueFiles).toEqual([
        'values-service.yaml',
        'values-${{ parameters.environment }}.yaml',
      ]);
      // The skeleton's defaults stay as they are underneath.
      expect(parseYaml(files.get('chart/values.yaml')!).containerPort).toBe(
        8080,
      );
    });

    it('tells the reviewers what the Dockerfile does and what to adapt for a service that is not Node.js', () => {
      const step = result.template.spec.steps.find(
        (s: { id: string }) => s.id === 'merge-request',
      );
      expect(step.input.description).toContain(
        'change that stage to its own test command before merging',
      );
      const rendered = result.log.find(line =>
        line.includes('Running gitlab:mergeRequest:ensure in dry-run mode'),
      )!;
      expect(rendered).toContain(
        'builds with `mvn -B package -DskipTests` in `maven:3.9.9-eclipse-temurin-21-alpine`, runs `java -jar target/legacy-billing.jar` in `eclipse-temurin:21.0.5_11-jre-alpine` as a non-root user on port 8081',
      );
    });

    // The merge request only adds and updates what the branch holds; a file
    // left out of it stays in the repository as it is.
    it("leaves out the skeleton's application and so never touches the service's own", () => {
      expect(files.has('README.md')).toBe(false);
      expect(files.has('src/main/java/com/example/billing/Main.java')).toBe(
        false,
      );
      for (const file of [
        'package.json',
        'package-lock.json',
        'tsconfig.json',
        'src/server.ts',
        '.nvmrc',
        '.dockerignore',
      ]) {
        expect(files.has(file)).toBe(false);
      }
    });

    it('provisions every system with the same actions as the create template and opens the merge request', () => {
      const actions = result.template.spec.steps.map(
        (s: { action: string }) => s.action,
      );
      expect(actions).toEqual([
        'catalog:fetch',
        'fetch:plain',
        'slipway:catalog-info:merge',
        'fs:delete',
        'fetch:template',
        'fetch:template',
        'fs:delete',
        'gitlab:repo:push',
        'gitlab:repo:push',
        'sonarqube:project:create',
        'aws:ecr:repository:create',
        'jenkins:job:create',
        'gitlab:webhook:create',
        'gitlab:mergeRequest:ensure',
        // after the merge request, whose URL gives the project's clone URL
        'argocd:application:create',
      ]);
      // gitlab:repo:push writes to GitLab, so a dry run skips it; the
      // delivery actions run in their own dry-run mode.
      const skipped = result.log.filter(line => /Skipping because/.test(line));
      expect(skipped).toHaveLength(2);
      expect(result.log).toContainEqual(
        expect.stringMatching(
          /Dry run: would open or update the merge request from "slipway\/onboard-legacy-billing" on the GitLab project "billing\/legacy-billing" into the default branch, titled "Put legacy-billing on the road".*nothing was sent to GitLab$/,
        ),
      );
    });

    it('names one branch per service, so a second run updates it and its merge request', () => {
      const branches = result.template.spec.steps
        .filter((s: any) => s.input?.branchName || s.input?.sourceBranch)
        .map((s: any) => s.input.branchName ?? s.input.sourceBranch);
      expect(new Set(branches)).toEqual(
        new Set([
          'slipway/onboard-${{ steps.entity.output.entity.metadata.name }}',
        ]),
      );
    });

    it('links every system it set up', () => {
      const links = Object.fromEntries(
        (result.output.links ?? []).map(l => [l.title, l.url ?? l.entityRef]),
      );
      expect(links).toMatchObject({
        'Jenkins job': expect.stringContaining('legacy-billing'),
        'SonarQube dashboard': expect.stringContaining('legacy-billing'),
        'ECR repository':
          'https://eu-west-1.console.aws.amazon.com/ecr/repositories/private/123456789012/legacy-billing?region=eu-west-1',
        'Argo CD application': expect.stringContaining(
          'legacy-billing-staging',
        ),
        'Open in catalog': 'component:default/legacy-billing',
      });
      expect(links['Merge request']).toBe(
        'https://gitlab.example.com/billing/legacy-billing/-/merge_requests',
      );
    });
  });

  describe('a repository with its own Dockerfile and .trivyignore', () => {
    let files: Map<string, string>;

    beforeAll(async () => {
      const gitlab = await gitlabServingRepository({
        apiBaseUrl: API,
        projectPath: 'payments/ledger',
        directory: path.join(fixtureRepositories, 'ledger'),
      });
      server.use(...gitlab.handlers);
      const result = await dryRunOnboardTemplate({
        entities: [await catalogEntity('ledger')],
        values: {
          entity: 'component:default/ledger',
          repoUrl: 'gitlab.example.com?owner=payments&repo=ledger',
          ...deliveryValues,
          namespace: 'payments',
        },
      });
      files = repositoryFiles(result.files);
    }, 60_000);

    it('keeps its Dockerfile and still sets the chart to the chosen port', () => {
      expect(parseYaml(files.get('chart/values-service.yaml')!)).toEqual({
        containerPort: 8081,
      });
    });

    it('does not replace the Dockerfile or the accepted findings', async () => {
      const own = path.join(fixtureRepositories, 'ledger');
      expect(files.get('Dockerfile')).toBe(
        await fs.readFile(path.join(own, 'Dockerfile'), 'utf8'),
      );
      expect(files.get('.trivyignore')).toBe(
        await fs.readFile(path.join(own, '.trivyignore'), 'utf8'),
      );
      expect(files.has('.dockerignore')).toBe(false);
    });

    it('adds the pipeline and the chart, and the annotations with the chosen namespace', () => {
      expect(files.get('Jenkinsfile')).toContain("SERVICE_NAME = 'ledger'");
      expect(files.has('chart/templates/deployment.yaml')).toBe(true);
      const entity = parseYaml(files.get('catalog-info.yaml')!);
      expect(entity.metadata.annotations).toMatchObject({
        'gitlab.com/project-slug': 'payments/ledger',
        'backstage.io/kubernetes-namespace': 'payments',
      });
      expect(entity.metadata.tags).toEqual(['go']);
      expect(files.get('go.mod')).toContain('module example.com/ledger');
    });
  });
});
