import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  componentEntityV1alpha1Validator,
  type Entity,
} from '@backstage/catalog-model';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import {
  dryRunMicroserviceTemplate,
  sampleValues,
  writeFiles,
  type DryRunResult,
} from './dryRun';
import { skeletonDir, templateFile } from './paths';

const run = promisify(execFile);

/** DESIGN §4: the stages of one run, in order. */
const PIPELINE_STAGES = [
  'Checkout',
  'Unit tests',
  'SonarQube analysis',
  'Quality gate',
  'Build image',
  'Trivy scan',
  'Push to ECR',
  'Update Helm values',
  'Push to GitLab',
];

let result: DryRunResult;
let outDir: string;

function text(file: string): string {
  const content = result.files.get(file);
  if (!content) {
    throw new Error(`the dry run generated no ${file}`);
  }
  return content.toString('utf8');
}

beforeAll(async () => {
  result = await dryRunMicroserviceTemplate();
  outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'microservice-dry-run-'));
  await writeFiles(result.files, outDir);
}, 60_000);

afterAll(async () => {
  if (outDir) await fs.rm(outDir, { recursive: true, force: true });
});

describe('the template', () => {
  it('has the steps in the order of the issue', async () => {
    const template = parseYaml(await fs.readFile(templateFile, 'utf8'));
    expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    expect(template.spec.steps.map((s: { action: string }) => s.action)).toEqual([
      'slipway:service:preflight',
      'fetch:template',
      'publish:gitlab',
      'sonarqube:project:create',
      'aws:ecr:repository:create',
      'jenkins:job:create',
      'gitlab:webhook:create',
      'argocd:application:create',
      'catalog:register',
    ]);
  });

  it('ran every step through the scaffolder, delivery actions included', async () => {
    expect(result.omittedSteps).toEqual([]);
    expect(result.executedSteps).toEqual([
      'preflight',
      'fetch',
      'publish',
      'sonarqube',
      'ecr',
      'jenkins',
      'webhook',
      'argocd',
      'register',
    ]);
  });

  it('checked the name was free before generating anything', () => {
    expect(result.log.join('\n')).toContain(
      'The name "payments-api" is free: no component:default/payments-api in the catalog, no GitLab project payments/payments-api on gitlab.example.com (dry run: checked, nothing created)',
    );
  });

  it('passes the delivery actions the inputs they declare (issue 4)', async () => {
    const template = parseYaml(await fs.readFile(templateFile, 'utf8'));
    const inputs = Object.fromEntries(
      template.spec.steps.map((s: { action: string; input: object }) => [
        s.action,
        Object.keys(s.input).sort(),
      ]),
    );
    expect(inputs).toMatchObject({
      'slipway:service:preflight': ['name', 'repoUrl'],
      'sonarqube:project:create': ['name', 'projectKey', 'qualityGate'],
      'aws:ecr:repository:create': ['accountId', 'region', 'repositoryName', 'tags'],
      'jenkins:job:create': ['credentialsId', 'folder', 'jobName', 'kind', 'repoUrl'],
      'gitlab:webhook:create': ['enableSslVerification', 'events', 'hookUrl', 'repoUrl'],
      'argocd:application:create': [
        'appName',
        'destinationName',
        'instance',
        'labels',
        'namespace',
        'path',
        'project',
        'repoUrl',
        'targetRevision',
        'valueFiles',
      ],
    });
    const webhook = template.spec.steps.find((s: { id: string }) => s.id === 'webhook');
    expect(webhook.input.hookUrl).toBe('${{ steps.jenkins.output.webhookUrl }}');
  });

  it('links to every system the service was wired into', () => {
    expect(result.output.links?.map(link => link.title)).toEqual([
      'Repository',
      'Jenkins job',
      'SonarQube dashboard',
      'ECR repository',
      'Argo CD application',
      'Open in catalog',
    ]);
    expect(result.output.links?.[3]?.url).toBe(
      'https://eu-west-1.console.aws.amazon.com/ecr/repositories/private/123456789012/payments-api?region=eu-west-1',
    );
  });
});

