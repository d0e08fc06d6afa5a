import fs from 'node:fs/promises';
import path from 'node:path';
import { type Entity } from '@backstage/catalog-model';
import { startTestBackend, mockServices } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGitlabModule from '@backstage/plugin-scaffolder-backend-module-gitlab';
import scaffolderDeliveryModule from '@slipway/plugin-scaffolder-backend-module-delivery';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import {
  dryRunConfig,
  readDirectoryContents,
  readDryRunResponse,
  type DryRunResult,
} from '../microservice/dryRun';
import { skeletonDir } from '../microservice/paths';
import { onboardTemplateFile } from './paths';

/** Where the template fetches the delivery files from, relative to itself. */
export const SKELETON_URL = '../microservice/skeleton';
/** Where a dry run finds them: beside the uploaded template. */
const DRY_RUN_SKELETON = 'microservice/skeleton';

/** The delivery choices a developer would make in the form. */
export const deliveryValues = {
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
  // legacy-billing is a Maven service without a Dockerfile.
  port: 8081,
  buildImage: 'maven:3.9.9-eclipse-temurin-21-alpine',
  buildCommand: 'mvn -B package -DskipTests',
  artifactPath: 'target/legacy-billing.jar',
  runtimeImage: 'eclipse-temurin:21.0.5_11-jre-alpine',
  startCommand: 'java -jar target/legacy-billing.jar',
};

/**
 * Runs templates/onboard-service through the real scaffolder backend's
 * `POST /api/scaffolder/v2/dry-run`, with `entities` in the catalog. The
 * repository is read by the real `fetch:plain` from GitLab's API, which the
 * caller serves with msw (see gitlabArchive.ts).
 *
 * One thing differs from the portal: a dry run uploads the template into a
 * fresh folder, so the skeleton is uploaded beside it and the one `url` that
 * points at `../microservice/skeleton` is pointed there. The test checks that
 * the template names exactly that URL.
 */
export async function dryRunOnboardTemplate(options: {
  values: Record<string, unknown>;
  entities: Entity[];
}): Promise<DryRunResult & { template: any }> {
  const template = parseYaml(await fs.readFile(onboardTemplateFile, 'utf8'));
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderGitlabModule,
      scaffolderDeliveryModule,
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.rootConfig.factory({ data: dryRunConfig }),
    ],
  });

  const steps: Array<{ id: string; action: string; input?: any }> =
    template.spec.steps;
  const skeletonSteps = steps.filter(s => s.input?.url === SKELETON_URL);
  if (skeletonSteps.length !== 1) {
    throw new Error(
      `expected one step fetching ${SKELETON_URL}, found ${skeletonSteps.length}`,
    );
  }
  const runnable = structuredClone(template);
  for (const step of runnable.spec.steps) {
    if (step.input?.url === SKELETON_URL) {
      step.input.url = `./${DRY_RUN_SKELETON}`;
    }
  }

  const response = await request(server)
    .post('/api/scaffolder/v2/dry-run')
    .send({
      template: runnable,
      values: options.values,
      // What the portal reads beside the template: its own delivery/ folder,
      // and the skeleton.
      directoryContents: [
        ...(await readDirectoryContents(
          path.join(path.dirname(onboardTemplateFile), 'delivery'),
          'delivery',
        )),
        ...(await readDirectoryContents(skeletonDir, DRY_RUN_SKELETON)),
      ],
    });
  const { files, output, log } = readDryRunResponse(response);
  return {
    template,
    files,
    output,
    omittedSteps: [],
    executedSteps: steps.map(step => step.id),
    log,
  };
}

/** The files of the merge request: what the template left in `repository/`. */
export function repositoryFiles(files: Map<string, Buffer>) {
  const result = new Map<string, string>();
  for (const [file, content] of files) {
    if (file.startsWith('repository/')) {
      result.set(
        path.posix.relative('repository', file),
        content.toString('utf8'),
      );
    }
  }
  return result;
}
