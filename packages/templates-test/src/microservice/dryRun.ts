import fs from 'node:fs/promises';
import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGitlabModule from '@backstage/plugin-scaffolder-backend-module-gitlab';
import scaffolderDeliveryModule from '@slipway/plugin-scaffolder-backend-module-delivery';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { skeletonDir, templateFile } from './paths';

/** The values a developer would enter in the form. */
export const sampleValues = {
  name: 'payments-api',
  description:
    'Takes payments from the checkout and settles them with the bank.',
  owner: 'group:default/payments',
  system: 'system:default/checkout',
  repoUrl: 'gitlab.example.com?owner=payments&repo=payments-api',
  environment: 'staging',
  cluster: 'in-cluster',
  argocdProject: 'payments',
  awsRegion: 'eu-west-1',
  awsAccountId: '123456789012',
  cpuRequest: '250m',
  memoryRequest: '384Mi',
  replicas: 2,
  qualityGate: 'Sonar way',
  jenkinsFolder: 'services',
};

/**
 * The portal config of the dry runs: one GitLab integration and one instance
 * of every tool. The delivery actions check instance names against config
 * even in a dry run; a dry run sends them nothing.
 */
export const dryRunConfig = {
  integrations: {
    gitlab: [
      {
        host: 'gitlab.example.com',
        apiBaseUrl: 'https://gitlab.example.com/api/v4',
        token: 'not-used-in-dry-run',
      },
    ],
  },
  jenkins: {
    baseUrl: 'https://jenkins.example.com',
    username: 'scaffolder',
    apiKey: 'not-used-in-dry-run',
  },
  sonarqube: {
    baseUrl: 'https://sonarqube.example.com',
    apiKey: 'not-used-in-dry-run',
  },
  argocd: {
    appLocatorMethods: [
      {
        type: 'config',
        instances: [
          {
            name: 'argocd',
            url: 'https://argocd.example.com',
            token: 'not-used-in-dry-run',
          },
        ],
      },
    ],
  },
  aws: {
    accounts: [
      {
        accountId: '123456789012',
        accessKeyId: 'AKIAEXAMPLE000000000',
        secretAccessKey: 'not-used-in-dry-run',
      },
    ],
  },
};

export interface DryRunResult {
  /** Generated files by path, as the scaffolder returned them. */
  files: Map<string, Buffer>;
  output: { links?: Array<Record<string, string>> };
  /** Step ids left out because no installed action implements them. */
  omittedSteps: string[];
  /** Ids of the steps that ran (in dry-run mode). */
  executedSteps: string[];
  log: string[];
}

/**
 * Runs templates/microservice through the real scaffolder backend's
 * `POST /api/scaffolder/v2/dry-run`, with the skeleton uploaded as the
 * template's directory contents.
 *
 * Steps whose action is not installed are left out (and reported in
 * `omittedSteps`) rather than replaced by stand-ins: the delivery actions
 * are tested in their own package.
 *
 * The preflight step reads even in a dry run: the catalog holds `entities`
 * (none by default), and GitLab (msw) knows the projects in `gitlabProjects`
 * (none by default) and answers 404 for any other, as GitLab does.
 */
export async function dryRunMicroserviceTemplate(
  values: Record<string, unknown> = sampleValues,
  options: { entities?: Entity[]; gitlabProjects?: string[] } = {},
): Promise<DryRunResult> {
  const template = parseYaml(await fs.readFile(templateFile, 'utf8'));
  const gitlab = setupServer(
    http.get(
      `${dryRunConfig.integrations.gitlab[0].apiBaseUrl}/projects/:id`,
      ({ params }) => {
        const projectPath = decodeURIComponent(String(params.id));
        return options.gitlabProjects?.includes(projectPath)
          ? HttpResponse.json({
              id: 42,
              path_with_namespace: projectPath,
              default_branch: 'main',
              web_url: `https://gitlab.example.com/${projectPath}`,
            })
          : HttpResponse.json(
              { message: '404 Project Not Found' },
              { status: 404 },
            );
      },
    ),
  );
  // The test talks to the scaffolder on localhost; anything else that leaves
  // the process is a request nobody answers here.
  gitlab.listen({
    onUnhandledRequest(req, print) {
      if (new URL(req.url).hostname !== '127.0.0.1') print.error();
    },
  });
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderGitlabModule,
      scaffolderDeliveryModule,
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      mockServices.rootConfig.factory({ data: dryRunConfig }),
    ],
  });

  try {
    const actions = await request(server).get('/api/scaffolder/v2/actions');
    if (actions.status !== 200) {
      throw new Error(
        `listing actions failed: ${actions.status} ${actions.text}`,
      );
    }
    const installed = new Set<string>(
      actions.body.map((action: { id: string }) => action.id),
    );
    const steps: Array<{ id: string; action: string }> = template.spec.steps;
    const omittedSteps = steps
      .filter(step => !installed.has(step.action))
      .map(step => step.id);
    template.spec.steps = steps.filter(step => installed.has(step.action));

    const response = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send({
        template,
        values,
        directoryContents: await readDirectoryContents(skeletonDir, 'skeleton'),
      });
    const { files, output, log } = readDryRunResponse(response);
    return {
      files,
      output,
      omittedSteps,
      executedSteps: template.spec.steps.map((step: { id: string }) => step.id),
      log,
    };
  } finally {
    // startTestBackend stops itself after the test.
    gitlab.close();
  }
}

/** The files under `root` as the dry-run endpoint takes them, under `prefix/`. */
/**
 * The generated files, outputs and log lines of a
 * `POST /api/scaffolder/v2/dry-run` response; any other status than 200 is
 * an error with the scaffolder's answer.
 */
export function readDryRunResponse(response: {
  status: number;
  body: any;
}): Pick<DryRunResult, 'files' | 'output' | 'log'> {
  if (response.status !== 200) {
    throw new Error(
      `dry run failed: ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  const files = new Map<string, Buffer>();
  for (const file of response.body.directoryContents) {
    files.set(file.path, Buffer.from(file.base64Content, 'base64'));
  }
  const log: string[] = response.body.log.map(
    (entry: { body: { message: string } }) => entry.body.message,
  );
  return { files, output: response.body.output, log };
}

export async function readDirectoryContents(
  root: string,
  prefix: string,
): Promise<Array<{ path: string; base64Content: string }>> {
  const entries = await fs.readdir(root, {
    recursive: true,
    withFileTypes: true,
  });
  const files = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    const relative = path.relative(root, absolute).split(path.sep).join('/');
    files.push({
      path: `${prefix}/${relative}`,
      base64Content: (await fs.readFile(absolute)).toString('base64'),
    });
  }
  return files;
}

/** Writes the generated files under `dir`, keeping the folder structure. */
export async function writeFiles(files: Map<string, Buffer>, dir: string) {
  for (const [file, content] of files) {
    const target = path.join(dir, file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content);
  }
}