describe('the generated repository', () => {
  it('has every file of the skeleton, with nothing left untemplated', async () => {
    const skeletonFiles = (await fs.readdir(skeletonDir, { recursive: true, withFileTypes: true }))
      .filter(entry => entry.isFile())
      .map(entry =>
        path
          .relative(skeletonDir, path.join(entry.parentPath, entry.name))
          .replace('values-${{ values.environment }}', 'values-staging'),
      )
      .sort();
    expect([...result.files.keys()].sort()).toEqual(skeletonFiles);
    for (const [file, content] of result.files) {
      expect({ file, leftover: content.toString('utf8').includes('${{') }).toEqual({
        file,
        leftover: false,
      });
    }
  });

  it('has YAML files that all parse', () => {
    const yamlFiles = [...result.files.keys()].filter(
      file => /\.ya?ml$/.test(file) && !file.startsWith('chart/templates/'),
    );
    expect(yamlFiles).toEqual(
      expect.arrayContaining([
        'catalog-info.yaml',
        'chart/Chart.yaml',
        'chart/values.yaml',
        'chart/values-staging.yaml',
      ]),
    );
    for (const file of yamlFiles) {
      expect(() => parseYaml(text(file))).not.toThrow();
    }
    expect(parseYaml(text('chart/Chart.yaml'))).toMatchObject({
      apiVersion: 'v2',
      name: 'payments-api',
    });
  });

  it('has a catalog-info.yaml that is a valid Component with every annotation filled in', async () => {
    const entity = parseYaml(text('catalog-info.yaml')) as Entity;
    const policies = EntityPolicies.allOf([
      new DefaultNamespaceEntityPolicy(),
      new NoForeignRootFieldsEntityPolicy(),
      new FieldFormatEntityPolicy(),
      new SchemaValidEntityPolicy(),
    ]);
    await expect(policies.enforce(entity)).resolves.toBeDefined();
    await expect(componentEntityV1alpha1Validator.check(entity)).resolves.toBe(true);

    expect(entity.metadata.name).toBe('payments-api');
    expect(entity.metadata.description).toBe(sampleValues.description);
    expect(entity.spec).toEqual({
      type: 'service',
      lifecycle: 'experimental',
      owner: 'group:default/payments',
      system: 'system:default/checkout',
    });
    expect(entity.metadata.annotations).toEqual({
      'gitlab.com/project-slug': 'payments/payments-api',
      'backstage.io/source-location': 'url:https://gitlab.example.com/payments/payments-api',
      'jenkins.io/job-full-name': 'services/payments-api',
      'sonarqube.org/project-key': 'payments-api',
      'argocd/app-selector': 'backstage-name=payments-api',
      'aws.amazon.com/aws-ecr-repository-arn':
        'arn:aws:ecr:eu-west-1:123456789012:repository/payments-api',
      'backstage.io/kubernetes-id': 'payments-api',
      'backstage.io/kubernetes-namespace': 'payments-api',
    });
  });

  it('has values files that validate against values.schema.json, as Helm merges them', () => {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    const validate = ajv.compile(JSON.parse(text('chart/values.schema.json')));
    const defaults = parseYaml(text('chart/values.yaml'));
    const valuesFiles = [...result.files.keys()].filter(file =>
      /^chart\/values-[a-z]+\.yaml$/.test(file),
    );
    expect(valuesFiles).toEqual(['chart/values-staging.yaml']);

    expect({ file: 'values.yaml', errors: validate(defaults) ? null : validate.errors }).toEqual({
      file: 'values.yaml',
      errors: null,
    });
    for (const file of valuesFiles) {
      const merged = mergeValues(defaults, parseYaml(text(file)));
      expect({ file, errors: validate(merged) ? null : validate.errors }).toEqual({
        file,
        errors: null,
      });
    }

    const staging = parseYaml(text('chart/values-staging.yaml'));
    expect(staging).toEqual({
      image: { tag: '' },
      replicaCount: 2,
      autoscaling: { minReplicas: 2, maxReplicas: 6 },
    });
    expect(defaults.image.repository).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api',
    );
    expect(defaults.resources).toEqual({
      requests: { cpu: '250m', memory: '384Mi' },
      limits: { memory: '384Mi' },
    });

    // The schema does reject bad values: Helm would stop before deploying them.
    const badTag = mergeValues(defaults, { image: { tag: 'latest;rm -rf' } });
    expect(validate(badTag)).toBe(false);
    const unknownKey = mergeValues(defaults, { replicas: 3 });
    expect(validate(unknownKey)).toBe(false);
  });

  it('keeps Helm expressions in the chart templates', () => {
    const templates = [...result.files.keys()].filter(file =>
      file.startsWith('chart/templates/'),
    );
    expect(text('scripts/bump-image-tag.sh')).toBe(
      require('node:fs').readFileSync(path.join(skeletonDir, 'scripts/bump-image-tag.sh'), 'utf8'),
    );
    expect(templates.sort()).toEqual([
      'chart/templates/_helpers.tpl',
      'chart/templates/deployment.yaml',
      'chart/templates/hpa.yaml',
      'chart/templates/ingress.yaml',
      'chart/templates/pdb.yaml',
      'chart/templates/service.yaml',
      'chart/templates/serviceaccount.yaml',
    ]);
    for (const file of templates) {
      expect(text(file)).toMatch(/\{\{-? .+ -?\}\}/);
      expect(text(file)).toBe(
        // byte for byte what the skeleton holds
        require('node:fs').readFileSync(path.join(skeletonDir, file), 'utf8'),
      );
    }
    const deployment = text('chart/templates/deployment.yaml');
    expect(deployment).toContain('{{ include "service.fullname" . }}');
    for (const securityField of [
      'runAsNonRoot: true',
      'allowPrivilegeEscalation: false',
      'readOnlyRootFilesystem: true',
      'drop: ["ALL"]',
      'type: RuntimeDefault',
      'readinessProbe:',
      'livenessProbe:',
      '{{- toYaml .Values.resources | nindent 12 }}',
    ]) {
      expect(deployment).toContain(securityField);
    }
  });

  it('has a Jenkinsfile with the pipeline stages in order that npm-groovy-lint accepts', async () => {
    const jenkinsfile = text('Jenkinsfile');
    const stages = [...jenkinsfile.matchAll(/^\s*stage\('([^']+)'\)/gm)].map(m => m[1]);
    expect(stages).toEqual(PIPELINE_STAGES);
    expect(jenkinsfile).toContain("IMAGE_REPOSITORY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api'");
    expect(jenkinsfile).toContain("VALUES_FILE = 'chart/values-staging.yaml'");
    expect(jenkinsfile).toMatch(/timeout\(time: \d+, unit: 'MINUTES'\) \{\s*waitForQualityGate abortPipeline: true/);
    expect(jenkinsfile).toContain('--exit-code 1');
    expect(jenkinsfile).toContain('--ignorefile .trivyignore');
    expect(jenkinsfile).toMatch(/always \{\s*archiveArtifacts artifacts: 'trivy-report.json'/);

    // The package's exports hide its CLI entry point; it sits beside the main file.
    const lint = path.join(path.dirname(require.resolve('npm-groovy-lint')), 'index.js');
    const { stdout } = await run(
      process.execPath,
      [lint, '--noserver', '--output', 'json', '--config', path.join(outDir, '.groovylintrc.json'), path.join(outDir, 'Jenkinsfile')],
      { cwd: outDir, maxBuffer: 10 * 1024 * 1024 },
    ).catch(error => error);
    const report = JSON.parse(stdout);
    const errors = Object.values(report.files as Record<string, { errors: Array<{ severity: string }> }>)
      .flatMap(file => file.errors)
      .filter(e => e.severity === 'error');
    expect(errors).toEqual([]);
    expect(report.summary.totalFilesLinted).toBe(1);
  }, 120_000);

  it("passes its own tests when run the way its README says", async () => {
    const readme = text('README.md');
    const testCommands = /## Test it\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    const commands = testCommands!
      .split('\n')
      .map(line => line.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual(['npm ci', 'npm run typecheck', 'npm test']);

    for (const command of commands) {
      const [bin, ...args] = command.split(' ');
      await run(bin!, [...args, ...(bin === 'npm' && args[0] === 'ci' ? ['--no-audit', '--no-fund'] : [])], {
        cwd: outDir,
        env: { ...process.env, CI: 'true', NODE_ENV: 'test' },
        maxBuffer: 10 * 1024 * 1024,
      });
    }
    const lcov = await fs.readFile(path.join(outDir, 'coverage/lcov.info'), 'utf8');
    expect(lcov).toContain('SF:src/server.ts');
  }, 180_000);
});

function mergeValues(base: any, override: any): any {
  if (
    typeof base !== 'object' ||
    base === null ||
    Array.isArray(base) ||
    typeof override !== 'object' ||
    override === null ||
    Array.isArray(override)
  ) {
    return override;
  }
  const merged = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] = key in base ? mergeValues(base[key], value) : value;
  }
  return merged;
}
